import { isTerminalStatus } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';

/**
 * What one subscription has shown of a run, as an immutable value folded from the events it
 * emitted ({@link showEvent}), so that a poll (after a dropped stream, in poll mode, or in a
 * continuation after tool outputs) emits only what is new. Sources fold it as they emit; chaining
 * operators (`handleRequiresAction`) fold what they pass on and hand it to the next source
 * (`RunConfig.shown`). Per delta it copies one small array and the value itself, nothing else.
 */

/** Content blocks per message (tool calls per step) followed; deltas beyond it are not tracked. */
const MAX_TRACKED_BLOCKS = 256;
/** Ids of other runs' steps and messages remembered to drop their deltas; the oldest go first. */
const MAX_FOREIGN_IDS = 1024;

/** What was shown of one message. */
export interface MessageShown {
  readonly id: string;
  /** Its `completed` or `incomplete` event was shown. */
  readonly done: boolean;
  /** Per content index: characters of text or refusal shown, 0 for a block shown whole; a hole where nothing was. */
  readonly shown: readonly number[];
}

/** What was shown of one step. */
export interface StepShown {
  readonly id: string;
  readonly status: string;
  /** Per tool-call index: characters of function arguments or code input shown by deltas. */
  readonly shown: readonly number[];
}

/** What a subscription has shown of one run. Build it with {@link runShown}, advance it with {@link showEvent}. */
export interface RunShown {
  readonly threadId: string | undefined;
  readonly runId: string | undefined;
  /** The last run status shown. */
  readonly status: string | undefined;
  /** A terminal status or `requires_action` was shown: the source is done with the run. */
  readonly finished: boolean;
  readonly messages: readonly MessageShown[];
  readonly steps: readonly StepShown[];
  /** Whether any `message_creation` step was shown. */
  readonly sawMessageStep: boolean;
  /** Position of each message and step id in the lists (replaced only when one is added). */
  readonly messageAt: ReadonlyMap<string, number>;
  readonly stepAt: ReadonlyMap<string, number>;
  /** Steps and messages of another run that the stream named: their deltas are dropped too. */
  readonly foreign: ReadonlySet<string>;
}

const NOTHING_AT: ReadonlyMap<string, number> = new Map();
const NO_IDS: ReadonlySet<string> = new Set();

/** Nothing shown yet of the run with these ids (either may still be unknown). */
export function runShown(ref: { threadId?: string | undefined; runId?: string | undefined } = {}): RunShown {
  return {
    threadId: ref.threadId,
    runId: ref.runId,
    status: undefined,
    finished: false,
    messages: [],
    steps: [],
    sawMessageStep: false,
    messageAt: NOTHING_AT,
    stepAt: NOTHING_AT,
    foreign: NO_IDS,
  };
}

/** The run shown anew: a source that follows it to its next pause or end (the pause is stale). */
export function resumeShown(
  shown: RunShown,
  ref: { threadId?: string | undefined; runId?: string | undefined },
): RunShown {
  return {
    ...shown,
    threadId: shown.threadId ?? ref.threadId,
    runId: shown.runId ?? ref.runId,
    status: undefined,
    finished: false,
  };
}

/** What was shown of a message, if anything. */
export const messageShown = (shown: RunShown, id: string): MessageShown | undefined => {
  const at = shown.messageAt.get(id);
  return at === undefined ? undefined : shown.messages[at];
};

/** What was shown of a step, if anything. */
export const stepShown = (shown: RunShown, id: string): StepShown | undefined => {
  const at = shown.stepAt.get(id);
  return at === undefined ? undefined : shown.steps[at];
};

/** `true` when the payload names an id (`value`) other than the one already fixed (`known`). */
const differs = (value: unknown, known: string | undefined): boolean =>
  known !== undefined && typeof value === 'string' && value !== known;

type Named = { id?: unknown; run_id?: unknown; thread_id?: unknown; status?: unknown };

