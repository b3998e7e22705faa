import type { ResponseStatus } from '../../responses/types';
import type { MetadataMap } from '../objects';

// The Responses wire objects as the emulator keeps them: every field the real service sends,
// always present, in the service's order (compare the openai-dotnet Responses recordings in
// ../shared/fixtures).

/** An item as stored (input, output or conversation item): always with an `id` and a `type`. */
export interface StoredItem {
  id: string;
  type: string;
  [field: string]: unknown;
}

/** An `output_text` part of an output message. */
export interface OutputTextPart {
  type: 'output_text';
  annotations: Record<string, unknown>[];
  logprobs: unknown[];
  text: string;
}

/** An assistant message in a response's output. */
export interface OutputMessageItem extends StoredItem {
  type: 'message';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: OutputTextPart[];
  role: 'assistant';
}

/** A call of one of the caller's functions. */
export interface FunctionCallItem extends StoredItem {
  type: 'function_call';
  status: 'in_progress' | 'completed' | 'incomplete';
  arguments: string;
  call_id: string;
  name: string;
}

/** A response as the service returns it. */
export interface ResponseBody {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: boolean;
  completed_at: number | null;
  conversation?: { id: string } | undefined;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  model: string;
  output: StoredItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  prompt_cache_key: string | null;
  reasoning: unknown;
  safety_identifier: string | null;
  service_tier: string;
  store: boolean;
  temperature: number;
  text: unknown;
  tool_choice: unknown;
  tools: unknown[];
  top_logprobs: number;
  top_p: number;
  truncation: string;
  usage: UsageBody | null;
  user: string | null;
  metadata: MetadataMap;
  /** Passed through as sent (Azure AI Foundry's agent reference). */
  agent?: unknown;
  agent_reference?: unknown;
}

/** Token counts as the service reports them. */
export interface UsageBody {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** A conversation as the service returns it. */
export interface ConversationBody {
  id: string;
  object: 'conversation';
  created_at: number;
  metadata: MetadataMap;
}

/** The fields of a new response that the request decides; the rest start empty. */
export type ResponseInit = Omit<
  ResponseBody,
  'object' | 'status' | 'completed_at' | 'error' | 'incomplete_details' | 'output' | 'usage'
>;

/** A new response, `queued` (background) or `in_progress`, with nothing in its output yet. */
export function responseBody(init: ResponseInit): ResponseBody {
  const { conversation, agent, agent_reference } = init;
  return {
    id: init.id,
    object: 'response',
    created_at: init.created_at,
    status: init.background ? 'queued' : 'in_progress',
    background: init.background,
    completed_at: null,
    ...(conversation === undefined ? {} : { conversation }),
    error: null,
    incomplete_details: null,
    instructions: init.instructions,
    max_output_tokens: init.max_output_tokens,
    max_tool_calls: init.max_tool_calls,
    model: init.model,
    output: [],
    parallel_tool_calls: init.parallel_tool_calls,
    previous_response_id: init.previous_response_id,
    prompt_cache_key: init.prompt_cache_key,
    reasoning: init.reasoning,
    safety_identifier: init.safety_identifier,
    service_tier: init.service_tier,
    store: init.store,
    temperature: init.temperature,
    text: init.text,
    tool_choice: init.tool_choice,
    tools: init.tools,
    top_logprobs: init.top_logprobs,
    top_p: init.top_p,
    truncation: init.truncation,
    usage: null,
    user: init.user,
    metadata: init.metadata,
    ...(agent === undefined ? {} : { agent }),
    ...(agent_reference === undefined ? {} : { agent_reference }),
  };
}

/** Token counts as the service reports them (one token per word read, one per chunk written). */
export function usageOf(inputTokens: number, outputTokens: number): UsageBody {
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
}

/** The text of a message item's text parts (`input_text`, `output_text`, `text`), joined by newlines. */
export function itemText(item: StoredItem): string {
  const content = item['content'];
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content)
    if (part !== null && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string')
      texts.push((part as { text: string }).text);
  return texts.join('\n');
}
