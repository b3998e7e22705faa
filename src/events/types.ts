/**
 * Payload types of the Assistants v2 wire format.
 *
 * These are the library's own structural types. They are written so that the `openai` package's
 * types are assignable to them (a field the SDK declares is never narrower here), and they say
 * nothing about extra fields: whatever else the server sends is kept at run time, never rejected.
 *
 * The other way round, a payload type is assignable to the SDK's where the wire allows: most
 * content, delta and tool types are (test/types/openai.test.ts lists each type and direction).
 * Runs, steps and messages cannot be, because the wire or the library's state holds values that
 * the SDK's types exclude:
 * - `Run.instructions` is `null` on the wire for an assistant without instructions (the SDK says
 *   `string`), and 2024 servers send no `parallel_tool_calls`;
 * - run steps carry `expires_at` and no `metadata` (the SDK: `expired_at`, `metadata`);
 * - messages read from the messages endpoints lack `status`, `completed_at` and
 *   `incomplete_details`, and a message or step that the reducer knows only from its deltas (a
 *   resumed stream) has no `created_at` or `thread_id` yet;
 * - `last_error.code` is an open set of strings here (the SDK lists three).
 */

/** Key/value metadata attached to most objects. */
export type Metadata = Record<string, string> | null;

/** Status of a run. Terminal: `completed | incomplete | failed | cancelled | expired`. */
export type RunStatus =
  | 'queued'
  | 'in_progress'
  | 'requires_action'
  | 'cancelling'
  | 'cancelled'
  | 'failed'
  | 'completed'
  | 'incomplete'
  | 'expired';

/** A function definition, as given to an assistant. */
export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean | null;
}

/** A tool an assistant or a run may use. */
export type AssistantTool =
  | { type: 'code_interpreter' }
  | {
      type: 'file_search';
      file_search?: {
        max_num_results?: number;
        ranking_options?: { score_threshold: number; ranker?: 'auto' | 'default_2024_08_21' };
      };
    }
  | { type: 'function'; function: FunctionDefinition };

/** Token usage of a run or a run step. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** The error a run or step failed with. */
export interface LastError {
  code: string;
  message: string;
}

/** A function call the run is waiting for (in `required_action.submit_tool_outputs.tool_calls`). */
export interface RequiredActionFunctionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** What a `requires_action` run waits for. */
export interface RequiredAction {
  type: 'submit_tool_outputs';
  submit_tool_outputs: { tool_calls: RequiredActionFunctionToolCall[] };
}

/**
 * An Assistants run (`object: "thread.run"`). The ids, `created_at`, `model`, `instructions`,
 * `tools` and `metadata`, which every run payload carries, are required. Not assignable to the
 * SDK's `Run`: the wire sends `instructions: null`, which the SDK types as `string`.
 */
export interface Run {
  id: string;
  object: 'thread.run';
  created_at: number;
  assistant_id: string;
  thread_id: string;
  status: RunStatus;
  started_at?: number | null;
  expires_at?: number | null;
  cancelled_at?: number | null;
  failed_at?: number | null;
  completed_at?: number | null;
  required_action?: RequiredAction | null;
  last_error?: LastError | null;
  incomplete_details?: { reason?: string } | null;
  model: string;
  /** `null` when neither the assistant nor the run gives instructions (the real service sends it so). */
  instructions: string | null;
  tools: AssistantTool[];
  metadata: Metadata;
  usage?: Usage | null;
  temperature?: number | null;
  top_p?: number | null;
  max_completion_tokens?: number | null;
  max_prompt_tokens?: number | null;
  truncation_strategy?: unknown;
  response_format?: unknown;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
}

/** A thread (`object: "thread"`). */
export interface Thread {
  id: string;
  object?: 'thread';
  created_at?: number;
  metadata?: Metadata;
  tool_resources?: unknown;
}

/** An assistant (`object: "assistant"`). */
export interface Assistant {
  id: string;
  object?: 'assistant';
  created_at?: number;
  name?: string | null;
  description?: string | null;
  model: string;
  instructions?: string | null;
  tools?: AssistantTool[];
  metadata?: Metadata;
  tool_resources?: unknown;
  temperature?: number | null;
  top_p?: number | null;
  response_format?: unknown;
}

// ---- message content ----------------------------------------------------------------------------

