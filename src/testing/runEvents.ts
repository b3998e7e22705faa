import type { RunEvent } from '../events/RunEvent';
import type { ToolCall } from '../events/types';
import { aRequiredAction, aRun, aTextContent, BUILDER_DEFAULTS, type FunctionCallSpec } from './builders';
import { aFunctionToolCallDelta, toolCallToDelta } from './deltaBuilders';
import {
  messageCompleted,
  messageCreated,
  messageDelta,
  messageIncomplete,
  messageInProgress,
  runCancelled,
  runCancelling,
  runCompleted,
  runCreated,
  runExpired,
  runFailed,
  runIncomplete,
  runInProgress,
  runQueued,
  runRequiresAction,
  stepCancelled,
  stepCompleted,
  stepCreated,
  stepDelta,
  stepExpired,
  stepFailed,
  stepInProgress,
  threadCreated,
} from './eventBuilders';

/** Ids shared by the events of one built run. */
export interface RunIds {
  /** @default 'thread_1' */
  threadId?: string;
  /** @default 'run_1' */
  runId?: string;
  /** Also prepend `thread.created`, as a create-thread-and-run stream does. @default false */
  threadCreated?: boolean;
}

/** Options of {@link runEvents}. */
export interface RunEventsOptions extends RunIds {
  /** The message's text fragments, one `thread.message.delta` each; `[]` for no message. @default ['Hello'] */
  text?: string | readonly string[];
  /** Tool calls of a `tool_calls` step (step `step_1`) that runs before the message. @default [] */
  toolCalls?: readonly ToolCall[];
  /** The run's terminal status. @default 'completed' */
  status?: 'completed' | 'incomplete' | 'failed' | 'cancelled' | 'expired';
  /**
   * Build the stream a `submit_tool_outputs` call answers with: it starts with
   * `thread.run.step.completed` for the `toolCalls` step (outputs filled in), then `queued`,
   * `in_progress` and the rest; no `thread.run.created`. @default false
   */
  continuation?: boolean;
  /** @default 'msg_1' */
  messageId?: string;
}

const runIds = ({ threadId = BUILDER_DEFAULTS.threadId, runId = BUILDER_DEFAULTS.runId }: RunIds) => ({
  id: runId,
  thread_id: threadId,
});

/**
 * The events of a plausible streamed run, in the order the service sends them: `created`, `queued`,
 * `in_progress`, an optional tool-calls step, a message step with the message's `created`,
 * `in_progress`, one delta per text fragment and its end, the step's end, then the run's terminal
 * event (`cancelling` first for `cancelled`). Status event names match `data.status`.
 *
 * @example
 * ```ts
 * import { mockClient, runEvents } from 'rxjs-assistants/testing';
 * import { from } from 'rxjs';
 * const client = mockClient({ runs: { createStream: () => from(runEvents({ text: ['Hel', 'lo'] })) } });
 * ```
 */
