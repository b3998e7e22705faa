import { lastValueFrom } from 'rxjs';
import { describe, it } from 'vitest';
import { isTerminalStatus } from '../../src/events/guards';
import type { Run } from '../../src/events/types';
import { RunTimeoutError, runTimeout } from '../../src/operators/runTimeout';
import { cancelRun } from '../../src/sources/cancelRun';
import { drive, FAST_POLL, runIdOf } from './drive';
import { check, rngFor, SeedError } from './harness';
import { judgeEmissions, withBug } from './knownBugs';
import { definePlans, planFor } from './plan';
import { collect } from './probes';
import { runRow } from './row';
import {
  exchangesTo,
  openWorld,
  PATHS,
  quiet,
  settledRuns,
  threadAcceptsMessages,
  threadRuns,
} from './world';

// Row: a run stalls (the assistant pauses 60 s mid-message, or a tool handler never returns) and
// `runTimeout` gives up on it: idle on a stream, idle while polling, a total budget, or idle while a
// handler hangs. The pipeline errors with RunTimeoutError naming the run, the server reports the run
// cancelled (exactly one cancel request), hung handlers are aborted, and the thread takes messages.

const ROW = 'timeouts';
const FILE = 'test/chaos/timeouts.test.ts';
definePlans(ROW, {
  stall: (rng) => ({ afterChunks: rng.int(1, 6), ms: 60_000 }),
});

describe('fault matrix: slow streams with runTimeout', () => {
  it('the run is cancelled on the server and the thread released', { timeout: 180_000 }, () =>
    runRow({
      row: ROW,
      scenario: 'Run stalls 60 s (mid-message, or in a hanging tool handler); runTimeout gives up',
      file: FILE,
      concurrency: 20,
      seed: async (seed, context, ledger) => {
        const plan = planFor(ROW, seed);
        const rng = rngFor(ROW, seed);
        const variant =
          plan.shape === 'tools'
            ? 'idle while a handler hangs'
            : rng.pick(['idle, stream', 'idle, poll', 'total'] as const);
        const mode = variant === 'idle, poll' || (variant === 'total' && rng.chance(0.5)) ? 'poll' : 'stream';
        const limit =
          variant === 'total'
            ? { total: rng.int(1000, 2000) }
            : {
                first: 10_000,
                idle:
                  variant === 'idle, poll'
                    ? rng.int(60, 150)
                    : variant === 'idle, stream'
                      ? rng.int(30, 100)
                      : rng.int(150, 300),
              };
        const where = `${plan.shape} run, ${variant} (${mode}), runTimeout ${JSON.stringify(limit)}`;
        const world = await openWorld(plan, { row: context });
        try {
          const result = await drive(world, ledger, context.pipelines, {
            run: { mode },
            behaviour: () => 'hang',
            after: [runTimeout(limit)],
          });
          const error = result.error;
          check(error instanceof RunTimeoutError, () => `expected RunTimeoutError, got ${String(error)}`);
          const runId = runIdOf(result.events);
          if (runId === undefined) {
            // Only on a very slow machine: the limit hit before the first event, so nothing could be
            // cancelled (by design). The run the server may have created is cancelled by id here.
            check(error.runId === undefined, `the error names run ${error.runId}, no event did`);
            check(exchangesTo(world, 'POST', PATHS.cancel).length === 0, 'a cancel without a run id');
            await quiet(world);
            for (const orphan of threadRuns(world).filter((r) => !isTerminalStatus(r.status))) {
              await lastValueFrom(
                cancelRun(world.admin, { threadId: world.threadId, runId: orphan.id }, { poll: FAST_POLL }),
              );
            }
            await settledRuns(world);
            const locked = await threadAcceptsMessages(world);
            check(locked === undefined, `thread locked: ${locked}`);
            return { outcome: 'limit hit before the first event: RunTimeoutError, nothing to cancel' };
          }
          check(
            runId !== undefined && error.runId === runId,
            `the error names run ${error.runId}, the events ${runId}`,
          );
          check(error.limit === ('total' in limit ? 'total' : 'idle'), `limit ${error.limit}`);
          const runs = await settledRuns(world);
          check(
            runs.length === 1 && runs[0]?.status === 'cancelled',
            () => `server runs: ${runs.map((r) => r.status)}`,
          );
          const cancels = exchangesTo(world, 'POST', PATHS.cancel).length;
          check(cancels === 1, `${cancels} cancel requests`);
          // Under load the idle limit may hit before the tools run; a handler that did start was aborted.
          const paused = result.events.find((e) => e.event === 'thread.run.requires_action')?.data as
            | Run
            | undefined;
          const calls = paused?.required_action?.submit_tool_outputs.tool_calls ?? [];
          const started = calls.filter((call) => ledger.calls.has(call.id));
          for (const call of started) check(ledger.aborted.has(call.id), `handler of ${call.id} not aborted`);
          const locked = await threadAcceptsMessages(world);
          check(locked === undefined, `thread locked: ${locked}`);
          const bug = judgeEmissions({
            plan,
            events: result.events,
            collected: await collect(result.events),
            exchanges: world.exchanges,
            complete: false,
          });
          const label =
            plan.shape === 'tools' && started.length === 0 ? 'idle before the tools ran' : variant;
          return {
            outcome: withBug(`${label}: RunTimeoutError, run cancelled on the server`, bug),
            metrics: { cancels, handlersAborted: started.length },
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
