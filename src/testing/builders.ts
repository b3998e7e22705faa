import { isTerminalStatus } from '../events/guards';
import type {
  Annotation,
  Assistant,
  AssistantTool,
  CodeInterpreterOutput,
  CodeInterpreterToolCall,
  FileSearchResult,
  FileSearchToolCall,
  FunctionToolCall,
  Message,
  Page,
  RequiredAction,
  Run,
  RunStep,
  StepDetails,
  TextContentBlock,
  Thread,
  Usage,
} from '../events/types';

/**
 * The fixed ids and Unix timestamps (seconds) every builder uses unless told otherwise, so two
 * calls give equal values and tests can name the ids.
 *
 * @example
 * ```ts
 * import { BUILDER_DEFAULTS, aRun } from 'rxjs-assistants/testing';
 * aRun().id === BUILDER_DEFAULTS.runId; // 'run_1'
 * ```
 */
export const BUILDER_DEFAULTS = {
  assistantId: 'asst_1',
  threadId: 'thread_1',
  runId: 'run_1',
  stepId: 'step_1',
  messageId: 'msg_1',
  callId: 'call_1',
  model: 'gpt-4o',
  functionName: 'get_weather',
  functionArguments: '{"city":"Paris"}',
  /** 2023-11-14T22:13:20Z. Starts and ends are one and two seconds later; expiry ten minutes later. */
  createdAt: 1_700_000_000,
} as const;

const T = BUILDER_DEFAULTS.createdAt;
const STARTED = T + 1;
const ENDED = T + 2;
const EXPIRES = T + 600;
const USAGE: Usage = { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 };

/** One function call, for {@link aFunctionToolCall}, {@link aRequiredAction} and the stream builders. */
export interface FunctionCallSpec {
  /** @default 'call_1' (or `call_<n>` for the n-th call of a list) */
  id?: string;
  /** @default 'get_weather' */
  name?: string;
  /** A string is used as is; anything else is JSON-serialised. @default '{"city":"Paris"}' */
  arguments?: string | Record<string, unknown>;
  /** The submitted output (steps only). @default null */
  output?: string | null;
}

const argumentsOf = (spec: FunctionCallSpec): string =>
  spec.arguments === undefined
    ? BUILDER_DEFAULTS.functionArguments
    : typeof spec.arguments === 'string'
      ? spec.arguments
      : JSON.stringify(spec.arguments);

/** The id of the `n`-th (0-based) call of a list when the spec has none: `call_1`, `call_2` … */
const callIdAt = (spec: FunctionCallSpec, n: number): string => spec.id ?? `call_${n + 1}`;

/** A `thread` object. */
export function aThread(partial: Partial<Thread> = {}): Thread {
  return {
    id: BUILDER_DEFAULTS.threadId,
    object: 'thread',
    created_at: T,
    metadata: {},
    tool_resources: {},
    ...partial,
  };
}

/** An `assistant` object. */
export function anAssistant(partial: Partial<Assistant> = {}): Assistant {
  return {
    id: BUILDER_DEFAULTS.assistantId,
    object: 'assistant',
    created_at: T,
    name: null,
    description: null,
    model: BUILDER_DEFAULTS.model,
    instructions: null,
    tools: [],
    metadata: {},
    tool_resources: {},
    temperature: 1,
    top_p: 1,
    response_format: 'auto',
    ...partial,
  };
}

/**
 * What a `requires_action` run waits for: one `function` call per spec.
 * @default one call `call_1` to `get_weather` with `{"city":"Paris"}`
 */
export function aRequiredAction(calls: readonly FunctionCallSpec[] = [{}]): RequiredAction {
  return {
    type: 'submit_tool_outputs',
    submit_tool_outputs: {
      tool_calls: calls.map((spec, n) => ({
        id: callIdAt(spec, n),
        type: 'function',
        function: { name: spec.name ?? BUILDER_DEFAULTS.functionName, arguments: argumentsOf(spec) },
      })),
    },
  };
}

const functionToolsOf = (action: RequiredAction): AssistantTool[] => {
  const names = new Set(action.submit_tool_outputs.tool_calls.map((call) => call.function.name));
  return [...names].map((name) => ({
    type: 'function',
    function: { name, parameters: { type: 'object', properties: {} } },
  }));
};

/**
 * A `thread.run` object. The fields that follow from the status are filled to match it
 * (`started_at`, `completed_at`, `failed_at` + `last_error`, `cancelled_at`, `incomplete_details`,
 * `required_action` + function `tools`, `usage` once terminal); `partial` wins over all of them.
 * @default status 'queued'
 *
 * @example
 * ```ts
 * import { aRun } from 'rxjs-assistants/testing';
 * const failed = aRun({ status: 'failed', last_error: { code: 'rate_limit_exceeded', message: 'Slow down' } });
 * ```
 */
