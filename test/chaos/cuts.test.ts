import { lastValueFrom } from 'rxjs';
import { describe, it } from 'vitest';
import { type Emulator, type FaultRule, startEmulator } from '../../src/emulator';
import { RunStreamError, StreamDisconnectedError } from '../../src/errors/StreamErrors';
import { isTerminalStatus } from '../../src/events/guards';
import { cancelRun } from '../../src/sources/cancelRun';
import { drive, FAST_POLL, lastStatus } from './drive';
import { check, type Rng, rngFor, SeedError, type SeedOutcome, waitFor } from './harness';
import { judgeEmissions, withBug } from './knownBugs';
import { chaosBrain, definePlans, type HandlerLedger, planFor } from './plan';
import { collect, comparable, repeatedSubmits, textOf } from './probes';
import { type RowContext, runRow } from './row';
import {
  exchangesTo,
  openWorld,
  PATHS,
  serverMessages,
  settledRuns,
  threadAcceptsMessages,
  threadRuns,
} from './world';

// Rows: a run's SSE stream is cut, (1) by the emulator destroying the socket at a random byte
// offset, (2) by an SSE `error` frame in place of a random event. The run goes on server-side. With
// resumeOnDisconnect (the default) every run whose id was known completes with the same final
// messages as an unfaulted run of the same plan, the text deltas add up, and nothing is emitted
// twice; a cut before the first run frame is a typed error, and the run is not created twice.

const FILE = 'test/chaos/cuts.test.ts';
const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');
/** Frames of an SSE body before its `done` frame. */
const framesOf = (body: string): number =>
  body.split('\n\n').filter((f) => f.startsWith('event: thread.')).length;

interface CutKind {
  row: string;
  scenario: string;
  /** The fault rule cutting `body` (the unfaulted stream of that request), and whether the run id gets through. */
  rule(rng: Rng, body: string): { rule: FaultRule; runIdKnown: boolean; where: string };
  /** The error a cut before the run id gives. */
  earlyError: new (
    ...args: never[]
  ) => Error;
}

const DROP: CutKind = {
  row: 'drops',
  scenario: 'Stream dropped at a random byte offset (run-create or tool-output stream)',
  rule: (rng, body) => {
    const afterBytes = rng.int(0, utf8Length(body) - 1);
    const firstFrameEnd = utf8Length(body.slice(0, body.indexOf('\n\n') + 2));
    return {
      rule: { type: 'drop', stream: true, afterBytes },
      runIdKnown: afterBytes >= firstFrameEnd,
      where: `cut after ${afterBytes} of ${utf8Length(body)} bytes`,
    };
  },
  earlyError: StreamDisconnectedError,
};

const ERROR_FRAME: CutKind = {
  row: 'error-frames',
  scenario: 'SSE `error` frame in place of a random event (run-create or tool-output stream)',
  rule: (rng, body) => {
    const afterEvents = rng.int(0, framesOf(body) - 1);
    return {
      rule: { type: 'error_event', stream: true, afterEvents },
      runIdKnown: afterEvents >= 1,
      where: `error frame after ${afterEvents} of ${framesOf(body)} events`,
    };
  },
  earlyError: RunStreamError,
};

