import type { Emulator, FaultRule } from '../../src/emulator';
import { RunStreamError, StreamDisconnectedError } from '../../src/errors/StreamErrors';
import { retryRun } from '../../src/operators/retryRun';
import { withReference } from './cutRows';
import { check, type Rng, rngFor, SeedError, type SeedOutcome } from './harness';
import { definePlans, type HandlerLedger, planFor } from './plan';
import {
  driveResponses,
  openResponsesWorld,
  received,
  responseRequests,
  settledResponses,
  startedElsewhere,
} from './responsesKit';
import {
  type BugNote,
  callsOf,
  chainSummary,
  checkAgainstServer,
  judgeResponses,
  noting,
} from './responsesProbes';
import type { RowContext, RowSpec } from './row';

/**
 * Responses streams cut: the emulator destroys the socket at a random byte offset, or sends an SSE
 * `error` frame in place of a random event, of the create stream or a continuation's create stream
 * (`handleFunctionCalls`), and sometimes of the first re-attach stream too. The response goes on
 * server-side (background). Once its id was shown the pipeline re-attaches from the cursor and
 * completes with the output of an unfaulted run of the same plan; before that, a typed error, and
 * nothing is created twice.
 */

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/** One frame of a Responses SSE body: its end (bytes), type and `sequence_number`. */
interface Frame {
  end: number;
  type: string;
  sequence: number;
}

function framesOf(body: string): Frame[] {
  const frames: Frame[] = [];
  let end = 0;
  for (const text of body.split('\n\n')) {
    if (text === '') continue;
    end += utf8Length(`${text}\n\n`);
    const data = /^data: (.*)$/m.exec(text)?.[1] ?? '{}';
    const parsed = JSON.parse(data) as { type?: string; sequence_number?: number };
    frames.push({ end, type: String(parsed.type), sequence: parsed.sequence_number ?? -1 });
  }
  return frames;
}

/** One way of cutting a stream: the rule, given the stream's frames, and how many whole frames pass. */
export interface ResponseCutKind {
  name: string;
  scenario: string;
  cut(rng: Rng, frames: readonly Frame[]): { rule: FaultRule; whole: number; where: string };
  earlyError: new (...args: never[]) => Error;
}

export const RESPONSE_DROP: ResponseCutKind = {
  name: 'responses-drops',
  scenario:
    'Responses: stream dropped at a random byte offset (create, continuation or re-attach stream; stream mode)',
  cut: (rng, frames) => {
    const total = frames.at(-1)?.end ?? 0;
    const afterBytes = rng.int(0, Math.max(0, total - 1));
    return {
      rule: { type: 'drop', afterBytes },
      whole: frames.filter((f) => f.end <= afterBytes).length,
      where: `cut after ${afterBytes} of ${total} bytes`,
    };
  },
  earlyError: StreamDisconnectedError,
};

export const RESPONSE_ERROR_FRAME: ResponseCutKind = {
  name: 'responses-error-frames',
  scenario:
    'Responses: SSE `error` frame in place of a random event (create, continuation or re-attach stream; stream mode)',
  cut: (rng, frames) => {
    const afterEvents = rng.int(0, Math.max(0, frames.length - 1));
    return {
      rule: { type: 'error_event', afterEvents },
      whole: afterEvents,
      where: `error frame after ${afterEvents} of ${frames.length} events`,
    };
  },
  earlyError: RunStreamError,
};

/**
 * Where a seed cuts, drawn from the unfaulted streams of its plan: `bodies[0]` is the stream that
 * starts the chain (the create's, or a watcher's first `GET …?stream=true`), the others the
 * continuations' creates (a watcher's come after the create of the response it watches).
 */
function drawCut(kind: ResponseCutKind, rng: Rng, bodies: readonly string[], watcher: boolean) {
  const stream = bodies.length > 1 && rng.chance(0.5) ? rng.int(1, bodies.length - 1) : 0;
  const frames = framesOf(bodies[stream] ?? '');
  const first = kind.cut(rng, frames);
  const on = stream === 0 && watcher ? 'responses.retrieve' : 'responses.create';
  const rules: FaultRule[] = [{ ...first.rule, on, stream: true, skip: stream, times: 1 } as FaultRule];
  // A watcher knows the id before any event.
  const idKnown = first.whole >= 1 || (watcher && stream === 0);
  // A re-attach replays what follows the last whole frame: cut those streams too, sometimes.
  const cursor = frames
    .slice(0, first.whole)
    .reduce((n, f) => (f.type === 'keepalive' ? n : Math.max(n, f.sequence)), -1);
  const rest = frames.filter((f) => f.sequence > cursor && f.type !== 'keepalive');
  const again = idKnown && rest.length > 0 && rng.chance(0.35) ? kind.cut(rng, rest) : undefined;
  const times = rng.int(1, 3);
  const skip = watcher ? 1 : 0;
  if (again) rules.push({ ...again.rule, on: 'responses.retrieve', stream: true, skip, times } as FaultRule);
  const name = stream === 0 ? (watcher ? 'watch stream' : 'create stream') : `continuation stream #${stream}`;
  return {
    rules,
    idKnown,
    stream,
    where: `${name} ${first.where}${again ? `, the next ${times} re-attach(es) ${again.where}` : ''}`,
    reattachCut: again !== undefined,
  };
}

