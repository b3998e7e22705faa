import type { Emulator } from '../../src/emulator';
import { StreamParseError } from '../../src/errors/StreamErrors';
import type { RunEvent } from '../../src/events/RunEvent';
import {
  aFunctionToolCall,
  aRequiredAction,
  aTextContent,
  messageCompleted,
  messageCreated,
  messageDelta,
  runCompleted,
  runInProgress,
  runRequiresAction,
  stepCompleted,
  stepCreated,
  stepDelta,
  toolCallToDelta,
} from '../../src/testing';
import {
  type AttackWorld,
  attackRow,
  cancelsOf,
  nameOf,
  openAttackWorld,
  refusedCancelReported,
  releaseRuns,
  seedIn,
} from './attackKit';
import { type Frame, frame, type ProxiedRequest, type Tampering } from './attackProxy';
import { checkCompletedLikeUnfaulted, unfaultedRun } from './cutRows';
import { drive, lastStatus, runIdOf } from './drive';
import { check, type Rng, rngFor, type SeedOutcome } from './harness';
import { judgeEmissions, withBug } from './knownBugs';
import { type HandlerLedger, planFor } from './plan';
import { collect } from './probes';
import type { RowContext, RowSpec } from './row';

/**
 * The attack rows on a run's event stream (run-create or tool-output stream), tampered with by
 * the seed's proxy: malformed frames (attack-malformed-frames) and frames of another run
 * (attack-foreign-runs). File: attackStreams.test.ts.
 */

const FILE = 'test/chaos/attackStreams.test.ts';

/** The `thread.*` frames of an SSE body (before its `done`). */
const threadFrames = (body: string): string[] =>
  body.split('\n\n').filter((f) => f.startsWith('event: thread.'));

/** `event: x` of a frame's text. */
const eventOf = (raw: string): string => /^event: (.*)$/m.exec(raw)?.[1] ?? '';

/** Which stream of the run a seed tampers with, drawn from the unfaulted run's streams. */
interface Target {
  onSubmit: boolean;
  round: number;
  /** The unfaulted stream's `thread.*` frame names, in order. */
  events: string[];
  /** Picks the proxied request of that stream. */
  matches: (request: ProxiedRequest) => boolean;
  words: string;
}

function drawTarget(rng: Rng, createBody: string, submitBodies: string[]): Target {
  const onSubmit = submitBodies.length > 0 && rng.chance(0.5);
  const round = onSubmit ? rng.int(0, submitBodies.length - 1) : 0;
  const body = onSubmit ? (submitBodies[round] ?? '') : createBody;
  const endpoint = onSubmit ? 'runs.submitToolOutputs' : 'runs.create';
  return {
    onSubmit,
    round,
    events: threadFrames(body).map(eventOf),
    matches: (r) => r.endpoint === endpoint && r.nth === round && r.stream,
    words: onSubmit ? `tool-output stream #${round}` : 'run-create stream',
  };
}

/** Index of the stream's last run status frame (its end: terminal, or `requires_action`). */
function endIndex(events: readonly string[]): number {
  let end = -1;
  events.forEach((e, i) => {
    if (e.startsWith('thread.run.') && !e.startsWith('thread.run.step.')) end = i;
  });
  return end;
}

// ---------------------------------------------------------------------------------------------
// attack-malformed-frames

