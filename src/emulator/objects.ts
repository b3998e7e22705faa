import type {
  Assistant,
  AssistantTool,
  LastError,
  Message,
  MessageContent,
  RequiredAction,
  Run,
  RunStatus,
  RunStep,
  StepDetails,
  Thread,
  Usage,
} from '../events/types';

// The wire objects as the emulator keeps them: every field the real service sends, always present,
// in the service's order (compare the recordings in ../shared/fixtures).

/** Metadata as stored: never null (a `null` in a request clears it to `{}`). */
export type MetadataMap = Record<string, string>;

/** An assistant as the service returns it. */
export interface AssistantObject extends Assistant {
  object: 'assistant';
  created_at: number;
  name: string | null;
  description: string | null;
  instructions: string | null;
  tools: AssistantTool[];
  top_p: number | null;
  temperature: number | null;
  reasoning_effort: string | null;
  tool_resources: unknown;
  metadata: MetadataMap;
  response_format: unknown;
}

/** A thread as the service returns it. */
export interface ThreadObject extends Thread {
  object: 'thread';
  created_at: number;
  metadata: MetadataMap;
  tool_resources: unknown;
}

/** A message as the stream carries it (with `status`, `completed_at`, `incomplete_details`). */
export interface MessageObject extends Message {
  object: 'thread.message';
  created_at: number;
  assistant_id: string | null;
  thread_id: string;
  run_id: string | null;
  status: 'in_progress' | 'incomplete' | 'completed';
  incomplete_details: { reason: string } | null;
  incomplete_at: number | null;
  completed_at: number | null;
  attachments: unknown[];
  metadata: MetadataMap;
}

/** A run as the service returns it. */
export interface RunObject extends Run {
  object: 'thread.run';
  created_at: number;
  assistant_id: string;
  status: RunStatus;
  started_at: number | null;
  expires_at: number | null;
  cancelled_at: number | null;
  failed_at: number | null;
  completed_at: number | null;
  required_action: RequiredAction | null;
  last_error: LastError | null;
  model: string;
  instructions: string | null;
  tools: AssistantTool[];
  tool_resources: unknown;
  metadata: MetadataMap;
  temperature: number | null;
  top_p: number | null;
  reasoning_effort: string | null;
  max_completion_tokens: number | null;
  max_prompt_tokens: number | null;
  truncation_strategy: unknown;
  incomplete_details: { reason: string } | null;
  usage: Usage | null;
  response_format: unknown;
  tool_choice: unknown;
  parallel_tool_calls: boolean;
}

/** Steps carry `expires_at` and no `metadata`, as on the wire (the spec says `expired_at`, `metadata`). */
export interface StepObject extends RunStep {
  object: 'thread.run.step';
  created_at: number;
  run_id: string;
  assistant_id: string;
  thread_id: string;
  cancelled_at: number | null;
  completed_at: number | null;
  expires_at: number | null;
  failed_at: number | null;
  last_error: LastError | null;
  step_details: StepDetails;
  usage: Usage | null;
}

/** Function tools get the defaults the service fills in (`parameters`, `strict`). */
export function normalizeTools(tools: readonly AssistantTool[]): AssistantTool[] {
  return tools.map((tool) => {
    if (tool.type === 'function') {
      const { name, description, parameters, strict } = tool.function;
      return {
        type: 'function',
        function: {
          name,
          ...(description === undefined ? {} : { description }),
          parameters: parameters ?? { type: 'object', properties: {} },
          strict: strict ?? false,
        },
      };
    }
    if (tool.type === 'file_search') return { type: 'file_search', file_search: tool.file_search ?? {} };
    return { type: 'code_interpreter' };
  });
}

/** A new message as the service returns it. */
export function messageObject(init: {
  id: string;
  created_at: number;
  thread_id: string;
  role: 'user' | 'assistant';
  content: MessageContent[];
  assistant_id?: string | null;
  run_id?: string | null;
  status?: MessageObject['status'];
  attachments?: unknown[];
  metadata?: MetadataMap;
}): MessageObject {
  const status = init.status ?? 'completed';
  return {
    id: init.id,
    object: 'thread.message',
    created_at: init.created_at,
    assistant_id: init.assistant_id ?? null,
    thread_id: init.thread_id,
    run_id: init.run_id ?? null,
    status,
    incomplete_details: null,
    incomplete_at: null,
    completed_at: status === 'completed' ? init.created_at : null,
    role: init.role,
    content: init.content,
    attachments: init.attachments ?? [],
    metadata: init.metadata ?? {},
  };
}

/** A new step, `in_progress`. */
export function stepObject(run: RunObject, id: string, createdAt: number, details: StepDetails): StepObject {
  return {
    id,
    object: 'thread.run.step',
    created_at: createdAt,
    run_id: run.id,
    assistant_id: run.assistant_id,
    thread_id: run.thread_id,
    type: details.type,
    status: 'in_progress',
    cancelled_at: null,
    completed_at: null,
    expires_at: run.expires_at,
    failed_at: null,
    last_error: null,
    step_details: details,
    usage: null,
  };
}