async function cutSeed(
  kind: ResponseCutKind,
  reference: Emulator,
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
  note: BugNote,
): Promise<SeedOutcome> {
  const plan = planFor(kind.name, seed);
  const rng = rngFor(kind.name, seed);
  const conversation = rng.chance(0.3);
  const watcher = rng.chance(0.25);
  const setting = `${watcher ? 'watcher, ' : ''}${plan.shape} plan${plan.shape === 'tools' ? ` (${plan.rounds.length} rounds)` : ''}${conversation ? ', conversation' : ''}${plan.stall ? ', keepalives' : ''}`;
  // The unfaulted run of the plan: its streams' bodies, and the chain it gives.
  const clean = await openResponsesWorld(plan, { row: context, keepStreams: true, conversation }, reference);
  let expected: string;
  let bodies: string[];
  try {
    const watch = watcher ? await startedElsewhere(clean, 'stream') : undefined;
    const unfaulted = await driveResponses(clean, ledger, context.pipelines, { mode: 'stream', watch });
    check(unfaulted.error === undefined, () => `the unfaulted run failed: ${String(unfaulted.error)}`);
    expected = chainSummary((await judgeResponses(unfaulted.events, true)).finals);
    const { creates, retrieves } = responseRequests(clean.exchanges);
    bodies = [...retrieves, ...creates].map((e) => e.streamBody ?? '');
  } finally {
    await clean.close();
  }
  const cut = drawCut(kind, rng, bodies, watcher);
  // The client's own creates: a watcher's first stream is a GET.
  const ownCreates = bodies.length - (watcher ? 1 : 0);
  // retryRun on top never re-creates what a broken stream may have created.
  const withRetryRun = rng.chance(0.5);
  const where = `${setting}, ${cut.where}${withRetryRun ? ', retryRun' : ''}`;
  const world = await openResponsesWorld(plan, {
    row: context,
    conversation,
    faults: { seed, rules: cut.rules },
    ...(plan.stall ? { keepAliveMs: 4 } : {}),
  });
  try {
    const watch = watcher ? await startedElsewhere(world, 'stream') : undefined;
    const result = await driveResponses(world, ledger, context.pipelines, {
      mode: 'stream',
      watch,
      after: withRetryRun ? [retryRun({ count: 2, delay: 5 })] : [],
    });
    check(
      world.emulator.requests.some((r) => r.faults.length > 0),
      'the fault did not fire',
    );
    // What the client asked of the server (before the checks below read responses themselves).
    const reattaches = received(world, 'responses.retrieve', true).length;
    const polls = received(world, 'responses.retrieve', false).length;
    const judged = await judgeResponses(result.events, result.error === undefined, note);
    const server = await settledResponses(world);
    const posts = responseRequests(world.exchanges);
    check(posts.cancels.length === 0, `${posts.cancels.length} cancel requests`);
    // Every create that reached the server made one response, and none was sent twice.
    const others = watcher ? 1 : 0;
    check(
      server.length === posts.creates.length + others && posts.creates.length <= ownCreates,
      `${posts.creates.length} creates sent, ${server.length} responses on the server, ${ownCreates} in the unfaulted run`,
    );
    for (const { call_id: id } of callsOf(judged.finals))
      check(ledger.calls.get(id) === 1, `handler of ${id} ran ${ledger.calls.get(id) ?? 0} times`);
    const streamName = cut.stream === 0 ? (watcher ? 'watch' : 'create') : 'continuation';
    if (!cut.idKnown) {
      check(
        result.error instanceof kind.earlyError,
        () => `cut before the id: expected ${kind.earlyError.name}, got ${String(result.error)}`,
      );
      check(
        judged.responses.length === cut.stream,
        `${judged.responses.length} responses shown before the cut one`,
      );
      check(posts.creates.length === cut.stream + 1 - others, `${posts.creates.length} creates: re-created?`);
      check(
        server.every((r) => r.status === 'completed'),
        'a response did not complete on the server',
      );
      return {
        outcome: `cut before the response id (${streamName} stream): ${kind.earlyError.name}, not re-created, the response completes on its own`,
      };
    }
    check(result.error === undefined, () => `errored: ${String(result.error)}`);
    check(
      chainSummary(judged.finals) === expected,
      () => `chain differs from the unfaulted run:\n got  ${chainSummary(judged.finals)}\n want ${expected}`,
    );
    check(
      server.length === bodies.length,
      `${server.length} responses on the server, ${bodies.length} expected`,
    );
    check(reattaches > 0 || polls > 0, 'the cut stream was never followed');
    await checkAgainstServer(world, judged.finals);
    const again =
      cut.reattachCut && received(world, 'responses.retrieve', true).some((r) => r.faults.length > 0);
    return {
      outcome: `cut after the response id (${streamName} stream${again ? ', and re-attach streams' : ''}): re-attached, completed, output identical`,
      metrics: { reattaches, polls, fallbackToPolling: polls > 0 ? 1 : 0 },
    };
  } catch (error) {
    throw SeedError.of(where, error);
  } finally {
    await world.close();
  }
}

/** The row: a cut after the id re-attaches and completes like an unfaulted run; before it, a typed error. */
export function responseCutRow(kind: ResponseCutKind, file: string): RowSpec {
  definePlans(kind.name, {
    maxRounds: 3,
    stall: (rng) => (rng.chance(0.2) ? { afterChunks: rng.int(1, 6), ms: rng.int(12, 30) } : undefined),
  });
  return {
    row: kind.name,
    scenario: kind.scenario,
    file,
    concurrency: 24,
    ...withReference((reference, seed, context, ledger) =>
      noting((n, c, l, note) => cutSeed(kind, reference, n, c, l, note))(seed, context, ledger),
    ),
  };
}