/**
 * `false` for an event about another run, which a source drops (and records with
 * {@link showForeign}). The run and its thread are fixed by the first frames that name them (or by
 * the ids the value started with): a stream that later names another run or thread can neither
 * end this run, nor change what a cancel targets, nor add to what was shown.
 */
export function belongsToRun(shown: RunShown, event: RunEvent): boolean {
  const name = event.event;
  const data = event.data as Named;
  // Deltas carry no run id: they belong unless their step or message was another run's.
  if (name === 'thread.message.delta' || name === 'thread.run.step.delta') {
    return shown.foreign.size === 0 || !shown.foreign.has(data.id as string);
  }
  if (name.startsWith('thread.run.step.') || name.startsWith('thread.message.')) {
    return !differs(data.run_id, shown.runId) && !differs(data.thread_id, shown.threadId);
  }
  if (name.startsWith('thread.run.'))
    return !differs(data.id, shown.runId) && !differs(data.thread_id, shown.threadId);
  if (name === 'thread.created') return !differs(data.id, shown.threadId);
  return true;
}

/** The value after an event about another run: its step or message id is remembered, to drop its deltas. */
export function showForeign(shown: RunShown, event: RunEvent): RunShown {
  const id = (event.data as Named).id;
  if (typeof id !== 'string' || shown.foreign.has(id)) return shown;
  const ids = [...shown.foreign].slice(shown.foreign.size >= MAX_FOREIGN_IDS ? 1 : 0);
  return { ...shown, foreign: new Set([...ids, id]) };
}

/**
 * The value after one more emitted event of the run (an event of another run is first told apart by `belongsToRun`). Pure; the fold a
 * chaining operator keeps to pass to the next source as `RunConfig.shown`.
 *
 * @example
 * ```ts
 * import { runShown, showEvent, submitToolOutputs } from 'rxjs-assistants';
 *
 * let shown = runShown();
 * events$.subscribe((event) => (shown = showEvent(shown, event)));
 * // later: carry on without showing again what the subscriber already saw
 * submitToolOutputs(client, { threadId, runId, tool_outputs }, { shown });
 * ```
 * @throws TypeError for a payload without the fields it reads (sources report it as the run's
 *   typed error).
 */
export function showEvent(shown: RunShown, event: RunEvent): RunShown {
  const name = event.event;
  // The deltas first: they are nearly every event of a run.
  if (name === 'thread.message.delta') return showText(shown, event.data.id, event.data.delta.content);
  if (name === 'thread.run.step.delta') {
    return showStepDelta(shown, event.data.id, event.data.delta.step_details);
  }
  const data = event.data as Named;
  if (name.startsWith('thread.run.step.')) {
    const step = event.data as { id: string; status: string; type?: unknown };
    return showStep(shown, step.id, step.status, step.type === 'message_creation');
  }
  if (name.startsWith('thread.message.')) {
    const id = data.id as string;
    const done = name === 'thread.message.completed' || name === 'thread.message.incomplete';
    const seen = messageShown(shown, id);
    if (seen !== undefined && (seen.done || !done)) return shown;
    return withMessage(shown, { id, done, shown: seen?.shown ?? [] });
  }
  if (name.startsWith('thread.run.')) {
    const status = typeof data.status === 'string' ? data.status : shown.status;
    return {
      ...shown,
      runId: typeof data.id === 'string' ? data.id : shown.runId,
      threadId: typeof data.thread_id === 'string' ? data.thread_id : shown.threadId,
      status,
      finished: isTerminalStatus(status) || status === 'requires_action',
    };
  }
  if (name === 'thread.created' && typeof data.id === 'string' && shown.threadId === undefined) {
    return { ...shown, threadId: data.id };
  }
  return shown;
}

/**
 * A new value with these lists, built as a literal: this runs once per delta, and a spread of the
 * whole value costs ten times more.
 */