/** The malformed frames a server may send, by family. */
const MALFORMED: {
  name: string;
  family: string;
  frame: (original: Frame) => { event: string; data: string };
}[] = [
  {
    name: 'message delta without delta',
    family: 'malformed delta',
    frame: () => ({
      event: 'thread.message.delta',
      data: '{"id":"msg_bad","object":"thread.message.delta"}',
    }),
  },
  {
    name: 'message delta with content {}',
    family: 'malformed delta',
    frame: () => ({
      event: 'thread.message.delta',
      data: '{"id":"msg_bad","object":"thread.message.delta","delta":{"content":{}}}',
    }),
  },
  {
    name: 'message delta with content [null]',
    family: 'malformed delta',
    frame: () => ({
      event: 'thread.message.delta',
      data: '{"id":"msg_bad","object":"thread.message.delta","delta":{"content":[null]}}',
    }),
  },
  {
    name: 'step delta with tool_calls {}',
    family: 'malformed delta',
    frame: () => ({
      event: 'thread.run.step.delta',
      data: '{"id":"step_bad","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":{}}}}',
    }),
  },
  {
    name: 'step delta with tool_calls [null]',
    family: 'malformed delta',
    frame: () => ({
      event: 'thread.run.step.delta',
      data: '{"id":"step_bad","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[null]}}}',
    }),
  },
  ...['[]', 'null', '"str"'].map((data) => ({
    name: `run frame with data ${data}`,
    family: 'run frame not an object',
    frame: (original: Frame) => ({
      event:
        original.event.startsWith('thread.run.') && !original.event.startsWith('thread.run.step.')
          ? original.event
          : 'thread.run.in_progress',
      data,
    }),
  })),
  {
    name: 'invalid JSON',
    family: 'invalid JSON',
    frame: (original: Frame) => ({
      event: original.event.startsWith('thread.') ? original.event : 'thread.message.delta',
      data: original.data.startsWith('{')
        ? original.data.slice(0, Math.ceil(original.data.length / 2))
        : '{"id":',
    }),
  },
];

async function malformedSeed(
  row: string,
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
  reference: Emulator | undefined,
): Promise<SeedOutcome> {
  if (!reference) throw new Error('no reference emulator');
  const plan = planFor(row, seed);
  const rng = rngFor(row, seed);
  const unfaulted = await unfaultedRun(plan, reference, context, ledger, 'fetchClient');
  const target = drawTarget(rng, unfaulted.createBody, unfaulted.submitBodies);
  const count = target.events.length;
  // Mostly somewhere in the stream; sometimes after its last run frame, just before `done`.
  const afterEnd = rng.chance(0.15);
  const position = afterEnd ? count : rng.int(0, count - 1);
  const replace = !afterEnd && rng.chance(0.5);
  const kind = rng.pick(MALFORMED);
  let bad: { event: string; data: string; text: string } | undefined;
  const tamper = (request: ProxiedRequest): Tampering | undefined =>
    target.matches(request)
      ? {
          kind: 'frames',
          what: kind.name,
          edit: (f, index) => {
            if (index !== position) return f.raw;
            const made = kind.frame(f);
            bad = { ...made, text: frame(made.event, made.data) };
            return replace ? bad.text : bad.text + f.raw;
          },
        }
      : undefined;
  const where = `${plan.shape} run, ${target.words}: ${kind.name} ${replace ? 'in place of' : 'before'} frame ${position} of ${count}${afterEnd ? ' (done)' : ` (${target.events[position]})`}`;
  const opened = await openAttackWorld(plan, context, tamper);
  const { world, proxy } = opened;
  return seedIn(
    () => where,
    opened,
    async () => {
      const result = await drive(world, ledger, context.pipelines);
      const cancels = cancelsOf(world);
      const endsAt = endIndex(target.events);
      if (position > endsAt) {
        // After the stream's own end: the source had completed, the frame is never read.
        check(result.error === undefined, () => `errored: ${String(result.error)}`);
        check(lastStatus(result.events) === 'completed', `ended ${lastStatus(result.events)}`);
        check(cancels === 0, `${cancels} cancels for a completed run`);
        const got = await collect(result.events);
        const bug = judgeEmissions({
          plan,
          events: result.events,
          collected: got,
          exchanges: world.exchanges,
          complete: true,
        });
        await checkCompletedLikeUnfaulted(world, got, unfaulted.expected);
        return {
          outcome: withBug(
            'malformed frame after the end event: completed, messages identical, no cancel',
            bug,
          ),
        };
      }
      check(bad !== undefined, 'the malformed frame was never written');
      check(
        result.error instanceof StreamParseError,
        () => `expected StreamParseError, got ${nameOf(result.error)}: ${String(result.error)}`,
      );
      check(
        result.error.event === bad.event,
        `StreamParseError names event ${String(result.error.event)}, the bad frame was ${bad.event}`,
      );
      // Every event emitted was a well-formed frame the client was sent before the bad one.
      const sent = new Set<string>();
      const writes = proxy.streams.flatMap((stream) => stream.written);
      const badAt = writes.findIndex((text) => text.startsWith(bad?.text ?? '\0'));
      check(badAt >= 0, 'the proxy log does not show the malformed frame');
      for (const text of writes.slice(0, badAt)) {
        const data = /^data: (.*)$/m.exec(text)?.[1];
        if (text.startsWith('event: thread.') && data !== undefined)
          sent.add(JSON.stringify(JSON.parse(data)));
      }
      const strange = result.events.filter((e) => !sent.has(JSON.stringify(e.data)));
      check(
        strange.length === 0,
        () =>
          `${strange.length} emitted events were not frames sent before the bad one: ${strange.map((e) => e.event).join(', ')}`,
      );
      const runIdKnown = target.onSubmit || position >= 1;
      check(
        (runIdOf(result.events) !== undefined) === runIdKnown,
        `run id ${runIdKnown ? 'known' : 'unknown'} by the position, but the events say otherwise`,
      );
      const expected = runIdKnown ? 1 : 0;
      check(cancels === expected, `${cancels} cancel requests, expected ${expected}`);
      const statuses = await releaseRuns(world);
      check(statuses.length === 1, `${statuses.length} runs on the thread (re-created?)`);
      const status = statuses[0];
      if (runIdKnown && status !== 'cancelled') await refusedCancelReported(result.cancelErrors, status);
      const at = runIdKnown ? 'after the run id' : 'before the run id';
      return {
        outcome: `${kind.family} ${at}: StreamParseError, ${expected} cancel, run ${status}${runIdKnown ? '' : ' (left alone, released by id)'}`,
      };
    },
  );
}

