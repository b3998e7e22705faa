import { lastValueFrom } from 'rxjs';
import { type Emulator, type FaultRule, startEmulator } from '../../src/emulator';
import { RunStreamError, StreamDisconnectedError } from '../../src/errors/StreamErrors';
import { isTerminalStatus } from '../../src/events/guards';
import { cancelRun } from '../../src/sources/cancelRun';
import { drive, FAST_POLL, lastStatus } from './drive';
import { check, type Rng, rngFor, SeedError, type SeedOutcome, waitFor } from './harness';
import { judgeEmissions, withBug } from './knownBugs';
import { chaosBrain, definePlans, type HandlerLedger, type Plan, planFor } from './plan';
import { type Collected, collect, comparable, repeatedSubmits, textOf } from './probes';
import type { RowContext, RowSpec } from './row';
import {
  type ClientKind,
  exchangesTo,
  openWorld,
  PATHS,
  serverMessages,
  settledRuns,
  threadAcceptsMessages,
  threadRuns,
  type World,
} from './world';

/**
 * The stream cuts of the fault matrix: a run's SSE stream cut by the emulator destroying the socket
 * at a random byte offset, or by an SSE `error` frame in place of a random event, while the run
 * goes on server-side. Shared by the rows of `fetchClient` (cuts.test.ts), `openaiClient`
 * (openaiClient.test.ts) and the relay (relay.test.ts).
 */

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');
/** Frames of an SSE body before its `done` frame. */
const framesOf = (body: string): number =>
  body.split('\n\n').filter((f) => f.startsWith('event: thread.')).length;

/** One way of cutting a stream. */
export interface CutKind {
  /** The row's name for `fetchClient`; other clients prefix it. */
  name: string;
  scenario: string;
  /** The fault rule cutting `body` (the unfaulted stream of that request), and whether the run id gets through. */
  rule(rng: Rng, body: string): { rule: FaultRule; runIdKnown: boolean; where: string };
  /** The error a cut before the run id gives. */
  earlyError: new (
    ...args: never[]
  ) => Error;
}

