import { describe, it } from 'vitest';
import type { Emulator } from '../../src/emulator';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { RunStreamError, StreamDisconnectedError } from '../../src/errors/StreamErrors';
import { isTerminalStatus } from '../../src/events/guards';
import type { RunEvent } from '../../src/events/RunEvent';
import {
  checkCompletedLikeUnfaulted,
  cutFired,
  DROP,
  drawCut,
  releaseOrphan,
  unfaultedRun,
  withReference,
} from './cutRows';
import { lastStatus, runIdOf } from './drive';
import { check, rngFor, SeedError, type SeedOutcome, waitFor } from './harness';
import { judgeEmissions, withBug } from './knownBugs';
import { drawLeave } from './leave';
import { definePlans, type HandlerLedger, planFor } from './plan';
import { collect, comparable, repeatedSubmits } from './probes';
import { browse, type Relay, startRelay } from './relayKit';
import { type RowContext, runRow } from './row';
import { exchangesTo, openWorld, PATHS, serverMessages, settledRuns, threadAcceptsMessages } from './world';

// Rows: a run relayed to a browser across an HTTP hop. Each seed starts a node:http relay on
// 127.0.0.1 that pipes `createRun → handleRequiresAction` into `pipeToNodeResponse`, and a browser
// side that reads it with fetch + fromServerSentEvents + runState() / finalMessages().
// (1) The emulator drops the relay's upstream stream at a random byte offset: the relay's source
// resumes by polling, and the browser gets exactly the events the server emitted, with final
// messages identical to an unfaulted run; a drop before the run id reaches the browser as an
// `error` frame. (2) The browser aborts its fetch at a random moment: the relay unsubscribes its
// pipeline, which cancels a live run once (never a terminal one), and the thread is free again.

const FILE = 'test/chaos/relay.test.ts';
const DROPS = 'relay-drops';
const DISCONNECTS = 'relay-disconnects';
definePlans(DROPS, {});
definePlans(DISCONNECTS, {});

const json = (events: readonly RunEvent[]): string => JSON.stringify(events);

/** Byte offset where the last run status frame of an SSE body ends. */
function lastRunFrameEnd(body: string): number {
  let at = 0;
  let end = 0;
  for (const frame of body.split('\n\n').slice(0, -1)) {
    at += Buffer.byteLength(`${frame}\n\n`, 'utf8');
    if (/^event: thread\.run\.(?!step\.)/.test(frame)) end = at;
  }
  return end;
}

async function dropSeed(
  reference: Emulator,
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
): Promise<SeedOutcome> {
  const plan = planFor(DROPS, seed);
  const rng = rngFor(DROPS, seed);
  const unfaulted = await unfaultedRun(plan, reference, context, ledger, 'fetchClient');
  const cut = drawCut(DROP, rng, plan, unfaulted);
  const world = await openWorld(plan, { row: context, faults: { seed, rules: cut.rules } });
  let relay: Relay | undefined;
  try {
    relay = await startRelay(world, ledger, context.pipelines);
    const browsed = await browse(relay.url, context.pipelines, new AbortController());
    const { run } = relay;
    check(cutFired(world), 'the fault did not fire');
    check(relay.requests === 1, `the relay answered ${relay.requests} requests`);
    if (!cut.runIdKnown) {
      // The relay's source fails typed, and the browser reads it from the `error` frame.
      check(
        run.end === 'error' && run.error instanceof StreamDisconnectedError,
        () => `relay pipeline: expected StreamDisconnectedError, got ${run.end} ${String(run.error)}`,
      );
      check(
        browsed.error instanceof RunStreamError && browsed.error.payload.message === run.error.message,
        () => `browser: expected the relayed RunStreamError, got ${String(browsed.error)}`,
      );
      check(browsed.events.length === 0 && run.events.length === 0, 'events emitted before the run id');
      await releaseOrphan(world);
      return {
        outcome:
          'cut before the first run frame: StreamDisconnectedError relayed, RunStreamError in the browser',
      };
    }
    check(browsed.error === undefined, () => `the browser's stream errored: ${String(browsed.error)}`);
    check(run.end === 'complete', `relay pipeline ended: ${run.end} ${String(run.error ?? '')}`);
    check(
      json(browsed.events) === json(run.events),
      () =>
        `the browser got ${browsed.events.length} events, the relay emitted ${run.events.length}, or not the same`,
    );
    check(lastStatus(browsed.events) === 'completed', `ended ${lastStatus(browsed.events)}`);
    // The relay's source must resume by polling unless the cut spared the run's last status.
    const rule = cut.rules[0];
    const afterBytes = rule?.type === 'drop' ? (rule.afterBytes ?? 0) : 0;
    const polled = exchangesTo(world, 'GET', PATHS.retrieveRun).length > 0;
    check(polled || afterBytes >= lastRunFrameEnd(cut.body), 'the relay did not resume by polling');
    const messages = browsed.messages ?? [];
    const got = { ...(await collect(browsed.events)), messages };
    const state = browsed.state;
    check(
      state?.done === true &&
        state.status === 'completed' &&
        JSON.stringify(comparable(state.messages)) === JSON.stringify(comparable(messages)),
      "runState()'s last snapshot disagrees with finalMessages()",
    );
    const bug = judgeEmissions({
      plan,
      events: browsed.events,
      collected: got,
      exchanges: world.exchanges,
      complete: true,
    });
    const submits = repeatedSubmits(world.exchanges);
    check(submits.length === 0, () => submits.join(', '));
    await checkCompletedLikeUnfaulted(world, got, unfaulted.expected);
    return {
      outcome: withBug(
        `cut after the run id (${cut.onSubmit ? 'tool-output' : 'run-create'} stream): ${polled ? 'resumed by polling' : 'cut after the last run frame'}, browser's final messages identical`,
        bug,
      ),
      metrics: { resumedByPolling: polled ? 1 : 0 },
    };
  } catch (error) {
    throw SeedError.of(`relay, ${cut.where}`, error);
  } finally {
    await relay?.close();
    await world.close();
  }
}

