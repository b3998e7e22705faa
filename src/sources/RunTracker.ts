import { isTerminalStatus } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import type { RunStep } from '../events/types';

/** Content blocks per message the tracker follows; deltas beyond it are not tracked. */
const MAX_TRACKED_BLOCKS = 256;

/** What has been shown of one message. */
export interface MessageSeen {
  created: boolean;
  done: boolean;
  /** Per content index: characters of text/refusal shown, or 0 for a block shown whole. */
  shown: Map<number, number>;
}

/** What has been shown of one step. */
export interface StepSeen {
  status: string;
  /** `step_details` as JSON when the step came from a snapshot (poll); undefined from a stream. */
  fingerprint: string | undefined;
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
  readonly steps = new Map<string, StepSeen>();
  readonly messages = new Map<string, MessageSeen>();
  /** Whether any `message_creation` step has been seen. */
  sawMessageStep = false;

  constructor(ref?: { threadId?: string | undefined; runId?: string | undefined }) {
    this.threadId = ref?.threadId;
    this.runId = ref?.runId;
  }

  /** Records an event about to be emitted. */
  observe(event: RunEvent): void {
    const name = event.event;
    if (name === 'thread.message.delta') {
      this.observeDelta(event.data.id, event.data.delta.content);
    } else if (name.startsWith('thread.run.step.')) {
      if (name !== 'thread.run.step.delta') this.observeStep(event.data as RunStep, undefined);
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

  observeStep(step: RunStep, fingerprint: string | undefined): void {
    this.steps.set(step.id, { status: step.status, fingerprint });
    if (step.type === 'message_creation') this.sawMessageStep = true;
  }

  message(id: string): MessageSeen {
    let seen = this.messages.get(id);
    if (seen === undefined) {
      seen = { created: false, done: false, shown: new Map() };
      this.messages.set(id, seen);
    }
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
      seen.shown.set(index, (seen.shown.get(index) ?? 0) + length);
    }
  }
}