export function aRun(partial: Partial<Run> = {}): Run {
  const status = partial.status ?? 'queued';
  const terminal = isTerminalStatus(status);
  const requiredAction = partial.required_action ?? (status === 'requires_action' ? aRequiredAction() : null);
  return {
    id: BUILDER_DEFAULTS.runId,
    object: 'thread.run',
    created_at: T,
    assistant_id: BUILDER_DEFAULTS.assistantId,
    thread_id: BUILDER_DEFAULTS.threadId,
    status,
    started_at: status === 'queued' ? null : STARTED,
    expires_at: terminal && status !== 'expired' ? null : EXPIRES,
    cancelled_at: status === 'cancelled' ? ENDED : null,
    failed_at: status === 'failed' ? ENDED : null,
    completed_at: status === 'completed' || status === 'incomplete' ? ENDED : null,
    required_action: requiredAction,
    last_error:
      status === 'failed' ? { code: 'server_error', message: 'Sorry, something went wrong.' } : null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_completion_tokens' } : null,
    model: BUILDER_DEFAULTS.model,
    instructions: null,
    tools: requiredAction ? functionToolsOf(requiredAction) : [],
    metadata: {},
    usage: terminal ? USAGE : null,
    temperature: 1,
    top_p: 1,
    max_completion_tokens: null,
    max_prompt_tokens: null,
    truncation_strategy: { type: 'auto', last_messages: null },
    response_format: 'auto',
    tool_choice: 'auto',
    parallel_tool_calls: true,
    ...partial,
  };
}

/** A `text` content block of a message. */
export function aTextContent(value: string, annotations: Annotation[] = []): TextContentBlock {
  return { type: 'text', text: { value, annotations } };
}

/**
 * A `thread.message` object. `completed_at`, `incomplete_at` and `incomplete_details` follow the
 * status; a `user` message has no `assistant_id` or `run_id`.
 * @default an assistant message, status 'completed', text 'Hello'
 */
export function aMessage(partial: Partial<Message> = {}): Message {
  const status = partial.status ?? 'completed';
  const byAssistant = (partial.role ?? 'assistant') === 'assistant';
  return {
    id: BUILDER_DEFAULTS.messageId,
    object: 'thread.message',
    created_at: STARTED,
    thread_id: BUILDER_DEFAULTS.threadId,
    status,
    incomplete_details: status === 'incomplete' ? { reason: 'max_tokens' } : null,
    completed_at: status === 'completed' ? ENDED : null,
    incomplete_at: status === 'incomplete' ? ENDED : null,
    role: 'assistant',
    content: [aTextContent('Hello')],
    assistant_id: byAssistant ? BUILDER_DEFAULTS.assistantId : null,
    run_id: byAssistant ? BUILDER_DEFAULTS.runId : null,
    attachments: [],
    metadata: {},
    ...partial,
  };
}

/** A `function` tool call as a run step holds it. @default `call_1`, `get_weather`, output `null` */
export function aFunctionToolCall(spec: FunctionCallSpec = {}): FunctionToolCall {
  return {
    id: spec.id ?? BUILDER_DEFAULTS.callId,
    type: 'function',
    function: {
      name: spec.name ?? BUILDER_DEFAULTS.functionName,
      arguments: argumentsOf(spec),
      output: spec.output ?? null,
    },
  };
}

/** A `code_interpreter` tool call. @default `call_1`, input `print(1 + 1)`, logs `2\n` */
export function aCodeInterpreterToolCall(
  spec: { id?: string; input?: string; outputs?: CodeInterpreterOutput[] } = {},
): CodeInterpreterToolCall {
  return {
    id: spec.id ?? BUILDER_DEFAULTS.callId,
    type: 'code_interpreter',
    code_interpreter: {
      input: spec.input ?? 'print(1 + 1)',
      outputs: spec.outputs ?? [{ type: 'logs', logs: '2\n' }],
    },
  };
}

/** A `file_search` tool call. @default `call_1`, no results */
export function aFileSearchToolCall(
  spec: { id?: string; results?: FileSearchResult[] } = {},
): FileSearchToolCall {
  return {
    id: spec.id ?? BUILDER_DEFAULTS.callId,
    type: 'file_search',
    file_search: {
      ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 },
      results: spec.results ?? [],
    },
  };
}

/**
 * A `thread.run.step` object. Without `step_details` it is a `message_creation` step for `msg_1`,
 * or (with `type: 'tool_calls'`) a step holding one {@link aFunctionToolCall}; `type` follows
 * `step_details`. The timestamps, `last_error` and `usage` follow the status. Like the real service
 * it sends `expires_at` (not the published `expired_at`) and no `metadata`.
 * @default status 'completed'
 */
export function aRunStep(partial: Partial<RunStep> = {}): RunStep {
  const status = partial.status ?? 'completed';
  const details: StepDetails =
    partial.step_details ??
    (partial.type === 'tool_calls'
      ? { type: 'tool_calls', tool_calls: [aFunctionToolCall()] }
      : { type: 'message_creation', message_creation: { message_id: BUILDER_DEFAULTS.messageId } });
  return {
    id: BUILDER_DEFAULTS.stepId,
    object: 'thread.run.step',
    created_at: STARTED,
    run_id: BUILDER_DEFAULTS.runId,
    assistant_id: BUILDER_DEFAULTS.assistantId,
    thread_id: BUILDER_DEFAULTS.threadId,
    type: details.type,
    status,
    cancelled_at: status === 'cancelled' ? ENDED : null,
    completed_at: status === 'completed' ? ENDED : null,
    expires_at: EXPIRES,
    failed_at: status === 'failed' ? ENDED : null,
    last_error:
      status === 'failed' ? { code: 'server_error', message: 'Sorry, something went wrong.' } : null,
    step_details: details,
    usage: status === 'in_progress' ? null : USAGE,
    ...partial,
  };
}

/** One page of a list endpoint holding `data`, with `first_id`/`last_id` taken from it. @default has_more false */
export function aPage<T extends { id: string }>(data: T[], partial: Partial<Page<T>> = {}): Page<T> {
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: false,
    ...partial,
  };
}
