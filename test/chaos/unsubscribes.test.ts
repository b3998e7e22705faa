import { describe, it } from 'vitest';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { isTerminalStatus } from '../../src/events/guards';
import { drive, lastStatus, runIdOf } from './drive';
import { check, SeedError } from './harness';
import { judgeEmissions, withBug } from './knownBugs';
import { drawLeave, leaveAt } from './leave';
import { definePlans, drawSeed } from './plan';
import { collect, pollReadEnded } from './probes';
import { runRow } from './row';
import { exchangesTo, openWorld, PATHS, settledRuns, threadAcceptsMessages } from './world';

// Row: the subscriber leaves at a random moment: synchronously at subscribe, after the k-th event,
// or after t ms (mid-stream, mid-poll, while a tool handler runs, or after the end). Exactly one
// cancel request goes out when the run id was known and the run had not ended (none otherwise), a
// refused cancel (the run ended first) reaches onCancelError, running handlers are aborted, every
// run ends terminal on the server, and the thread takes a new message once it has.

const ROW = 'unsubscribes';
const FILE = 'test/chaos/unsubscribes.test.ts';
definePlans(ROW, {});

describe('fault matrix: unsubscribes at random moments', () => {
  it('exactly one cancel, every run terminal, no thread left locked', { timeout: 180_000 }, () =>
    runRow({
      row: ROW,
      scenario: 'Unsubscribe at a random moment (at subscribe, after the k-th event, after t ms)',
      file: FILE,
      concurrency: 30,
      seed: async (seed, context, ledger) => {
        const { plan, rng, mode } = drawSeed(ROW, seed);
        const leave = drawLeave(rng, plan, { moment: 'subscribe', words: 'at subscribe' });
        const { behaviour, when } = leave;
        const where = `${plan.shape} run (${mode}), unsubscribe ${when}, ${behaviour} handlers`;
        // Slower runs, so that the moments land mid-run; orphans (left before the run id) expire soon.
        const world = await openWorld(plan, { row: context, latencyMs: 3, expiresAfterMs: 5000 });
        try {
          const result = await drive(world, ledger, context.pipelines, {
            run: { mode },
            behaviour: () => behaviour,
            ...leaveAt(leave),
          });
          check(result.error === undefined, () => `errored: ${String(result.error)}`);
          const runs = await settledRuns(world, 15_000);
          check(runs.length <= 1, `${runs.length} runs`);
          const locked = await threadAcceptsMessages(world);
          check(locked === undefined, `thread locked: ${locked}`);
          const cancels = exchangesTo(world, 'POST', PATHS.cancel).length;
          const status = runs[0]?.status ?? 'not created';
          const bug = judgeEmissions({
            plan,
            events: result.events,
            collected: await collect(result.events),
            exchanges: world.exchanges,
            complete: !result.unsubscribed,
          });
          const outcome = (label: string) => withBug(label, bug);

          if (!result.unsubscribed) {
            check(lastStatus(result.events) === 'completed' && status === 'completed', `ended ${status}`);
            check(cancels === 0, `${cancels} cancels after the run completed`);
            return { outcome: outcome('completed before the unsubscribe: no cancel') };
          }
          const runId = runIdOf(result.events);
          const ended = isTerminalStatus(lastStatus(result.events));
          // A poll that read the run ended leaves nothing to cancel. (Leaving in the few ms between
          // that answer's arrival and its reading may still send one, which is then refused.)
          const readEnded = pollReadEnded(world.exchanges);
          const expected = runId !== undefined && !ended && !readEnded ? 1 : 0;
          check(
            readEnded ? cancels <= 1 : cancels === expected,
            `${cancels} cancel requests, expected ${expected}`,
          );
          // Every handler that started either finished or was aborted.
          const started = [...ledger.calls.keys()].filter((id) =>
            result.events.some(
              (e) => e.event === 'thread.run.requires_action' && JSON.stringify(e.data).includes(id),
            ),
          );
          for (const id of started)
            check(
              ledger.finished.has(id) || ledger.aborted.has(id),
              `handler of ${id} neither finished nor aborted`,
            );
          const aborted = started.filter((id) => ledger.aborted.has(id)).length;
          if (expected === 0) {
            return {
              outcome: outcome(
                runId === undefined
                  ? `left before the run id: no cancel, run ${status === 'not created' ? 'not created' : `${status} on its own`}`
                  : 'left after the end: no cancel',
              ),
            };
          }
          if (status === 'cancelled') {
            return {
              outcome: outcome(
                aborted > 0
                  ? 'left while a tool handler ran: handler aborted, 1 cancel, run cancelled'
                  : 'left mid-run: 1 cancel, run cancelled',
              ),
              metrics: { handlersAborted: aborted },
            };
          }
          // The run ended before the cancel arrived: the refusal is reported, never thrown away.
          check(
            result.cancelErrors.length === 1 && result.cancelErrors[0]?.error instanceof AssistantsApiError,
            () => `run ${status} first, but onCancelError saw ${result.cancelErrors.length} errors`,
          );
          return {
            outcome: outcome(
              `left mid-run: 1 cancel, run ${status} first (cancel refused, onCancelError called)`,
            ),
          };
        } catch (error) {
          throw SeedError.of(where, error);
        } finally {
          await world.close();
        }
      },
    }),
  );
});