export function runEvents(options: RunEventsOptions = {}): RunEvent[] {
  const {
    toolCalls = [],
    status = 'completed',
    continuation = false,
    messageId = BUILDER_DEFAULTS.messageId,
  } = options;
  const text = typeof options.text === 'string' ? [options.text] : (options.text ?? ['Hello']);
  const ids = runIds(options);
  const base = { run_id: ids.id, thread_id: ids.thread_id };
  const events: RunEvent[] = [];
  const toolStep = {
    ...base,
    id: BUILDER_DEFAULTS.stepId,
    step_details: { type: 'tool_calls' as const, tool_calls: [...toolCalls] },
  };

  if (continuation) {
    if (toolCalls.length === 0)
      throw new TypeError('runEvents: a continuation needs the submitted `toolCalls`.');
    events.push(stepCompleted(toolStep), runQueued(ids), runInProgress(ids));
  } else {
    if (options.threadCreated) events.push(threadCreated({ id: ids.thread_id }));
    events.push(runCreated(ids), runQueued(ids), runInProgress(ids));
    if (toolCalls.length > 0) {
      const started = { ...toolStep, step_details: { type: 'tool_calls' as const, tool_calls: [] } };
      events.push(stepCreated(started), stepInProgress(started));
      toolCalls.forEach((call, n) => {
        events.push(stepDelta([toolCallToDelta(call, n)], { stepId: toolStep.id }));
      });
      events.push(stepCompleted(toolStep));
    }
  }

  if (text.length > 0) {
    const step = {
      ...base,
      id: toolCalls.length > 0 ? 'step_2' : BUILDER_DEFAULTS.stepId,
      step_details: { type: 'message_creation' as const, message_creation: { message_id: messageId } },
    };
    const message = { id: messageId, thread_id: ids.thread_id, run_id: ids.id };
    events.push(stepCreated(step), stepInProgress(step), messageCreated(message), messageInProgress(message));
    for (const fragment of text) events.push(messageDelta(fragment, { messageId }));
    const final = { ...message, content: [aTextContent(text.join(''))] };
    if (status === 'completed') events.push(messageCompleted(final));
    else {
      const reason = status === 'incomplete' ? 'max_tokens' : `run_${status}`;
      events.push(messageIncomplete({ ...final, incomplete_details: { reason } }));
    }
    const stepEnd = {
      completed: stepCompleted,
      incomplete: stepCompleted,
      failed: stepFailed,
      cancelled: stepCancelled,
      expired: stepExpired,
    }[status];
    events.push(stepEnd(step));
  }

  switch (status) {
    case 'completed':
      events.push(runCompleted(ids));
      break;
    case 'incomplete':
      events.push(runIncomplete(ids));
      break;
    case 'failed':
      events.push(runFailed(ids));
      break;
    case 'cancelled':
      events.push(runCancelling(ids), runCancelled(ids));
      break;
    case 'expired':
      events.push(runExpired(ids));
      break;
  }
  return events;
}

/** Options of {@link requiresActionEvents}. */
export interface RequiresActionEventsOptions extends RunIds {
  /** The function calls the run waits for (ids `call_1`, `call_2` … unless given). @default [{}] (one `get_weather` call) */
  calls?: readonly FunctionCallSpec[];
}

/**
 * The events of a streamed run that pauses at `requires_action`, as the service sends them:
 * `created`, `queued`, `in_progress`, a `tool_calls` step (`step_1`) whose deltas name each call
 * and then carry its arguments, and `thread.run.requires_action` listing the calls. Follow it with
 * `runEvents({ continuation: true, toolCalls })` for the `submit_tool_outputs` stream.
 *
 * @example
 * ```ts
 * import { requiresActionEvents } from 'rxjs-assistants/testing';
 * const paused = requiresActionEvents({ calls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
 * ```
 */
export function requiresActionEvents(options: RequiresActionEventsOptions = {}): RunEvent[] {
  const { calls = [{}] } = options;
  const action = aRequiredAction(calls);
  // Every run event of the stream lists the functions the run may call, as the service's do.
  const ids = {
    ...runIds(options),
    tools: aRun({ status: 'requires_action', required_action: action }).tools ?? [],
  };
  const step = {
    run_id: ids.id,
    thread_id: ids.thread_id,
    id: BUILDER_DEFAULTS.stepId,
    step_details: { type: 'tool_calls' as const, tool_calls: [] },
  };
  const events: RunEvent[] = [];
  if (options.threadCreated) events.push(threadCreated({ id: ids.thread_id }));
  events.push(runCreated(ids), runQueued(ids), runInProgress(ids), stepCreated(step), stepInProgress(step));
  action.submit_tool_outputs.tool_calls.forEach((call, n) => {
    events.push(
      stepDelta(
        [aFunctionToolCallDelta(n, { id: call.id, name: call.function.name, arguments: '', output: null })],
        {
          stepId: step.id,
        },
      ),
      stepDelta([aFunctionToolCallDelta(n, { arguments: call.function.arguments })], { stepId: step.id }),
    );
  });
  events.push(runRequiresAction({ ...ids, required_action: action }));
  return events;
}