/** The malformed-frames row. */
export function malformedFramesRow(): RowSpec {
  const row = 'attack-malformed-frames';
  return attackRow({
    row,
    scenario:
      'Hostile server: a malformed frame in place of (or before) a random event of the run-create or tool-output stream',
    file: FILE,
    concurrency: 12,
    reference: true,
    seed: (seed, context, ledger, reference) => malformedSeed(row, seed, context, ledger, reference),
  });
}

// ---------------------------------------------------------------------------------------------
// attack-foreign-runs

/** A group of foreign frames: one run status frame, or a step or message's created/delta/completed. */
interface ForeignGroup {
  kind: 'run' | 'step' | 'message';
  /** Before which frame of the stream each of its frames goes. */
  positions: number[];
  /** The frames, given the ids of the run being followed (known by the time they are written). */
  frames: (own: { runId: string; threadId: string }) => RunEvent[];
  words: string;
}

function drawForeign(rng: Rng, seed: number, n: number, min: number, count: number): ForeignGroup {
  const foreignRun = `run_foreign${seed}x${n}`;
  const foreignThread = `thread_foreign${seed}x${n}`;
  const callId = `call_foreign${seed}x${n}`;
  const kind = rng.pick(['run', 'step', 'message'] as const);
  const at = () => rng.int(min, count);
  if (kind === 'run') {
    const status = rng.pick(['in_progress', 'completed', 'requires_action'] as const);
    const ids = rng.pick(['run', 'thread', 'both'] as const);
    return {
      kind,
      positions: [at()],
      words: `foreign thread.run.${status} (${ids === 'run' ? 'other run' : ids === 'thread' ? 'other thread' : 'other run and thread'})`,
      frames: (own) => {
        const partial = {
          id: ids === 'thread' ? own.runId : foreignRun,
          thread_id: ids === 'run' ? own.threadId : foreignThread,
        };
        if (status === 'in_progress') return [runInProgress(partial)];
        if (status === 'completed') return [runCompleted(partial)];
        return [
          runRequiresAction({
            ...partial,
            required_action: aRequiredAction([{ id: callId, name: 'add', arguments: { a: 1, b: 2 } }]),
          }),
        ];
      },
    };
  }
  const positions = [at(), at(), at()].sort((a, b) => a - b);
  const otherThread = rng.chance(0.5);
  const where = (own: { threadId: string }) => ({
    run_id: foreignRun,
    thread_id: otherThread ? foreignThread : own.threadId,
  });
  if (kind === 'step') {
    const call = aFunctionToolCall({ id: callId, name: 'add', arguments: { a: 1, b: 2 } });
    const stepId = `step_foreign${seed}x${n}`;
    const details = { type: 'tool_calls' as const, tool_calls: [call] };
    return {
      kind,
      positions,
      words: `foreign step created/delta/completed${otherThread ? ' (other thread too)' : ''}`,
      frames: (own) => [
        stepCreated({ id: stepId, type: 'tool_calls', step_details: details, ...where(own) }),
        stepDelta([toolCallToDelta(call, 0)], { stepId }),
        stepCompleted({ id: stepId, type: 'tool_calls', step_details: details, ...where(own) }),
      ],
    };
  }
  const messageId = `msg_foreign${seed}x${n}`;
  const text = `foreign text ${seed}`;
  return {
    kind,
    positions,
    words: `foreign message created/delta/completed${otherThread ? ' (other thread too)' : ''}`,
    frames: (own) => [
      messageCreated({ id: messageId, ...where(own) }),
      messageDelta(text, { messageId }),
      messageCompleted({ id: messageId, content: [aTextContent(text)], ...where(own) }),
    ],
  };
}