function withLists(
  shown: RunShown,
  messages: readonly MessageShown[],
  messageAt: ReadonlyMap<string, number>,
  steps: readonly StepShown[],
  stepAt: ReadonlyMap<string, number>,
  sawMessageStep: boolean,
): RunShown {
  return {
    threadId: shown.threadId,
    runId: shown.runId,
    status: shown.status,
    finished: shown.finished,
    messages,
    steps,
    sawMessageStep,
    messageAt,
    stepAt,
    foreign: shown.foreign,
  };
}

/** `shown` with `message` in place of the one with its id (or added); `at`: its position, if known. */
function withMessage(shown: RunShown, message: MessageShown, at = shown.messageAt.get(message.id)): RunShown {
  const messages = shown.messages.slice();
  let messageAt = shown.messageAt;
  if (at === undefined) {
    messageAt = new Map(messageAt).set(message.id, messages.length);
    messages.push(message);
  } else {
    messages[at] = message;
  }
  return withLists(shown, messages, messageAt, shown.steps, shown.stepAt, shown.sawMessageStep);
}

/** `shown` with `step` in place of the one with its id (or added). */
function withStep(shown: RunShown, step: StepShown, messageStep: boolean): RunShown {
  const at = shown.stepAt.get(step.id);
  const steps = shown.steps.slice();
  let stepAt = shown.stepAt;
  if (at === undefined) {
    stepAt = new Map(stepAt).set(step.id, steps.length);
    steps.push(step);
  } else {
    steps[at] = step;
  }
  return withLists(
    shown,
    shown.messages,
    shown.messageAt,
    steps,
    stepAt,
    shown.sawMessageStep || messageStep,
  );
}

function showStep(shown: RunShown, id: string, status: string, messageStep: boolean): RunShown {
  const seen = stepShown(shown, id);
  if (seen !== undefined && seen.status === status && (!messageStep || shown.sawMessageStep)) return shown;
  return withStep(shown, { id, status, shown: seen?.shown ?? [] }, messageStep);
}

/** Adds `length` to what was shown at `index` of `counts`, when the index is one followed. */
function counted(counts: readonly number[], index: unknown, length: number): readonly number[] {
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index >= MAX_TRACKED_BLOCKS) {
    return counts;
  }
  const next = counts.slice();
  next[index] = (counts[index] ?? 0) + length;
  return next;
}

function showText(
  shown: RunShown,
  id: string,
  content: ReadonlyArray<{ index: number; type: string }> | undefined,
): RunShown {
  // One lookup: this runs once per delta.
  const at = shown.messageAt.get(id);
  const seen = at === undefined ? undefined : shown.messages[at];
  let counts = seen?.shown ?? [];
  if (content !== undefined) {
    for (const block of content) {
      const text =
        block.type === 'text'
          ? (block as { text?: { value?: unknown } }).text?.value
          : block.type === 'refusal'
            ? (block as { refusal?: unknown }).refusal
            : undefined;
      counts = counted(counts, block.index, typeof text === 'string' ? text.length : 0);
    }
  }
  if (seen !== undefined && counts === seen.shown) return shown;
  return withMessage(shown, { id, done: seen?.done ?? false, shown: counts }, at);
}

function showStepDelta(
  shown: RunShown,
  id: string,
  details: { type: string; tool_calls?: readonly unknown[] } | undefined,
): RunShown {
  const seen = stepShown(shown, id);
  let counts = seen?.shown ?? [];
  if (details?.type === 'tool_calls' && details.tool_calls !== undefined) {
    for (const call of details.tool_calls as ReadonlyArray<{
      index: number;
      function?: { arguments?: unknown };
      code_interpreter?: { input?: unknown };
    }>) {
      const text = call.function?.arguments ?? call.code_interpreter?.input;
      counts = counted(counts, call.index, typeof text === 'string' ? text.length : 0);
    }
  }
  if (seen !== undefined && counts === seen.shown) return shown;
  return withStep(shown, { id, status: seen?.status ?? 'in_progress', shown: counts }, false);
}
