import type { ResponsesApp } from '../app';
import type { BrainToolResult } from '../Brain';
import { nowMs, toSeconds } from '../clock';
import { ApiError, badRequest } from '../http';
import { newId } from '../ids';
import { type Body, optionalMetadata, optionalNumber, optionalString } from '../validate';
import { contextItems } from './brainView';
import { inputItems, responseTools } from './input';
import { responseBody, type StoredItem } from './objects';
import { type ConversationRecord, isActiveResponse, type ResponseRecord } from './store';

/** The arguments `POST /responses` takes (Azure AI Foundry's `agent` / `agent_reference` pass through). */
export const RESPONSE_FIELDS = [
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'previous_response_id',
  'conversation',
  'background',
  'store',
  'stream',
  'stream_options',
  'metadata',
  'temperature',
  'top_p',
  'top_logprobs',
  'max_output_tokens',
  'max_tool_calls',
  'parallel_tool_calls',
  'reasoning',
  'text',
  'truncation',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'service_tier',
  'include',
  'prompt',
  'agent',
  'agent_reference',
];

/** A response built from a request, not stored yet, with the conversation it adds to. */
export interface NewResponse {
  record: ResponseRecord;
  conversation: ConversationRecord | undefined;
}

const flag = (body: Body, key: string): boolean | undefined => {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    throw badRequest(`Invalid type for '${key}': expected a boolean.`, key, 'invalid_type');
  return value;
};

const wholeNumber = (body: Body, key: string, least: number): number | null => {
  const value = optionalNumber(body, key) ?? null;
  if (value !== null && !(Number.isInteger(value) && value >= least))
    throw badRequest(
      `Invalid '${key}': expected an integer >= ${least}, got ${value}.`,
      key,
      'invalid_value',
    );
  return value;
};

/**
 * Validates a `POST /responses` body and builds the new response, storing nothing: a bad request
 * changes nothing. Continuations (`previous_response_id` or `conversation`) are checked as the
 * service does: the previous response must exist and have ended, every `function_call_output`
 * must answer a call the model made, and every call still open must be answered.
 */
export function buildResponse(responses: ResponsesApp, body: Body): NewResponse {
  const { store } = responses;
  const agent = body['agent'] ?? body['agent_reference'] ?? body['prompt'];
  const model = optionalString(body, 'model');
  if (model === undefined || model === null) {
    if (agent === undefined)
      throw badRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  }
  const streamed = flag(body, 'stream') ?? false;
  const background = flag(body, 'background') ?? false;
  const stored = flag(body, 'store') ?? true;
  if (background && !stored)
    throw badRequest(
      "Background responses must be stored: 'background: true' cannot be used with 'store: false'.",
      'store',
      'invalid_value',
    );
  const previousId = optionalString(body, 'previous_response_id') ?? null;
  const conversationId = conversationIdOf(body['conversation']);
  if (previousId !== null && conversationId !== undefined)
    throw badRequest(
      "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
      'conversation',
      'mutually_exclusive_parameters',
    );
  if (
    body['input'] === undefined &&
    previousId === null &&
    conversationId === undefined &&
    agent === undefined
  )
    throw badRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  const input = body['input'] === undefined || body['input'] === null ? [] : inputItems(body['input']);

  const previous = previousId === null ? undefined : previousOf(responses, previousId);
  const conversation = conversationId === undefined ? undefined : store.conversation(conversationId);
  const before = previous
    ? [...contextItems(store, previous), ...previous.response.output]
    : (conversation?.items ?? []);
  const answering = previous ?? lastResponseOf(responses, conversation);
  const answers = answeredCalls(before, input);
  const createdMs = nowMs();
  const id = newId('resp');
  const record: ResponseRecord = {
    response: responseBody({
      id,
      created_at: toSeconds(createdMs),
      background,
      ...(conversation ? { conversation: { id: conversation.conversation.id } } : {}),
      instructions: optionalString(body, 'instructions') ?? null,
      max_output_tokens: wholeNumber(body, 'max_output_tokens', 1),
      max_tool_calls: wholeNumber(body, 'max_tool_calls', 1),
      model: model ?? '',
      parallel_tool_calls: flag(body, 'parallel_tool_calls') ?? true,
      previous_response_id: previousId,
      prompt_cache_key: optionalString(body, 'prompt_cache_key') ?? null,
      reasoning: body['reasoning'] ?? { effort: null, summary: null },
      safety_identifier: optionalString(body, 'safety_identifier') ?? null,
      service_tier: optionalString(body, 'service_tier') ?? 'default',
      store: stored,
      temperature: optionalNumber(body, 'temperature') ?? 1,
      text: body['text'] ?? { format: { type: 'text' }, verbosity: 'medium' },
      tool_choice: body['tool_choice'] ?? 'auto',
      tools: responseTools(body['tools']),
      top_logprobs: wholeNumber(body, 'top_logprobs', 0) ?? 0,
      top_p: optionalNumber(body, 'top_p') ?? 1,
      truncation: optionalString(body, 'truncation') ?? 'disabled',
      user: optionalString(body, 'user') ?? null,
      metadata: optionalMetadata(body) ?? {},
      ...(body['agent'] === undefined ? {} : { agent: body['agent'] }),
      ...(body['agent_reference'] === undefined ? {} : { agent_reference: body['agent_reference'] }),
    }),
    createdMs,
    streamed,
    input,
    log: streamed ? [] : undefined,
    sequence: 0,
    toolResults: answers.length === 0 ? [] : [...(answering?.toolResults ?? []), ...answers],
    turn: answers.length === 0 ? 0 : (answering?.turn ?? 0) + 1,
    tokens: { input: 0, output: 0 },
  };
  return { record, conversation };
}

