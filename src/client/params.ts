import type { AssistantTool, Metadata } from '../events/types';

/**
 * Request bodies and queries. Known fields are typed; anything else the server accepts may be
 * passed too (the index signatures), so a new API parameter never needs a library release.
 */

/** Query of a list endpoint (cursor pagination). */
export interface ListQuery {
  limit?: number;
  order?: 'asc' | 'desc';
  after?: string;
  before?: string;
}

/** Query of `GET /threads/{thread_id}/messages`. */
export interface MessageListQuery extends ListQuery {
  /** Only messages created by this run. */
  run_id?: string;
}

/** Query of the endpoints that accept `include[]` (run create, steps). */
export interface IncludeQuery {
  /** e.g. `['step_details.tool_calls[*].file_search.results[*].content']` */
  include?: readonly string[];
}

/** Body of `POST /assistants`. */
export interface AssistantCreateParams {
  model: string;
  name?: string | null;
  description?: string | null;
  instructions?: string | null;
  tools?: AssistantTool[];
  metadata?: Metadata;
  [key: string]: unknown;
}

/** Body of `POST /assistants/{assistant_id}`: the fields to change. */
export interface AssistantUpdateParams {
  model?: string;
  name?: string | null;
  description?: string | null;
  instructions?: string | null;
  tools?: AssistantTool[];
  metadata?: Metadata;
  [key: string]: unknown;
}

/** Content of a message to create: a string or content blocks. */
export type MessageInputContent = string | readonly Record<string, unknown>[];

/** Body of `POST /threads/{thread_id}/messages` (and of a thread's initial messages). */
export interface MessageCreateParams {
  role: 'user' | 'assistant';
  content: MessageInputContent;
  attachments?: readonly unknown[] | null;
  metadata?: Metadata;
  [key: string]: unknown;
}

/** Body of `POST /threads/{thread_id}/messages/{message_id}`: its metadata. */
export interface MessageUpdateParams {
  metadata?: Metadata;
  [key: string]: unknown;
}

/** Body of `POST /threads`: initial messages, tool resources, metadata. */
export interface ThreadCreateParams {
  messages?: readonly MessageCreateParams[];
  metadata?: Metadata;
  tool_resources?: unknown;
  [key: string]: unknown;
}

/** Body of `POST /threads/{thread_id}`: the fields to change. */
export interface ThreadUpdateParams {
  metadata?: Metadata;
  tool_resources?: unknown;
  [key: string]: unknown;
}

/** Body of `POST /threads/{thread_id}/runs` (without `stream`, which the client sets). */
export interface RunCreateParams {
  assistant_id: string;
  model?: string | null;
  instructions?: string | null;
  additional_instructions?: string | null;
  additional_messages?: readonly MessageCreateParams[] | null;
  tools?: AssistantTool[] | null;
  metadata?: Metadata;
  temperature?: number | null;
  top_p?: number | null;
  max_prompt_tokens?: number | null;
  max_completion_tokens?: number | null;
  truncation_strategy?: unknown;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
  response_format?: unknown;
  [key: string]: unknown;
}

/** Body of `POST /threads/runs` (without `stream`). */
export interface ThreadAndRunCreateParams
  extends Omit<RunCreateParams, 'additional_instructions' | 'additional_messages'> {
  thread?: ThreadCreateParams;
  tool_resources?: unknown;
}

/** Body of `POST /threads/{thread_id}/runs/{run_id}`: its metadata. */
export interface RunUpdateParams {
  metadata?: Metadata;
  [key: string]: unknown;
}

/** One tool output to submit. */
export interface ToolOutput {
  tool_call_id: string;
  output: string;
}

/** Body of `POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs` (without `stream`). */
export interface SubmitToolOutputsParams {
  tool_outputs: readonly ToolOutput[];
  [key: string]: unknown;
}
