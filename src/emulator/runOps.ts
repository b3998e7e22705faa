import type { RunStatus, StepDetails, StepDetailsDelta, Usage } from '../events/types';
import { nowSeconds } from './clock';
import { newId } from './ids';
import { type MessageObject, messageObject, type RunObject, type StepObject, stepObject } from './objects';
import type { EmulatorStore, RunRecord } from './store';

/** Emits one event of a run; the payload is serialised at once, so later changes do not leak in. */
export type EmitRunEvent = (runId: string, event: string, payload: object) => void;

type EndStatus = 'completed' | 'incomplete' | 'failed' | 'cancelled' | 'expired';

const MESSAGE_END_REASON: Partial<Record<EndStatus, string>> = {
  failed: 'run_failed',
  cancelled: 'run_cancelled',
  expired: 'run_expired',
};
const STEP_END_STATUS: Partial<Record<EndStatus, 'failed' | 'cancelled' | 'expired'>> = {
  failed: 'failed',
  cancelled: 'cancelled',
  expired: 'expired',
};

const countWords = (text: string | null | undefined): number =>
  (text ?? '').split(/\s+/).filter(Boolean).length;

/**
 * The changes a run goes through, each applied to the stored objects and emitted as the event the
 * service sends for it (so streaming and polling see the same state).
 */
export class RunOps {
  constructor(
    private readonly store: EmulatorStore,
    private readonly emit: EmitRunEvent,
  ) {}

  /** Emits the run as it is, under `thread.run.<status>` unless another name is given. */
  emitRun(record: RunRecord, event = `thread.run.${record.run.status}`): void {
    this.emit(record.run.id, event, record.run);
  }

  setStatus(record: RunRecord, status: RunStatus, patch: Partial<RunObject> = {}): void {
    Object.assign(record.run, patch, { status });
    this.emitRun(record);
  }

  createStep(record: RunRecord, details: StepDetails): StepObject {
    const step = stepObject(record.run, newId('step'), nowSeconds(), details);
    record.steps.push(step);
    this.emit(record.run.id, 'thread.run.step.created', step);
    this.emit(record.run.id, 'thread.run.step.in_progress', step);
    return step;
  }

  stepDelta(record: RunRecord, step: StepObject, delta: StepDetailsDelta): void {
    this.emit(record.run.id, 'thread.run.step.delta', {
      id: step.id,
      object: 'thread.run.step.delta',
      delta: { step_details: delta },
    });
  }

  /** Ends a step; `completionTokens` goes into its `usage`. */
  finishStep(record: RunRecord, step: StepObject, status: StepObject['status'], completionTokens = 0): void {
    const at = nowSeconds();
    step.status = status;
    if (status === 'completed') step.completed_at = at;
    if (status === 'cancelled') step.cancelled_at = at;
    if (status === 'failed') step.failed_at = at;
    if (status === 'failed') step.last_error = record.run.last_error;
    step.usage = this.usage(record, completionTokens);
    this.emit(record.run.id, `thread.run.step.${status}`, step);
  }

  /** A new assistant message with its `message_creation` step, in the service's event order. */
  createMessage(record: RunRecord): { message: MessageObject; step: StepObject } {
    const id = newId('msg');
    const step = this.createStep(record, { type: 'message_creation', message_creation: { message_id: id } });
    const message = messageObject({
      id,
      created_at: nowSeconds(),
      thread_id: record.run.thread_id,
      role: 'assistant',
      content: [],
      assistant_id: record.run.assistant_id,
      run_id: record.run.id,
      status: 'in_progress',
    });
    const thread = this.store.threads.get(record.run.thread_id);
    if (thread) this.store.addMessage(thread, message);
    this.emit(record.run.id, 'thread.message.created', message);
    this.emit(record.run.id, 'thread.message.in_progress', message);
    return { message, step };
  }

