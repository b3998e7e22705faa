import { AssistantsApiError } from '../errors/AssistantsApiError';
import { reasonOf } from '../errors/AssistantsError';
import { UnexpectedRedirectError } from '../errors/UnexpectedRedirectError';
import type { ShapeCheck } from '../events/shapes';
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

/** 32 MiB: the default largest answer body the clients read (`maxBodyBytes`). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** 64 KiB: how much of an error answer's body is read; the rest is cancelled unread. */
export const ERROR_BODY_BYTES = 64 * 1024;

/** The parts of an answer that are read: a fetch `Response`, or node-fetch's (SDK v4 on Node). */
export interface AnswerLike {
  status: number;
  headers: unknown;
  /** A web `ReadableStream`, a Node stream (any async iterable of bytes), or `null` for none. */
  body: unknown;
  /** Used only when there is no `body` at all (not a fetch `Response`). */
  text?: (() => Promise<string>) | undefined;
  type?: string | undefined;
}

/** A web `ReadableStream` of the body: as is, or adapted from a Node stream (SDK v4 with node-fetch). */
export function webStream(body: unknown): ReadableStream<Uint8Array> | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  if (typeof (body as ReadableStream).getReader === 'function') return body as ReadableStream<Uint8Array>;
  if (!(Symbol.asyncIterator in body)) return undefined;
  const iterator = (body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}

/** Text of a body read up to a byte limit. */
export interface BoundedText {
  /** The decoded text of at most `limit` bytes. */
  text: string;
  /** `true` when the body was longer: the rest was cancelled unread. */
  cut: boolean;
}

/**
 * Reads at most `limit` bytes of an answer's body, counting bytes as they come, and cancels the
 * rest: a server that sends an endless body costs at most `limit` bytes of memory. `signal`
 * aborting cancels the read. Rejects when the body breaks.
 */
export async function readBounded(
  answer: AnswerLike,
  limit: number,
  signal?: AbortSignal,
): Promise<BoundedText> {
  const stream = webStream(answer.body);
  if (stream === undefined) {
    // Not a fetch Response (which always has `body`, `null` when empty): all we can do is ask.
    const text = answer.body === undefined && typeof answer.text === 'function' ? await answer.text() : '';
    return text.length > limit ? { text: text.slice(0, limit), cut: true } : { text, cut: false };
  }
  const reader = stream.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  signal?.addEventListener('abort', cancel, { once: true });
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), cut: false };
      if (received + value.byteLength > limit) {
        text += decoder.decode(value.subarray(0, limit - received));
        cancel();
        return { text, cut: true };
      }
      received += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

/** The {@link UnexpectedRedirectError} of a redirect answer (3xx, or a browser's opaque redirect), else `undefined`. */
export function redirectOf(
  method: string,
  url: string,
  answer: AnswerLike,
): UnexpectedRedirectError | undefined {
  const { status } = answer;
  const opaque = answer.type === 'opaqueredirect' || status === 0;
  if (!opaque && !(status >= 300 && status < 400)) return undefined;
  return new UnexpectedRedirectError({
    status: opaque ? 0 : status,
    method,
    url,
    location: headerRecord(answer.headers)['location'],
  });
}

/**
 * The {@link AssistantsApiError} of an error answer, from at most {@link ERROR_BODY_BYTES} of its
 * body (a body cut there is kept as it is, as the error's body and message).
 */
export async function readApiError(
  method: string,
  url: string,
  answer: AnswerLike,
  signal?: AbortSignal,
): Promise<AssistantsApiError> {
  const { text } = await readBounded(answer, ERROR_BODY_BYTES, signal).catch(() => ({ text: '' }));
  return apiErrorFromText(method, url, answer.status, headerRecord(answer.headers), text);
}

/** How {@link readJson} reads a body. */
export interface ReadJsonOptions {
  /** Largest body accepted, in bytes. */
  maxBodyBytes: number;
  /** The check of the endpoint's answer. */
  shape?: ShapeCheck | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Reads a 2xx answer as JSON, at most `maxBodyBytes` of it, and checks it with `shape`. A body that
 * is too long, is not JSON or has the wrong shape is an {@link InvalidResponseError}; a wrong shape
 * that is an API error object (`{ error: { message } }`) is the {@link AssistantsApiError} it holds.
 */
export async function readJson<T>(
  method: string,
  url: string,
  answer: AnswerLike,
  options: ReadJsonOptions,
): Promise<ApiResponse<T>> {
  const { maxBodyBytes, shape, signal } = options;
  const headers = headerRecord(answer.headers);
  const facts = { status: answer.status, method, url, requestId: requestIdOf(headers) };
  let read: BoundedText;
  try {
    read = await readBounded(answer, maxBodyBytes, signal);
  } catch (error) {
    const reason = reasonOf(error);
    throw new InvalidResponseError({
      ...facts,
      reason: `the body could not be read: ${reason}`,
      cause: error,
    });
  }
  const { text } = read;
  if (read.cut) {
    throw new InvalidResponseError({
      ...facts,
      reason: `the body is larger than maxBodyBytes (${maxBodyBytes} bytes); raise the client's maxBodyBytes option if this answer is expected`,
      raw: text,
    });
  }
  let data: unknown;
  // 204 No Content (a self-hosted server's delete, say) is the one success without a body.
  if (answer.status === 204 && text.trim() === '') {
    data = null;
  } else {
    try {
      data = JSON.parse(text);
    } catch (error) {
      const reason = text.trim() === '' ? 'empty body' : `invalid JSON: ${(error as Error).message}`;
      throw new InvalidResponseError({ ...facts, reason, raw: text, cause: error });
    }
  }
  const problem = shape?.(data);
  if (problem !== undefined) throw unusable(method, url, answer.status, headers, text, data, problem);
  return { data: data as T, headers };
}

/** `true` unless the answer names a content type other than `text/event-stream`. */
export function isEventStreamAnswer(answer: AnswerLike): boolean {
  const type = headerRecord(answer.headers)['content-type'];
  if (type === undefined) return true;
  return type.split(';', 1)[0]!.trim().toLowerCase() === 'text/event-stream';
}

/**
 * The error of a success answer to a stream request that is not an event stream (a JSON error
 * object, a proxy's HTML page), read up to `maxBodyBytes`: the {@link AssistantsApiError} the body
 * holds, else an {@link InvalidResponseError} naming the content type. Always rejects.
 */
export async function notAStream(
  method: string,
  url: string,
  answer: AnswerLike,
  maxBodyBytes: number,
  signal?: AbortSignal,
): Promise<never> {
  const headers = headerRecord(answer.headers);
  const { text } = await readBounded(answer, maxBodyBytes, signal).catch(() => ({ text: '' }));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const problem = `expected an event stream (text/event-stream), got ${headers['content-type']}`;
  throw unusable(method, url, answer.status, headers, text, data, problem);
}

/** The error of a success answer whose body is not usable: the API error it holds, else InvalidResponseError. */
function unusable(
  method: string,
  url: string,
  status: number,
  headers: Record<string, string>,
  text: string,
  data: unknown,
  problem: string,
): AssistantsApiError | InvalidResponseError {
  const error = typeof data === 'object' && data !== null ? (data as { error?: unknown }).error : undefined;
  if (typeof error === 'string' || (typeof error === 'object' && error !== null)) {
    return apiErrorFromText(method, url, status, headers, text);
  }
  return new InvalidResponseError({
    status,
    method,
    url,
    reason: `not the answer the endpoint gives: ${problem}`,
    raw: text,
    requestId: requestIdOf(headers),
  });
}