async function disconnectSeed(
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
): Promise<SeedOutcome> {
  const plan = planFor(DISCONNECTS, seed);
  const rng = rngFor(DISCONNECTS, seed);
  const { moment, k, t, behaviour, when } = drawLeave(rng, plan, {
    moment: 'head',
    words: 'at the answer head',
  });
  const where = `${plan.shape} run relayed, browser leaves ${when}, ${behaviour} handlers`;
  // Slower runs, so that the moments land mid-run; orphans (left before the run id) expire soon.
  const world = await openWorld(plan, { row: context, latencyMs: 3, expiresAfterMs: 5000 });
  const abort = new AbortController();
  const leave = () => abort.abort();
  let relay: Relay | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    relay = await startRelay(world, ledger, context.pipelines, {
      behaviour: () => behaviour,
      ...(moment === 'handler' ? { onHandler: leave } : {}),
    });
    if (moment === 'time') timer = setTimeout(leave, t);
    const browsed = await browse(relay.url, context.pipelines, abort, {
      ...(moment === 'head' ? { onHead: leave } : {}),
      ...(moment === 'event' ? { onEvent: (i: number) => i + 1 === k && leave() } : {}),
    });
    clearTimeout(timer);
    const { run } = relay;
    check(relay.requests <= 1, `the relay answered ${relay.requests} requests`);
    // What the browser got is what the relay emitted, in order, each once.
    check(
      json(browsed.events) === json(run.events.slice(0, browsed.events.length)),
      'the browser got events the relay did not emit, or not in that order',
    );
    if (browsed.error === undefined) {
      const runs = await settledRuns(world);
      const status = runs[0]?.status;
      const cancels = exchangesTo(world, 'POST', PATHS.cancel).length;
      check(run.end === 'complete' && json(browsed.events) === json(run.events), 'the browser missed events');
      check(lastStatus(browsed.events) === 'completed' && status === 'completed', `ended ${status}`);
      check(cancels === 0, `${cancels} cancels after the run completed`);
      const stored = await serverMessages(world, runs[0]?.id ?? '');
      check(
        JSON.stringify(comparable(browsed.messages ?? [])) ===
          JSON.stringify(comparable(stored.filter((m) => m.role === 'assistant'))),
        "the browser's final messages differ from the server's",
      );
      const locked = await threadAcceptsMessages(world);
      check(locked === undefined, `thread locked: ${locked}`);
      judgeEmissions({
        plan,
        events: browsed.events,
        collected: await collect(browsed.events),
        exchanges: world.exchanges,
        complete: true,
      });
      return { outcome: 'completed before the browser left: no cancel' };
    }
    check(abort.signal.aborted, () => `the browser's stream failed on its own: ${String(browsed.error)}`);
    // The relay sees the browser's connection close, and stops its pipeline.
    await waitFor('the relay to see the browser leave', () =>
      relay?.answering() === 0 && !(run.subscribed && run.end === undefined) ? true : undefined,
    );
    check(!run.runningAtClose, 'the relay pipeline still ran when the browser connection closed');
    check(run.end !== 'error', () => `the relay pipeline errored: ${String(run.error)}`);
    const runs = await settledRuns(world, 15_000);
    check(runs.length <= 1, `${runs.length} runs`);
    const status = runs[0]?.status ?? 'not created';
    const cancels = exchangesTo(world, 'POST', PATHS.cancel).length;
    const runId = runIdOf(run.events);
    const live =
      run.end === 'unsubscribed' && runId !== undefined && !isTerminalStatus(lastStatus(run.events));
    check(cancels === (live ? 1 : 0), `${cancels} cancel requests, expected ${live ? 1 : 0}`);
    const locked = await threadAcceptsMessages(world);
    check(locked === undefined, `thread locked: ${locked}`);
    // Every handler that started either finished or was aborted.
    const started = [...ledger.calls.keys()].filter((id) =>
      run.events.some((e) => e.event === 'thread.run.requires_action' && JSON.stringify(e.data).includes(id)),
    );
    for (const id of started)
      check(
        ledger.finished.has(id) || ledger.aborted.has(id),
        `handler of ${id} neither finished nor aborted`,
      );
    const aborted = started.filter((id) => ledger.aborted.has(id)).length;
    const bug = judgeEmissions({
      plan,
      events: run.events,
      collected: await collect(run.events),
      exchanges: world.exchanges,
      complete: run.end === 'complete',
    });
    const outcome = (label: string): SeedOutcome => ({
      outcome: withBug(label, bug),
      metrics: { cancels, handlersAborted: aborted },
    });

    if (!run.subscribed) {
      check(status === 'not created', `run ${status} without a relay pipeline`);
      return outcome('left before the relay answered: no pipeline, no run');
    }
    if (run.end === 'complete') {
      check(status === 'completed', `ended ${status}`);
      return outcome('left after the relay had sent the end: no cancel');
    }
    if (runId === undefined)
      return outcome(
        `left before the run id: pipeline unsubscribed, no cancel, run ${status === 'not created' ? 'not created' : `${status} on its own`}`,
      );
    if (!live) return outcome('left after the run ended: pipeline unsubscribed, no cancel');
    if (status === 'cancelled') {
      return outcome(
        aborted > 0
          ? 'left while a tool handler ran: pipeline unsubscribed, handler aborted, 1 cancel, run cancelled'
          : 'left mid-run: pipeline unsubscribed, 1 cancel, run cancelled',
      );
    }
    // The run ended before the cancel arrived: the refusal is reported, never thrown away.
    check(
      run.cancelErrors.length === 1 && run.cancelErrors[0]?.error instanceof AssistantsApiError,
      () => `run ${status} first, but onCancelError saw ${run.cancelErrors.length} errors`,
    );
    return outcome(`left mid-run: pipeline unsubscribed, 1 cancel, run ${status} first (cancel refused)`);
  } catch (error) {
    throw SeedError.of(where, error);
  } finally {
    clearTimeout(timer);
    await relay?.close();
    await world.close();
  }
}

describe('fault matrix: relay', () => {
  it(
    'upstream drops: the browser gets final messages identical to an unfaulted run',
    { timeout: 180_000 },
    () =>
      runRow({
        row: DROPS,
        scenario:
          'Relay (pipeToNodeResponse → fetch + fromServerSentEvents): upstream stream dropped at a random byte offset (run-create or tool-output stream)',
        file: FILE,
        concurrency: 12,
        ...withReference(dropSeed),
      }),
  );

  it('browser leaves: the relay unsubscribes and cancels the run once', { timeout: 180_000 }, () =>
    runRow({
      row: DISCONNECTS,
      scenario:
        'Relay: the browser aborts its fetch at a random moment (at the answer head, after the k-th event, after t ms, as a tool handler starts)',
      file: FILE,
      concurrency: 30,
      seed: disconnectSeed,
    }),
  );
});
