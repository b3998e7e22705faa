/**
 * The Responses API's payloads, as the library reads them: structural types, assignable from the
 * `openai` package's, that name only the fields the library reads or a user commonly does. Extra
 * fields on the wire are kept (each object has an index signature-free shape, so a wider value
 * from the SDK still fits).
 */

/** A response's status. `cancelled` has no stream event of its own (see `ResponseCancelledEvent`). */
export type ResponseStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'incomplete' | 'cancelled';

/** The statuses after which a response never changes. */
export type ResponseTerminalStatus = Extract<
  ResponseStatus,
  'completed' | 'failed' | 'incomplete' | 'cancelled'
>;

/** Why a response failed (`response.error`). */
export interface ResponseError {
  code: string;
  message: string;
}

/** Token counts of a response. */
export interface ResponseUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details?: { cached_tokens?: number } | undefined;
  output_tokens_details?: { reasoning_tokens?: number } | undefined;
}

/** A citation or link in output text. */
export interface ResponseAnnotation {
  type: string;
  /** `file_citation`: the cited file. */
  file_id?: string | undefined;
  filename?: string | undefined;
  /** `url_citation`: the cited page. */
  url?: string | undefined;
  title?: string | undefined;
  index?: number | undefined;
  start_index?: number | undefined;
  end_index?: number | undefined;
}

/** A part of an output message: text (with its citations) or a refusal. */
export type ResponseContentPart =
  | { type: 'output_text'; text: string; annotations?: ResponseAnnotation[] | undefined; logprobs?: unknown }
  | { type: 'refusal'; refusal: string }
  | { type: 'reasoning_text'; text: string };

/** Item statuses. */
export type ResponseItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** An assistant message in a response's output. */
export interface ResponseOutputMessage {
  type: 'message';
  id: string;
  role: 'assistant';
  status: ResponseItemStatus;
  content: ResponseContentPart[];
}

/** A call of one of the caller's functions: answer it with a `function_call_output` input item. */
export interface ResponseFunctionCall {
  type: 'function_call';
  id?: string | undefined;
  call_id: string;
  name: string;
  /** The arguments as JSON text. */
  arguments: string;
  status?: ResponseItemStatus | undefined;
}

/** A reasoning model's summary of its reasoning. */
export interface ResponseReasoningItem {
  type: 'reasoning';
  id: string;
  summary: { type: 'summary_text'; text: string }[];
  content?: { type: 'reasoning_text'; text: string }[] | undefined;
  encrypted_content?: string | null | undefined;
  status?: ResponseItemStatus | undefined;
}

/** A built-in tool's call (file search, web search, code interpreter, MCP, image generation …). */
export interface ResponseOtherItem {
  type: Exclude<string, 'message' | 'function_call' | 'reasoning'>;
  id?: string | undefined;
  status?: string | null | undefined;
}

/** One item of a response's output. */
export type ResponseOutputItem =
  | ResponseOutputMessage
  | ResponseFunctionCall
  | ResponseReasoningItem
  | ResponseOtherItem;

/** The answer to a function call, sent as an input item of the continuation. */
export interface FunctionCallOutput {
  type: 'function_call_output';
  call_id: string;
  output: string;
}

/**
 * A response (`object: "response"`). Named `ResponseObject` so it never shadows fetch's `Response`
 * in a user's file.
 */
export interface ResponseObject {
  id: string;
  object?: 'response' | undefined;
  created_at?: number | undefined;
  /**
   * Always sent by the API; optional because the `openai` package types it so (a value of its
   * `Response` type must fit). The library reads a missing status as not terminal.
   */
  status?: ResponseStatus | undefined;
  background?: boolean | null | undefined;
  store?: boolean | undefined;
  error?: ResponseError | null | undefined;
  incomplete_details?: { reason?: string | undefined } | null | undefined;
  model?: string | undefined;
  instructions?: unknown;
  tools?: unknown[] | undefined;
  tool_choice?: unknown;
  text?: unknown;
  reasoning?: unknown;
  metadata?: Record<string, string> | null | undefined;
  previous_response_id?: string | null | undefined;
  conversation?: { id: string } | null | undefined;
  output: ResponseOutputItem[];
  usage?: ResponseUsage | null | undefined;
}

/** A conversation (`object: "conversation"`). */
export interface Conversation {
  id: string;
  object?: 'conversation' | undefined;
  created_at?: number | undefined;
  metadata?: Record<string, string> | null | undefined;
}

/** An item of a conversation or of a response's input (a message, a call, a call's output …). */
export interface ConversationItem {
  type: string;
  id?: string | undefined;
  [field: string]: unknown;
}

/** A page of a list endpoint of the Responses family. */
export interface ItemPage<T> {
  object: 'list';
  data: T[];
  first_id?: string | null | undefined;
  last_id?: string | null | undefined;
  has_more: boolean;
}

/** `DELETE` answers. */
export interface ResponseDeleted {
  id: string;
  object?: string | undefined;
  deleted: boolean;
}