export const DROP: CutKind = {
  name: 'drops',
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

export const ERROR_FRAME: CutKind = {
  name: 'error-frames',
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

/** What an unfaulted run of a plan gave: the collected events, and the streams as the client read them. */
export interface Unfaulted {
  expected: Collected;
  createBody: string;
  submitBodies: string[];
}

/** Runs `plan` unfaulted on the shared `reference` emulator, through the same kind of client. */
export async function unfaultedRun(
  plan: Plan,
  reference: Emulator,
  context: RowContext,
  ledger: HandlerLedger,
  client: ClientKind,
): Promise<Unfaulted> {
  const clean = await openWorld(plan, { client, keepStreams: true, row: context }, reference);
  try {
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
    check(createBody !== undefined, 'the unfaulted stream was not recorded');
    const submitBodies = exchangesTo(clean, 'POST', PATHS.submit).map((e) => e.streamBody ?? '');
    return { expected, createBody, submitBodies };
  } finally {
    await clean.close();
  }
}

/** Where a seed cuts: the create stream, or one of the submit streams, and the fault rule doing it. */
export interface Cut {
  /** The emulator's fault rules. */
  rules: FaultRule[];
  /** The run id reached the client before the cut. */
  runIdKnown: boolean;
  onSubmit: boolean;
  /** The unfaulted body of the cut stream. */
  body: string;
  where: string;
}

/** Draws the stream to cut (the create stream, or one tool-output stream) and the cut. */
export function drawCut(kind: CutKind, rng: Rng, plan: Plan, unfaulted: Unfaulted): Cut {
  const { createBody, submitBodies } = unfaulted;
  const onSubmit = submitBodies.length > 0 && rng.chance(0.5);
  const round = onSubmit ? rng.int(0, submitBodies.length - 1) : 0;
  const body = onSubmit ? (submitBodies[round] ?? '') : createBody;
  const cut = kind.rule(rng, body);
  return {
    rules: [{ ...cut.rule, on: onSubmit ? 'runs.submitToolOutputs' : 'runs.create', skip: round, times: 1 }],
    runIdKnown: onSubmit || cut.runIdKnown,
    onSubmit,
    body,
    where: `${plan.shape} run, ${onSubmit ? `submit stream #${round}` : 'create stream'} ${cut.where}`,
  };
}

/** The cut fired, as the emulator logged it. */
export const cutFired = (world: World): boolean =>
  world.emulator.requests.some((r) => r.faults.includes('drop') || r.faults.includes('error_event'));

/**
 * The run that a cut before the run id left behind, which nobody follows: checks it was created
 * once, and cleans it up as a user would, by id, so that the thread is free again.
 */
export async function releaseOrphan(world: World): Promise<void> {
  const runs = threadRuns(world);
  check(runs.length === 1, `${runs.length} runs on the thread (re-created?)`);
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
}

/**
 * A completed run's final messages equal the unfaulted run's (role, status, content) and, ids
 * included, the server's; exactly one run on the server, completed; the thread takes a new message.
 */
export async function checkCompletedLikeUnfaulted(
  world: World,
  got: Collected,
  expected: Collected,
): Promise<void> {
  check(
    JSON.stringify(comparable(got.messages)) === JSON.stringify(comparable(expected.messages)),
    () =>
      `final messages differ from the unfaulted run:\n got ${JSON.stringify(got.messages.map(textOf))}\n want ${JSON.stringify(expected.messages.map(textOf))}`,
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
}

/** A row of cuts: which kind, under which name, through which client. */
export interface CutRow {
  kind: CutKind;
  row: string;
  scenario: string;
  file: string;
  client: ClientKind;
}

async function cutSeed(
  spec: CutRow,
  reference: Emulator,
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
): Promise<SeedOutcome> {
  const { kind, row, client } = spec;
  const plan = planFor(row, seed);
  const rng = rngFor(row, seed);
  const unfaulted = await unfaultedRun(plan, reference, context, ledger, client);
  const cut = drawCut(kind, rng, plan, unfaulted);
  const world = await openWorld(plan, { client, row: context, faults: { seed, rules: cut.rules } });
  try {
    const faulted = await drive(world, ledger, context.pipelines);
    check(cutFired(world), 'the fault did not fire');
    if (!cut.runIdKnown) {
      // Cut before the run id: a typed error, no event, and the run is not re-created.
      check(
        faulted.error instanceof kind.earlyError,
        () => `cut before the first frame: expected ${kind.earlyError.name}, got ${String(faulted.error)}`,
      );
      check(faulted.events.length === 0, 'events emitted before the run id');
      await releaseOrphan(world);
      return { outcome: `cut before the first run frame: ${kind.earlyError.name}, run not re-created` };
    }
    check(faulted.error === undefined, () => `the run errored: ${String(faulted.error)}`);
    check(lastStatus(faulted.events) === 'completed', `ended ${lastStatus(faulted.events)}`);
    const got = await collect(faulted.events);
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
    await checkCompletedLikeUnfaulted(world, got, unfaulted.expected);
    return {
      outcome: withBug(
        `cut after the run id (${cut.onSubmit ? 'tool-output' : 'run-create'} stream): completed, messages identical`,
        bug,
      ),
      metrics: { resumedByPolling: exchangesTo(world, 'GET', PATHS.retrieveRun).length > 0 ? 1 : 0 },
    };
  } catch (error) {
    throw SeedError.of(cut.where, error);
  } finally {
    await world.close();
  }
}

/** Starts the shared reference emulator of a row, for the unfaulted runs. */
export function withReference(
  seed: (
    reference: Emulator,
    seed: number,
    context: RowContext,
    ledger: HandlerLedger,
  ) => Promise<SeedOutcome>,
): Pick<RowSpec, 'around' | 'seed'> {
  let reference: Emulator | undefined;
  return {
    around: async () => {
      reference = await startEmulator({ latencyMs: 1, brain: chaosBrain });
      return () => reference?.close() ?? Promise.resolve();
    },
    seed: (n, context, ledger) => {
      if (!reference) throw new Error('no reference emulator');
      return seed(reference, n, context, ledger);
    },
  };
}

/**
 * The row: every run whose id was known completes with the same final messages as an unfaulted run
 * of the same plan, the text deltas add up, and nothing is emitted twice; a cut before the first run
 * frame is a typed error, and the run is not created twice.
 */
export function cutRow(spec: CutRow): RowSpec {
  definePlans(spec.row, {});
  return {
    row: spec.row,
    scenario: spec.scenario,
    file: spec.file,
    concurrency: 12,
    ...withReference((reference, seed, context, ledger) => cutSeed(spec, reference, seed, context, ledger)),
  };
}