  /**
   * Appends a chunk to the message's text; `citedFileId` makes the chunk a file citation. The first
   * delta carries `annotations: []`, as on the wire.
   */
  appendText(record: RunRecord, message: MessageObject, chunk: string, citedFileId?: string): void {
    let block = message.content[0];
    const first = block?.type !== 'text';
    if (block?.type !== 'text') {
      block = { type: 'text', text: { value: '', annotations: [] } };
      message.content.push(block);
    }
    const start = block.text.value.length;
    block.text.value += chunk;
    const annotation =
      citedFileId === undefined
        ? undefined
        : {
            type: 'file_citation' as const,
            text: chunk,
            start_index: start,
            end_index: start + chunk.length,
            file_citation: { file_id: citedFileId, quote: '' },
          };
    if (annotation) block.text.annotations.push(annotation);
    const annotations = annotation
      ? [{ index: block.text.annotations.length - 1, ...annotation }]
      : first
        ? []
        : undefined;
    this.emit(record.run.id, 'thread.message.delta', {
      id: message.id,
      object: 'thread.message.delta',
      delta: {
        content: [{ index: 0, type: 'text', text: { value: chunk, ...(annotations && { annotations }) } }],
      },
    });
  }

  /** Ends a message: `completed`, or `incomplete` with `reason` in its `incomplete_details`. */
  finishMessage(
    record: RunRecord,
    message: MessageObject,
    status: 'completed' | 'incomplete',
    reason = 'max_tokens',
  ): void {
    message.status = status;
    if (status === 'completed') message.completed_at = nowSeconds();
    else {
      message.incomplete_at = nowSeconds();
      message.incomplete_details = { reason };
    }
    this.emit(record.run.id, `thread.message.${status}`, message);
  }

  /**
   * Ends the run. Messages and steps still open end first (`incomplete` / `failed | cancelled |
   * expired`), then the run gets its timestamps and total `usage`.
   */
  endRun(record: RunRecord, status: EndStatus, patch: Partial<RunObject> = {}): void {
    const reason = MESSAGE_END_REASON[status];
    const stepStatus = STEP_END_STATUS[status];
    Object.assign(record.run, patch);
    for (const message of this.store.threads.get(record.run.thread_id)?.messages ?? [])
      if (reason && message.run_id === record.run.id && message.status === 'in_progress')
        this.finishMessage(record, message, 'incomplete', reason);
    for (const step of record.steps)
      if (stepStatus && step.status === 'in_progress') this.finishStep(record, step, stepStatus);
    const at = nowSeconds();
    const totals = record.steps.reduce(
      (sum, step) => ({
        prompt_tokens: sum.prompt_tokens + (step.usage?.prompt_tokens ?? 0),
        completion_tokens: sum.completion_tokens + (step.usage?.completion_tokens ?? 0),
        total_tokens: sum.total_tokens + (step.usage?.total_tokens ?? 0),
      }),
      { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    );
    this.setStatus(record, status, {
      required_action: null,
      usage: totals,
      ...(status === 'expired' ? {} : { expires_at: null }),
      ...(status === 'completed' || status === 'incomplete' ? { completed_at: at } : {}),
      ...(status === 'failed' ? { failed_at: at } : {}),
      ...(status === 'cancelled' ? { cancelled_at: at } : {}),
    });
  }

  /** Completion tokens spent by the run so far (one per streamed chunk). */
  completionTokens(record: RunRecord): number {
    return record.steps.reduce((sum, step) => sum + (step.usage?.completion_tokens ?? 0), 0);
  }

  // A rough count, one token per word of everything the model would read.
  private usage(record: RunRecord, completionTokens: number): Usage {
    const thread = this.store.threads.get(record.run.thread_id);
    let prompt = countWords(record.run.instructions);
    for (const message of thread?.messages ?? [])
      for (const block of message.content) if (block.type === 'text') prompt += countWords(block.text.value);
    return {
      prompt_tokens: prompt,
      completion_tokens: completionTokens,
      total_tokens: prompt + completionTokens,
    };
  }
}