/** A citation of a file that file_search found. */
export interface FileCitationAnnotation {
  type: 'file_citation';
  text: string;
  start_index: number;
  end_index: number;
  /** `quote` is dropped by the service in completed messages. */
  file_citation: { file_id: string; quote?: string };
}

/** A path to a file that code_interpreter generated. */
export interface FilePathAnnotation {
  type: 'file_path';
  text: string;
  start_index: number;
  end_index: number;
  file_path: { file_id: string };
}

/** An annotation of a message's text: a file citation or a file path. */
export type Annotation = FileCitationAnnotation | FilePathAnnotation;

/** A message's text, with its annotations. */
export interface TextContentBlock {
  type: 'text';
  text: { value: string; annotations: Annotation[] };
}

/** An image file (by id) in a message. */
export interface ImageFileContentBlock {
  type: 'image_file';
  image_file: { file_id: string; detail?: 'auto' | 'low' | 'high' };
}

/** An image at a URL in a message. */
export interface ImageURLContentBlock {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** The model's refusal, in place of text. */
export interface RefusalContentBlock {
  type: 'refusal';
  refusal: string;
}

/** One content block of a message. */
export type MessageContent =
  | TextContentBlock
  | ImageFileContentBlock
  | ImageURLContentBlock
  | RefusalContentBlock;

/** A message (`object: "thread.message"`). */
export interface Message {
  id: string;
  object?: 'thread.message';
  created_at?: number;
  thread_id?: string;
  /** Missing on messages read from the messages endpoints of the real service. */
  status?: 'in_progress' | 'incomplete' | 'completed';
  incomplete_details?: { reason: string } | null;
  completed_at?: number | null;
  incomplete_at?: number | null;
  role: 'user' | 'assistant';
  content: MessageContent[];
  assistant_id?: string | null;
  run_id?: string | null;
  attachments?: unknown[] | null;
  metadata?: Metadata;
}

// ---- message deltas -----------------------------------------------------------------------------

/** A fragment of a {@link FileCitationAnnotation}, merged by `index`. */
export interface FileCitationDeltaAnnotation {
  index: number;
  type: 'file_citation';
  text?: string;
  start_index?: number;
  end_index?: number;
  file_citation?: { file_id?: string; quote?: string };
}

/** A fragment of a {@link FilePathAnnotation}, merged by `index`. */
export interface FilePathDeltaAnnotation {
  index: number;
  type: 'file_path';
  text?: string;
  start_index?: number;
  end_index?: number;
  file_path?: { file_id?: string };
}

/** A fragment of an {@link Annotation}, merged by `index`. */
export type AnnotationDelta = FileCitationDeltaAnnotation | FilePathDeltaAnnotation;

/** A fragment of a {@link TextContentBlock}: text to append, annotations to merge by `index`. */
export interface TextDeltaBlock {
  index: number;
  type: 'text';
  text?: { value?: string; annotations?: AnnotationDelta[] };
}

/** A fragment of an {@link ImageFileContentBlock}. */
export interface ImageFileDeltaBlock {
  index: number;
  type: 'image_file';
  image_file?: { file_id?: string; detail?: 'auto' | 'low' | 'high' };
}

/** A fragment of an {@link ImageURLContentBlock}. */
export interface ImageURLDeltaBlock {
  index: number;
  type: 'image_url';
  image_url?: { url?: string; detail?: 'auto' | 'low' | 'high' };
}

/** A fragment of a {@link RefusalContentBlock}: refusal text to append. */
export interface RefusalDeltaBlock {
  index: number;
  type: 'refusal';
  refusal?: string;
}

/** A fragment of one content block of a message, merged by `index`. */
export type MessageContentDelta =
  | TextDeltaBlock
  | ImageFileDeltaBlock
  | ImageURLDeltaBlock
  | RefusalDeltaBlock;

/** Payload of `thread.message.delta`. */
export interface MessageDelta {
  id: string;
  object?: 'thread.message.delta';
  delta: { role?: 'user' | 'assistant'; content?: MessageContentDelta[] };
}

// ---- run steps ----------------------------------------------------------------------------------

/** A function call of a run step; `output` is what was submitted for it (`null` until then). */
export interface FunctionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string; output: string | null };
}