/** `conversation` as `"conv_…"` or `{ id }`. */
function conversationIdOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  const id = typeof value === 'object' && !Array.isArray(value) ? (value as { id?: unknown }).id : undefined;
  if (typeof id !== 'string')
    throw badRequest(
      "Invalid type for 'conversation': expected a conversation id or an object with its 'id'.",
      'conversation',
      'invalid_type',
    );
  return id;
}

function previousOf({ store }: ResponsesApp, id: string): ResponseRecord {
  const previous = store.responses.get(id);
  if (!previous?.response.store)
    throw new ApiError(400, `Previous response with id '${id}' not found.`, {
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
  if (isActiveResponse(previous))
    throw badRequest(
      `Previous response with id '${id}' is still ${previous.response.status}: wait for it to end (or cancel it) before continuing it.`,
      'previous_response_id',
    );
  return previous;
}

/** The newest stored response of a conversation: the one whose calls a new response may answer. */
function lastResponseOf({ store }: ResponsesApp, conversation: ConversationRecord | undefined) {
  const id = conversation?.lastResponseId;
  return id === undefined ? undefined : store.responses.get(id);
}

/**
 * The calls the input's `function_call_output` items answer, with the call each answers (made
 * before, or in the input itself). Throws the service's 400 for an output that answers no call
 * and for a call made before that is still unanswered.
 */
function answeredCalls(before: readonly StoredItem[], input: readonly StoredItem[]): BrainToolResult[] {
  const calls = new Map<string, StoredItem>();
  const answered = new Set<string>();
  for (const item of [...before, ...input])
    if (item.type === 'function_call') calls.set(String(item['call_id']), item);
  for (const item of before) if (item.type === 'function_call_output') answered.add(String(item['call_id']));
  const results: BrainToolResult[] = [];
  for (const item of input) {
    if (item.type !== 'function_call_output') continue;
    const callId = String(item['call_id']);
    const call = calls.get(callId);
    if (!call)
      throw badRequest(`No tool call found for function call output with call_id ${callId}.`, 'input');
    answered.add(callId);
    const output = item['output'];
    results.push({
      id: callId,
      name: String(call['name']),
      arguments: String(call['arguments']),
      output: typeof output === 'string' ? output : JSON.stringify(output),
    });
  }
  for (const item of before)
    if (item.type === 'function_call' && !answered.has(String(item['call_id'])))
      throw badRequest(`No tool output found for function call ${String(item['call_id'])}.`, 'input');
  return results;
}
