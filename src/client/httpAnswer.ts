import { AssistantsApiError } from '../errors/AssistantsApiError';
import { reasonOf } from '../errors/AssistantsError';
import { InvalidResponseError } from './InvalidResponseError';
import type { ApiResponse } from './Transport';

/**
 * Helpers shared by the HTTP clients to read the facts of an answer. Internal.
 */

/** Header names and values of a fetch `Headers` or a plain record, names lower-cased. */
export function headerRecord(headers: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return record;
  const entries = (headers as { entries?: unknown }).entries;
  const list: Iterable<[string, unknown]> =
    typeof entries === 'function'
      ? (entries.call(headers) as Iterable<[string, unknown]>)
      : Object.entries(headers as Record<string, unknown>);
  for (const [name, value] of list) {
    if (value !== undefined && value !== null) record[name.toLowerCase()] = String(value);
  }
  return record;
}

/** OpenAI's `x-request-id`, else Azure's `apim-request-id` / `x-ms-request-id`. */
export function requestIdOf(headers: Record<string, string>): string | undefined {
  return headers['x-request-id'] ?? headers['apim-request-id'] ?? headers['x-ms-request-id'];
}

/** The fields of OpenAI's `{ error: { message, type, param, code } }`, tolerating other shapes. */
export interface ErrorFields {
  message?: string | undefined;
  code?: string | null | undefined;
  type?: string | undefined;
  param?: string | null | undefined;
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** Reads the error object of an answer body (`{ error: {...} }`, `{ error: "..." }` or `{ message }`). */
export function errorFields(body: unknown): ErrorFields {
  const outer = asObject(body);
  if (outer === undefined) return {};
  const inner = asObject(outer['error']);
  if (inner === undefined) {
    return { message: asText(outer['error']) ?? asText(outer['message']) };
  }
  return {
    message: typeof inner['message'] === 'string' ? inner['message'] : undefined,
    code: inner['code'] === null ? null : asText(inner['code']),
    type: asText(inner['type']),
    param: inner['param'] === null ? null : asText(inner['param']),
  };
}

/** Builds the {@link AssistantsApiError} of an error answer from its status, headers and body text. */
export function apiErrorFromText(
  method: string,
  url: string,
  status: number,
  headers: Record<string, string>,
  text: string,
): AssistantsApiError {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // A proxy's HTML page or plain text: keep it as the body and quote its start as the message.
  }
  const fields = errorFields(body);
  const trimmed = text.trim();
  const message =
    fields.message ??
    (typeof body === 'string' && trimmed !== ''
      ? trimmed.length > 500
        ? `${trimmed.slice(0, 500)}…`
        : trimmed
      : undefined);
  return new AssistantsApiError({
    status,
    method,
    url,
    message,
    code: fields.code,
    type: fields.type,
    param: fields.param,
    requestId: requestIdOf(headers),
    headers,
    body,
  });
}

/** Reads a 2xx answer as JSON; a body that is not JSON is an {@link InvalidResponseError}. */
export async function readJson<T>(
  method: string,
  url: string,
  response: Pick<Response, 'status' | 'headers' | 'text'>,
): Promise<ApiResponse<T>> {
  const headers = headerRecord(response.headers);
  const facts = { status: response.status, method, url, requestId: requestIdOf(headers) };
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    const reason = reasonOf(error);
    throw new InvalidResponseError({
      ...facts,
      reason: `the body could not be read: ${reason}`,
      cause: error,
    });
  }
  // 204 No Content (a self-hosted server's delete, say) is the one success without a body.
  if (response.status === 204 && text.trim() === '') return { data: null as T, headers };
  try {
    return { data: JSON.parse(text) as T, headers };
  } catch (error) {
    const reason = text.trim() === '' ? 'empty body' : `invalid JSON: ${(error as Error).message}`;
    throw new InvalidResponseError({ ...facts, reason, raw: text, cause: error });
  }
}
