import type { ResponseCreateParams } from '../params';
import type { FunctionCallOutput, ResponseObject } from '../types';

/** What a continuation carries over from the finished response: the API inherits none of it. */
const CARRIED = [
  'model',
  'instructions',
  'tools',
  'tool_choice',
  'text',
  'reasoning',
  'metadata',
  'background',
  'store',
] as const;

/** `true` for a value worth sending again: not null, and not an object of nothing but nulls. */
function isSet(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== 'object' || Array.isArray(value)) return true;
  return Object.values(value).some((field) => field !== null && field !== undefined);
}

/**
 * The body of the response that continues `response` with the outputs of its function calls:
 * chained by its conversation when it has one (the server keeps the history there), else by
 * `previous_response_id`; the finished response's settings sent again as it echoed them. Internal.
 */
export function continuationParams(
  response: ResponseObject,
  outputs: readonly FunctionCallOutput[],
): ResponseCreateParams {
  const params: ResponseCreateParams = { input: [...outputs] };
  for (const key of CARRIED) {
    const value = response[key];
    if (isSet(value)) (params as Record<string, unknown>)[key] = value;
  }
  const conversation = response.conversation?.id;
  if (typeof conversation === 'string' && conversation !== '') params.conversation = conversation;
  else params.previous_response_id = response.id;
  // A background response must be stored; a server that echoed neither gets the library's default.
  if (params.background === true && params.store === false) delete params.store;
  return params;
}