async function cutSeed(
  kind: CutKind,
  reference: Emulator,
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
): Promise<SeedOutcome> {
  const plan = planFor(kind.row, seed);
  const rng = rngFor(kind.row, seed);

  // 1. The same plan, unfaulted, on the shared reference emulator.
  const clean = await openWorld(plan, { keepStreams: true, row: context }, reference);
  const unfaulted = await drive(clean, ledger, context.pipelines);
  check(unfaulted.error === undefined, () => `the unfaulted run failed: ${String(unfaulted.error)}`);
  const expected = await collect(unfaulted.events);
  judgeEmissions({
    plan,
    events: unfaulted.events,
    collected: expected,
    exchanges: clean.exchanges,
    complete: true,
  });
  const createBody = exchangesTo(clean, 'POST', PATHS.createRun)[0]?.streamBody;
  const submitBodies = exchangesTo(clean, 'POST', PATHS.submit).map((e) => e.streamBody ?? '');
  check(createBody !== undefined, 'the unfaulted stream was not recorded');

  // 2. The same plan with one stream cut: the create stream, or one of the submit streams.
  const onSubmit = submitBodies.length > 0 && rng.chance(0.5);
  const round = onSubmit ? rng.int(0, submitBodies.length - 1) : 0;
  const cut = kind.rule(rng, onSubmit ? (submitBodies[round] ?? '') : createBody);
  const runIdKnown = onSubmit || cut.runIdKnown;
  const where = `${plan.shape} run, ${onSubmit ? `submit stream #${round}` : 'create stream'} ${cut.where}`;
  const world = await openWorld(plan, {
    row: context,
    faults: {
      seed,
      rules: [
        { ...cut.rule, on: onSubmit ? 'runs.submitToolOutputs' : 'runs.create', skip: round, times: 1 },
      ],
    },
  });
  try {
    const faulted = await drive(world, ledger, context.pipelines);
    check(
      world.emulator.requests.some((r) => r.faults.includes('drop') || r.faults.includes('error_event')),
      'the fault did not fire',
    );
    if (!runIdKnown) {
      // Cut before the run id: a typed error, no event, and the run is not re-created.
      check(
        faulted.error instanceof kind.earlyError,
        () => `cut before the first frame: expected ${kind.earlyError.name}, got ${String(faulted.error)}`,
      );
      check(faulted.events.length === 0, 'events emitted before the run id');
      const runs = threadRuns(world);
      check(runs.length === 1, `${runs.length} runs on the thread (re-created?)`);
      // Nobody follows that run: clean it up as a user would, by id.
      const run = await waitFor('the orphan run to pause or end', () =>
        threadRuns(world).find((r) => r.status === 'requires_action' || isTerminalStatus(r.status)),
      );
      if (run.status === 'requires_action') {
        await lastValueFrom(
          cancelRun(world.admin, { threadId: world.threadId, runId: run.id }, { poll: FAST_POLL }),
        );
      }
      await settledRuns(world);
      const locked = await threadAcceptsMessages(world);
      check(locked === undefined, `thread locked: ${locked}`);
      return { outcome: `cut before the first run frame: ${kind.earlyError.name}, run not re-created` };
    }
    check(faulted.error === undefined, () => `the run errored: ${String(faulted.error)}`);
    check(lastStatus(faulted.events) === 'completed', `ended ${lastStatus(faulted.events)}`);
    const got = await collect(faulted.events);
    check(
      JSON.stringify(comparable(got.messages)) === JSON.stringify(comparable(expected.messages)),
      () =>
        `final messages differ from the unfaulted run:\n got ${JSON.stringify(got.messages.map(textOf))}\n want ${JSON.stringify(expected.messages.map(textOf))}`,
    );
    const bug = judgeEmissions({
      plan,
      events: faulted.events,
      collected: got,
      exchanges: world.exchanges,
      complete: true,
    });
    const submits = repeatedSubmits(world.exchanges);
    check(submits.length === 0, () => submits.join(', '));
    const refused = world.exchanges.filter((e) => e.submitted && (e.status === 400 || e.status === 404));
    check(
      refused.length === 0,
      `${refused.length} submit requests refused (sent again after the server took them?)`,
    );
    const runs = await settledRuns(world);
    check(runs.length === 1 && runs[0]?.status === 'completed', `server runs: ${runs.map((r) => r.status)}`);
    const stored = await serverMessages(world, runs[0]?.id ?? '');
    check(
      JSON.stringify(got.messages.map((m) => [m.id, comparable([m])])) ===
        JSON.stringify(stored.filter((m) => m.role === 'assistant').map((m) => [m.id, comparable([m])])),
      "final messages differ from the server's",
    );
    const locked = await threadAcceptsMessages(world);
    check(locked === undefined, `thread locked: ${locked}`);
    return {
      outcome: withBug(
        `cut after the run id (${onSubmit ? 'tool-output' : 'run-create'} stream): completed, messages identical`,
        bug,
      ),
      metrics: { resumedByPolling: exchangesTo(world, 'GET', PATHS.retrieveRun).length > 0 ? 1 : 0 },
    };
  } catch (error) {
    throw SeedError.of(where, error);
  } finally {
    await world.close();
  }
}

describe.each([DROP, ERROR_FRAME])('fault matrix: $row', (kind) => {
  definePlans(kind.row, {});
  let reference: Emulator | undefined;

  it('every run completes with final messages identical to an unfaulted run', { timeout: 180_000 }, () =>
    runRow({
      row: kind.row,
      scenario: kind.scenario,
      file: FILE,
      concurrency: 12,
      around: async () => {
        reference = await startEmulator({ latencyMs: 1, brain: chaosBrain });
        return () => reference?.close() ?? Promise.resolve();
      },
      seed: (seed, context, ledger) => {
        if (!reference) throw new Error('no reference emulator');
        return cutSeed(kind, reference, seed, context, ledger);
      },
    }),
  );
});
