/**
 * Hand-built run events for the reducer and collector tests, shaped like the wire (every key a real
 * payload has), so the tests exercise the same paths as real traffic.
 */
import type { RunEvent } from '../../src/events/RunEvent';
import type {
  Message,
  MessageContent,
  Run,
  RunStatus,
  RunStep,
  StepDetails,
  ToolCall,
} from '../../src/events/types';

export const THREAD = 'thread_1';
export const RUN = 'run_1';

export function aRun(status: RunStatus, extra: Partial<Run> = {}): Run {
  return {
    id: RUN,
    object: 'thread.run',
    created_at: 1700000000,
    assistant_id: 'asst_1',
    thread_id: THREAD,
    status,
    started_at: null,
    expires_at: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    required_action: null,
    last_error: null,
    model: 'gpt-4o',
    instructions: null,
    tools: [],
    metadata: {},
    usage: null,
    ...extra,
  };
}

const runEventName = (status: RunStatus) => `thread.run.${status}` as const;

/** A run event whose name matches its status (pass `name` to make them disagree). */
export function runEvent(status: RunStatus, extra: Partial<Run> = {}, name?: string): RunEvent {
  return { event: name ?? runEventName(status), data: aRun(status, extra) } as RunEvent;
}

export function aMessage(
  id: string,
  status: 'in_progress' | 'completed' | 'incomplete',
  content: MessageContent[] = [],
  extra: Partial<Message> = {},
): Message {
  return {
    id,
    object: 'thread.message',
    created_at: 1700000001,
    assistant_id: 'asst_1',
    thread_id: THREAD,
    run_id: RUN,
    status,
    incomplete_details: null,
    incomplete_at: null,
    completed_at: status === 'completed' ? 1700000009 : null,
    role: 'assistant',
    content,
    attachments: [],
    metadata: {},
    ...extra,
  };
}

export const messageCreated = (id: string, extra: Partial<Message> = {}): RunEvent => ({
  event: 'thread.message.created',
  data: aMessage(id, 'in_progress', [], extra),
});
export const messageInProgress = (id: string, extra: Partial<Message> = {}): RunEvent => ({
  event: 'thread.message.in_progress',
  data: aMessage(id, 'in_progress', [], extra),
});
export const messageCompleted = (
  id: string,
  content: MessageContent[],
  extra: Partial<Message> = {},
): RunEvent => ({
  event: 'thread.message.completed',
  data: aMessage(id, 'completed', content, extra),
});

/** A text block as a completed payload carries it. */
export const textBlock = (value: string, annotations: unknown[] = []): MessageContent =>
  ({ type: 'text', text: { value, annotations } }) as MessageContent;

/** `thread.message.delta` with raw content parts (deliberately untyped: tests send hostile ones). */
export const messageDelta = (id: string, ...content: unknown[]): RunEvent =>
  ({
    event: 'thread.message.delta',
    data: { id, object: 'thread.message.delta', delta: { content } },
  }) as RunEvent;

/** `thread.message.delta` with one text part. */
export const textDelta = (id: string, value: string, index = 0, annotations?: unknown[]): RunEvent =>
  messageDelta(id, {
    index,
    type: 'text',
    text: annotations === undefined ? { value } : { value, annotations },
  });

export function aStep(
  id: string,
  status: RunStep['status'],
  step_details: StepDetails,
  extra: Partial<RunStep> = {},
): RunStep {
  return {
    id,
    object: 'thread.run.step',
    created_at: 1700000002,
    run_id: RUN,
    assistant_id: 'asst_1',
    thread_id: THREAD,
    type: step_details.type,
    status,
    cancelled_at: null,
    completed_at: status === 'completed' ? 1700000008 : null,
    expires_at: null,
    failed_at: null,
    last_error: null,
    step_details,
    usage: null,
    ...extra,
  };
}

export const toolStep = (calls: ToolCall[] = []): StepDetails => ({ type: 'tool_calls', tool_calls: calls });

export const stepEvent = (
  name: 'created' | 'in_progress' | 'completed' | 'failed' | 'cancelled' | 'expired',
  id: string,
  details: StepDetails,
  extra: Partial<RunStep> = {},
): RunEvent =>
  ({
    event: `thread.run.step.${name}`,
    data: aStep(id, name === 'created' ? 'in_progress' : name, details, extra),
  }) as RunEvent;

/** `thread.run.step.delta` with raw tool-call fragments. */
export const stepDelta = (id: string, ...tool_calls: unknown[]): RunEvent =>
  ({
    event: 'thread.run.step.delta',
    data: {
      id,
      object: 'thread.run.step.delta',
      delta: { step_details: { type: 'tool_calls', tool_calls } },
    },
  }) as RunEvent;

export const fnCall = (id: string, name: string, args: string, output: string | null = null): ToolCall => ({
  id,
  type: 'function',
  function: { name, arguments: args, output },
});
