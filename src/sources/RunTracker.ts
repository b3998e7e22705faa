import { isTerminalStatus } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import type { RunStep } from '../events/types';

/** Content blocks per message (tool calls per step) the tracker follows; deltas beyond it are not tracked. */
const MAX_TRACKED_BLOCKS = 256;
/** Ids of other runs' steps and messages remembered to drop their deltas; the oldest go first. */
const MAX_FOREIGN_IDS = 1024;

/** `true` when the payload names an id (`value`) other than the one already fixed (`known`). */
const differs = (value: unknown, known: string | undefined): boolean =>
  known !== undefined && typeof value === 'string' && value !== known;

/** What has been shown of one message. */
export interface MessageSeen {
  created: boolean;
  done: boolean;
  /**
   * Per content index: characters of text/refusal shown, or 0 for a block shown whole; a hole
   * where nothing was shown. (An array: indices are small, and this is written once per delta.)
   */
  shown: number[];
}

/** What has been shown of one step. */
export interface StepSeen {
  status: string;
  /** Per tool-call index: characters of function arguments / code input shown by stream deltas. */
  shown: number[];
}

/**
 * What a source has emitted of one run, so that a poll (after a dropped stream, or in poll mode)
 * emits only what is new. Internal; one per subscription.
 */
export class RunTracker {
  threadId: string | undefined;
  runId: string | undefined;
  status: string | undefined;
  /** A terminal status or `requires_action` was observed: the source is done with the run. */
  finished = false;
  /**
   * A poll read a terminal status, even if its event is not emitted yet (the steps and messages
   * are read first, and may fail): nothing is left to cancel.
   */
  endedOnServer = false;
  readonly steps = new Map<string, StepSeen>();
  readonly messages = new Map<string, MessageSeen>();
  /** Whether any `message_creation` step has been seen. */
  sawMessageStep = false;
  private lastMessageId: string | undefined;
  private lastMessage: MessageSeen | undefined;
  /** Steps and messages of another run that the stream mentioned: their deltas are dropped too. */
  private readonly foreign = new Set<string>();

  constructor(ref?: { threadId?: string | undefined; runId?: string | undefined }) {
    this.threadId = ref?.threadId;
    this.runId = ref?.runId;
  }

  /**
   * Records an event about to be emitted and returns `true`, or returns `false` for an event about
   * another run, which the source must drop. The run and its thread are fixed by the first frames
   * that name them (or by the ids the source started with): a stream that later names another run
   * or thread can neither end this run, nor change what a cancel targets, nor add to its state.
   * Throws a `TypeError` for a payload without the fields it relies on (the source reports it).
   */
  admit(event: RunEvent): boolean {
    if (!this.belongs(event)) return false;
    this.observe(event);
    return true;
  }

  private belongs(event: RunEvent): boolean {
    const name = event.event;
    const data = event.data as { id?: unknown; run_id?: unknown; thread_id?: unknown };
    // Deltas carry no run id: they belong unless their step or message was another run's.
    if (name === 'thread.message.delta' || name === 'thread.run.step.delta') {
      return this.foreign.size === 0 || !this.foreign.has(data.id as string);
    }
    if (name.startsWith('thread.run.step.') || name.startsWith('thread.message.')) {
      if (!differs(data.run_id, this.runId) && !differs(data.thread_id, this.threadId)) return true;
      if (typeof data.id === 'string') {
        if (this.foreign.size >= MAX_FOREIGN_IDS)
          this.foreign.delete(this.foreign.values().next().value as string);
        this.foreign.add(data.id);
      }
      return false;
    }
    if (name.startsWith('thread.run.'))
      return !differs(data.id, this.runId) && !differs(data.thread_id, this.threadId);
    if (name === 'thread.created') return !differs(data.id, this.threadId);
    return true;
  }

  /** Records an event about to be emitted (by a source that has checked it with {@link admit}). */
  observe(event: RunEvent): void {
    const name = event.event;
    if (name === 'thread.message.delta') {
      this.observeDelta(event.data.id, event.data.delta.content);
    } else if (name === 'thread.run.step.delta') {
      this.observeStepDelta(event.data.id, event.data.delta.step_details);
    } else if (name.startsWith('thread.run.step.')) {
      this.observeStep(event.data as RunStep);
    } else if (name.startsWith('thread.message.')) {
      const seen = this.message(event.data.id);
      seen.created = true;
      if (name === 'thread.message.completed' || name === 'thread.message.incomplete') seen.done = true;
    } else if (name.startsWith('thread.run.')) {
      const run = event.data as { id?: unknown; thread_id?: unknown; status?: unknown };
      if (typeof run.id === 'string') this.runId = run.id;
      if (typeof run.thread_id === 'string') this.threadId = run.thread_id;
      if (typeof run.status === 'string') {
        this.status = run.status;
        if (isTerminalStatus(run.status) || run.status === 'requires_action') this.finished = true;
      }
    } else if (name === 'thread.created' && typeof event.data.id === 'string') {
      this.threadId = event.data.id;
    }
  }

  private observeStep(step: RunStep): void {
    const seen = this.steps.get(step.id);
    if (seen === undefined) this.steps.set(step.id, { status: step.status, shown: [] });
    else seen.status = step.status;
    if (step.type === 'message_creation') this.sawMessageStep = true;
  }

  private observeStepDelta(
    id: string,
    details: { type: string; tool_calls?: readonly unknown[] } | undefined,
  ): void {
    let seen = this.steps.get(id);
    if (seen === undefined) {
      seen = { status: 'in_progress', shown: [] };
      this.steps.set(id, seen);
    }
    if (details?.type !== 'tool_calls' || details.tool_calls === undefined) return;
    for (const call of details.tool_calls as ReadonlyArray<{
      index: number;
      function?: { arguments?: unknown };
      code_interpreter?: { input?: unknown };
    }>) {
      const { index } = call;
      if (!Number.isSafeInteger(index) || index < 0 || index >= MAX_TRACKED_BLOCKS) continue;
      const text = call.function?.arguments ?? call.code_interpreter?.input;
      seen.shown[index] = (seen.shown[index] ?? 0) + (typeof text === 'string' ? text.length : 0);
    }
  }

  message(id: string): MessageSeen {
    // Deltas of one message come in a row: skip hashing the same id again.
    if (id === this.lastMessageId && this.lastMessage !== undefined) return this.lastMessage;
    let seen = this.messages.get(id);
    if (seen === undefined) {
      seen = { created: false, done: false, shown: [] };
      this.messages.set(id, seen);
    }
    this.lastMessageId = id;
    this.lastMessage = seen;
    return seen;
  }

  private observeDelta(
    id: string,
    content: ReadonlyArray<{ index: number; type: string }> | undefined,
  ): void {
    const seen = this.message(id);
    seen.created = true;
    if (content === undefined) return;
    for (const block of content) {
      const { index } = block;
      if (!Number.isSafeInteger(index) || index < 0 || index >= MAX_TRACKED_BLOCKS) continue;
      const text =
        block.type === 'text'
          ? (block as { text?: { value?: unknown } }).text?.value
          : block.type === 'refusal'
            ? (block as { refusal?: unknown }).refusal
            : undefined;
      const length = typeof text === 'string' ? text.length : 0;
      seen.shown[index] = (seen.shown[index] ?? 0) + length;
    }
  }
}
