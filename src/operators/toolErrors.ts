import { AssistantsError, reasonOf } from '../errors/AssistantsError';
import type { RequiredActionFunctionToolCall } from '../events/types';
import type { RunRef } from '../sources/RunConfig';
import type { ToolCallFailureReason } from './runToolCall';

/** The errors `handleRequiresAction` raises, with the facts of the run and the calls. */

/** A tool call failed under `onError: 'error'`. Carries the call and the handler's error as `cause`. */
export class ToolCallError extends AssistantsError {
  override readonly name = 'ToolCallError';
  readonly reason: ToolCallFailureReason;
  readonly toolCall: RequiredActionFunctionToolCall;
  readonly functionName: string;
  readonly threadId: string;
  readonly runId: string;

  constructor(
    run: RunRef,
    call: RequiredActionFunctionToolCall,
    reason: ToolCallFailureReason,
    cause: unknown,
  ) {
    super(`Tool call ${call.id} (${call.function?.name}) of run ${run.runId} failed: ${reasonOf(cause)}`, {
      cause,
    });
    this.reason = reason;
    this.toolCall = call;
    this.functionName = call.function?.name ?? '';
    this.threadId = run.threadId;
    this.runId = run.runId;
  }
}

/** The run's `expires_at` passed while its tool handlers were still running; nothing was submitted. */
export class RequiredActionExpiredError extends AssistantsError {
  override readonly name = 'RequiredActionExpiredError';
  readonly threadId: string;
  readonly runId: string;
  /** The run's `expires_at`, in epoch seconds. */
  readonly expiresAt: number;
  /** The calls whose handlers had not finished. */
  readonly pendingCalls: readonly RequiredActionFunctionToolCall[];

  constructor(run: RunRef, expiresAt: number, pendingCalls: readonly RequiredActionFunctionToolCall[]) {
    const pending = pendingCalls.map((call) => `${call.function?.name} ${call.id}`).join(', ');
    super(
      `Run ${run.runId} expired at ${new Date(expiresAt * 1000).toISOString()} while its tools were still ` +
        `running (${pending}); no outputs were submitted.`,
    );
    this.threadId = run.threadId;
    this.runId = run.runId;
    this.expiresAt = expiresAt;
    this.pendingCalls = pendingCalls;
  }
}

/**
 * The run keeps asking for tool calls whose outputs the server already accepted (it reuses call
 * ids, or never takes the outputs in). Nothing was run or submitted twice.
 */
export class RepeatedToolCallsError extends AssistantsError {
  override readonly name = 'RepeatedToolCallsError';
  readonly threadId: string;
  readonly runId: string;
  /** The ids the run asked for again. */
  readonly callIds: readonly string[];

  constructor(run: RunRef, calls: readonly RequiredActionFunctionToolCall[], looks: number) {
    const ids = calls.map((call) => call.id);
    super(
      `Run ${run.runId} still asks for tool calls whose outputs the server already accepted (${ids.join(', ')}), ` +
        `after ${looks} more look(s); no handler was run or output submitted twice.`,
    );
    this.threadId = run.threadId;
    this.runId = run.runId;
    this.callIds = ids;
  }
}