/**
 * Every emitted event belongs to the run: run events name it and its thread, step and message
 * events its run id, deltas a step or message of it. Returns what does not.
 */
function strangers(events: readonly RunEvent[], runId: string | undefined, threadId: string): string[] {
  const own = new Set<string>();
  const out: string[] = [];
  for (const { event, data } of events) {
    const d = data as { id?: string; run_id?: string; thread_id?: string };
    if (event === 'thread.message.delta' || event === 'thread.run.step.delta') {
      if (!own.has(d.id ?? '')) out.push(`${event} ${d.id}`);
    } else if (event.startsWith('thread.run.step.') || event.startsWith('thread.message.')) {
      if (d.run_id !== runId || d.thread_id !== threadId)
        out.push(`${event} ${d.id} (run ${d.run_id}, thread ${d.thread_id})`);
      else own.add(d.id ?? '');
    } else if (event.startsWith('thread.run.')) {
      if (d.id !== runId || d.thread_id !== threadId) out.push(`${event} ${d.id} (thread ${d.thread_id})`);
    }
  }
  if (JSON.stringify(events).includes('foreign')) out.push('an event carries foreign content');
  return out;
}

async function foreignSeed(
  row: string,
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
  reference: Emulator | undefined,
): Promise<SeedOutcome> {
  if (!reference) throw new Error('no reference emulator');
  const plan = planFor(row, seed);
  const rng = rngFor(row, seed);
  const unfaulted = await unfaultedRun(plan, reference, context, ledger, 'fetchClient');
  const target = drawTarget(rng, unfaulted.createBody, unfaulted.submitBodies);
  const count = target.events.length;
  // In the run-create stream, after its first frame: the first frame that names a run fixes it,
  // so a foreign frame before it is indistinguishable from the run's own (a submit stream knows its run).
  const min = target.onSubmit ? 0 : 1;
  const groups = Array.from({ length: rng.int(1, 3) }, (_, n) => drawForeign(rng, seed, n, min, count));
  const endsAt = endIndex(target.events);
  const beforeEnd = groups.flatMap((g) => g.positions).some((p) => p <= endsAt);
  const foreignTerminal = groups.some(
    (g) => g.kind === 'run' && g.words.includes('completed') && (g.positions[0] ?? 0) <= endsAt,
  );
  let written = 0;
  let own: { runId: string; threadId: string } | undefined;
  const tamper = (request: ProxiedRequest): Tampering | undefined => {
    if (!target.matches(request)) return undefined;
    const threadId = request.ids[0] ?? '';
    if (target.onSubmit) own = { runId: request.ids[1] ?? '', threadId };
    return {
      kind: 'frames',
      what: groups.map((g) => g.words).join(', '),
      edit: (f, index) => {
        if (own === undefined && f.event.startsWith('thread.run.')) {
          own = { runId: (JSON.parse(f.data) as { id: string }).id, threadId };
        }
        let out = '';
        for (const group of groups) {
          if (!group.positions.includes(index) || own === undefined) continue;
          const frames = group.frames(own);
          group.positions.forEach((p, i) => {
            const event = frames[i];
            if (p === index && event) {
              out += frame(event.event, JSON.stringify(event.data));
              written++;
            }
          });
        }
        return out + f.raw;
      },
    };
  };
  const where = `${plan.shape} run, ${target.words} (${count} frames): ${groups.map((g) => `${g.words} before frame(s) ${g.positions.join('/')}`).join('; ')}`;
  const opened: AttackWorld = await openAttackWorld(plan, context, tamper);
  const { world, proxy } = opened;
  return seedIn(
    () => where,
    opened,
    async () => {
      const result = await drive(world, ledger, context.pipelines);
      check(proxy.tampered.length === 1, `the ${target.words} was not reached`);
      check(!beforeEnd || written > 0, 'no foreign frame was written before the end of the stream');
      check(result.error === undefined, () => `errored: ${nameOf(result.error)}: ${String(result.error)}`);
      check(lastStatus(result.events) === 'completed', `ended ${lastStatus(result.events)}`);
      const runId = runIdOf(result.events);
      const odd = strangers(result.events, runId, world.threadId);
      check(
        odd.length === 0,
        () => `events of another run reached the subscriber: ${odd.slice(0, 4).join('; ')}`,
      );
      const paths = [...world.exchanges.map((e) => e.path), ...proxy.requests.map((r) => r.path)];
      const toForeign = paths.filter((p) => p.includes('foreign'));
      check(toForeign.length === 0, () => `requests to the foreign run: ${toForeign.join(', ')}`);
      const ranForeign = [...ledger.calls.keys()].filter((id) => id.includes('foreign'));
      check(ranForeign.length === 0, () => `handlers ran for foreign calls: ${ranForeign.join(', ')}`);
      const cancels = cancelsOf(world);
      check(cancels === 0, `${cancels} cancels for a completed run`);
      const got = await collect(result.events);
      const bug = judgeEmissions({
        plan,
        events: result.events,
        collected: got,
        exchanges: world.exchanges,
        complete: true,
      });
      await checkCompletedLikeUnfaulted(world, got, unfaulted.expected);
      const label = !beforeEnd
        ? 'foreign frames after the end event only'
        : foreignTerminal
          ? 'foreign terminal event mid-stream'
          : 'foreign frames mid-stream';
      return {
        outcome: withBug(
          `${label}: dropped, completed, messages identical, no request to the foreign run`,
          bug,
        ),
        metrics: { foreignFramesWritten: written },
      };
    },
  );
}

/** The foreign-runs row. */
export function foreignRunsRow(): RowSpec {
  const row = 'attack-foreign-runs';
  return attackRow({
    row,
    scenario:
      "Hostile server: frames of another run (run status, step, message; another run id and/or thread id) injected into the run's stream",
    file: FILE,
    concurrency: 12,
    reference: true,
    seed: (seed, context, ledger, reference) => foreignSeed(row, seed, context, ledger, reference),
  });
}