/** An output of a code_interpreter call: logs or an image file. */
export type CodeInterpreterOutput =
  | { type: 'logs'; logs: string }
  | { type: 'image'; image: { file_id: string } };

/** A code_interpreter call of a run step: the code and its outputs. */
export interface CodeInterpreterToolCall {
  id: string;
  type: 'code_interpreter';
  code_interpreter: { input: string; outputs: CodeInterpreterOutput[] };
}

/** One file a file_search call found (`content` only when asked for with `include`). */
export interface FileSearchResult {
  file_id: string;
  file_name: string;
  score: number;
  content?: { type?: 'text'; text?: string }[];
}

/** A file_search call of a run step; the results arrive with `thread.run.step.completed`. */
export interface FileSearchToolCall {
  id: string;
  type: 'file_search';
  file_search: { ranking_options?: unknown; results?: FileSearchResult[] };
}

/** A tool call of a run step. */
export type ToolCall = FunctionToolCall | CodeInterpreterToolCall | FileSearchToolCall;

/** What a `message_creation` step did: the message it created. */
export interface MessageCreationStepDetails {
  type: 'message_creation';
  message_creation: { message_id: string };
}

/** What a `tool_calls` step did: its tool calls. */
export interface ToolCallsStepDetails {
  type: 'tool_calls';
  tool_calls: ToolCall[];
}

/** What a run step did. */
export type StepDetails = MessageCreationStepDetails | ToolCallsStepDetails;

/** A run step (`object: "thread.run.step"`). */
export interface RunStep {
  id: string;
  object?: 'thread.run.step';
  created_at?: number;
  assistant_id?: string;
  thread_id?: string;
  run_id: string;
  type: 'message_creation' | 'tool_calls';
  status: 'in_progress' | 'cancelled' | 'failed' | 'completed' | 'expired';
  step_details: StepDetails;
  last_error?: LastError | null;
  /** The wire sends `expires_at`; the published spec says `expired_at`. Both are accepted. */
  expired_at?: number | null;
  expires_at?: number | null;
  cancelled_at?: number | null;
  failed_at?: number | null;
  completed_at?: number | null;
  metadata?: Metadata;
  usage?: Usage | null;
}

// ---- run step deltas ----------------------------------------------------------------------------

/** A fragment of a {@link FunctionToolCall}: argument text to append, merged by `index`. */
export interface FunctionToolCallDelta {
  index: number;
  id?: string;
  type: 'function';
  function?: { name?: string; arguments?: string; output?: string | null };
}

/** A fragment of a {@link CodeInterpreterOutput}, merged by `index`. */
export type CodeInterpreterOutputDelta =
  | { index: number; type: 'logs'; logs?: string }
  | { index: number; type: 'image'; image?: { file_id?: string } };

/** A fragment of a {@link CodeInterpreterToolCall}: input to append, outputs to merge by `index`. */
export interface CodeInterpreterToolCallDelta {
  index: number;
  id?: string;
  type: 'code_interpreter';
  code_interpreter?: { input?: string; outputs?: CodeInterpreterOutputDelta[] };
}

/** A fragment of a {@link FileSearchToolCall}. */
export interface FileSearchToolCallDelta {
  index: number;
  id?: string;
  type: 'file_search';
  file_search: unknown;
}

/** A fragment of a tool call of a run step, merged by `index`. */
export type ToolCallDelta = FunctionToolCallDelta | CodeInterpreterToolCallDelta | FileSearchToolCallDelta;

/** A fragment of a run step's {@link StepDetails}. */
export type StepDetailsDelta =
  | { type: 'message_creation'; message_creation?: { message_id?: string } }
  | { type: 'tool_calls'; tool_calls?: ToolCallDelta[] };

/** Payload of `thread.run.step.delta`. */
export interface RunStepDelta {
  id: string;
  object: 'thread.run.step.delta';
  delta: { step_details?: StepDetailsDelta };
}

/** Payload of an SSE `error` frame. */
export interface ErrorPayload {
  code?: string | null;
  message: string;
  param?: string | null;
  type?: string;
}

/** A page of a list endpoint. */
export interface Page<T> {
  object?: 'list';
  data: T[];
  first_id?: string | null;
  last_id?: string | null;
  has_more: boolean;
}

/** Answer of a delete endpoint. */
export interface Deleted {
  id: string;
  object?: string;
  deleted: boolean;
}
