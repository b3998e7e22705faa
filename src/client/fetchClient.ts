import { from, type Observable, throwError } from 'rxjs';
import { AssistantsConnectionError } from '../errors/AssistantsConnectionError';
import { StreamDisconnectedError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import type { AssistantsClient } from './AssistantsClient';
import { abortable } from './abortable';
import { clientFromTransport } from './clientFromTransport';
import { apiErrorFromText, headerRecord, readJson } from './httpAnswer';
import { DEFAULT_MAX_EVENT_BYTES, parseEventStream } from './parseEventStream';
import { retryRequest } from './retryRequest';
import type { ApiRequest, ApiResponse, QueryValue, Transport } from './Transport';

/** A `fetch` function: the global one, or any compatible implementation (undici, ofetch's, a test fake). */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** Options of {@link fetchClient}. */
export interface FetchClientOptions {
  /**
   * Sent as `Authorization: Bearer <apiKey>`; no such header when absent.
   * @default process.env.OPENAI_API_KEY (where `process` exists)
   */
  apiKey?: string | undefined;
  /**
   * Base URL of the API; endpoint paths are appended to it (a trailing slash is fine).
   * @default process.env.OPENAI_BASE_URL (where `process` exists), else 'https://api.openai.com/v1'
   */
  baseURL?: string | undefined;
  /**
   * Headers sent with every request, merged last over the defaults (names are case-insensitive);
   * `null` removes a default, e.g. `{ Authorization: null, 'api-key': key }` for Azure.
   * @default {}
   */
  headers?: Record<string, string | null | undefined> | undefined;
  /**
   * Query parameters added to every URL, e.g. `{ 'api-version': '2025-05-01' }` for Azure.
   * @default {}
   */
  query?: Record<string, QueryValue> | undefined;
  /**
   * The `fetch` to use.
   * @default globalThis.fetch, looked up at each request
   */
  fetch?: FetchFunction | undefined;
  /**
   * Retries of a request that failed before any answer or with 408, 409, 429 or 5xx, with
   * exponential backoff and jitter, honouring `retry-after-ms` / `retry-after`. A stream is never
   * retried once its first byte arrived.
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * Largest single SSE event accepted from a stream; a bigger one errors with `StreamParseError`.
   * @default 16 MiB
   */
  maxEventBytes?: number | undefined;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * An {@link AssistantsClient} on `fetch`: the Assistants v2 endpoints as cold Observables, for
 * OpenAI, Azure (pass its `baseURL`, `query: { 'api-version' }` and `headers: { 'api-key' }`) and
 * any Assistants-compatible server. Runs in browsers, edge runtimes and Node.
 *
 * Each subscription sends its own request with its own `AbortController`; unsubscribing aborts it.
 * Requests send `OpenAI-Beta: assistants=v2`; your `headers` are merged last (`null` removes one).
 *
 * @example
 * ```ts
 * import { fetchClient } from 'rxjs-assistants';
 *
 * const client = fetchClient({ apiKey: process.env.OPENAI_API_KEY });
 * client.runs.retrieve('thread_abc', 'run_abc').subscribe((run) => console.log(run.status));
 * ```
 *
 * @throws {TypeError} at once, when an option is invalid (the message says how to fix it).
 * Requests error with `AssistantsApiError` (HTTP error status), `AssistantsConnectionError` (no
 * answer), `InvalidResponseError` (a success answer that is not JSON); streams also with
 * `RunStreamError`, `StreamParseError` and `StreamDisconnectedError`.
 */
export function fetchClient(options: FetchClientOptions = {}): AssistantsClient {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('fetchClient(options) expects an options object, e.g. fetchClient({ apiKey }).');
  }
  const env = processEnv();
  const {
    apiKey = env?.['OPENAI_API_KEY'] || undefined,
    baseURL = env?.['OPENAI_BASE_URL'] || DEFAULT_BASE_URL,
    headers = {},
    query = {},
    fetch: givenFetch,
    maxRetries = 2,
    maxEventBytes = DEFAULT_MAX_EVENT_BYTES,
  } = options;
  validate({ apiKey, baseURL, headers, query, fetch: givenFetch, maxRetries, maxEventBytes });

  const base = new URL(baseURL);
  const prefix = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const baseQuery = base.search.slice(1);
  // Copied once, so later changes to the caller's objects never leak into requests.
  const clientQuery = { ...query };
  const clientHeaders = { ...headers };

  const urlOf = (request: ApiRequest): string => {
    const search = [baseQuery, encodeQuery({ ...clientQuery, ...request.query })].filter(Boolean).join('&');
    return `${prefix}${request.path}${search ? `?${search}` : ''}`;
  };

  const headersOf = (hasBody: boolean, stream: boolean): Record<string, string> => {
    const merged = new Headers();
    if (apiKey) merged.set('Authorization', `Bearer ${apiKey}`);
    merged.set('OpenAI-Beta', 'assistants=v2');
    merged.set('Accept', stream ? 'text/event-stream' : 'application/json');
    if (hasBody) merged.set('Content-Type', 'application/json');
    for (const [name, value] of Object.entries(clientHeaders)) {
      if (value === null || value === undefined) merged.delete(name);
      else merged.set(name, value);
    }
    return headerRecord(merged);
  };

  /** Sends one attempt; resolves with a 2xx response, rejects with a typed error otherwise. */
  const send = async (request: ApiRequest, stream: boolean, signal: AbortSignal) => {
    const url = urlOf(request);
    const { method } = request;
    const body = stream ? { ...(request.body as object | undefined), stream: true } : request.body;
    const hasBody = body !== undefined;
    const doFetch = givenFetch ?? (globalThis.fetch as FetchFunction | undefined);
    if (typeof doFetch !== 'function') {
      throw new TypeError('No fetch function available: pass one as fetchClient({ fetch }).');
    }
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers: headersOf(hasBody, stream),
        ...(hasBody ? { body: JSON.stringify(body) } : {}),
        signal,
      });
    } catch (error) {
      throw new AssistantsConnectionError(method, url, error);
    }
    if (!response.ok) {
      const answerHeaders = headerRecord(response.headers);
      const text = await response.text().catch(() => '');
      throw apiErrorFromText(method, url, response.status, answerHeaders, text);
    }
    return { url, response };
  };

  const transport: Transport = {
    request<T>(request: ApiRequest): Observable<ApiResponse<T>> {
      return abortable(
        (signal) => send(request, false, signal),
        ({ url, response }) => from(readJson<T>(request.method, url, response)),
        retryRequest(maxRetries),
      );
    },
    stream(request: ApiRequest): Observable<RunEvent> {
      return abortable(
        (signal) => send(request, true, signal),
        ({ response }) =>
          response.body
            ? parseEventStream(response.body, { maxEventBytes })
            : throwError(
                () =>
                  new StreamDisconnectedError('The event stream answer had no body (0 bytes received).', 0),
              ),
        retryRequest(maxRetries),
      );
    },
  };
  return clientFromTransport(transport);
}

/** `name=value` pairs; arrays become repeated `name[]=value` (OpenAI's `include[]`). */
function encodeQuery(query: Record<string, QueryValue>): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) pairs.push(`${encodeURIComponent(name)}[]=${encodeURIComponent(item)}`);
    } else {
      pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
    }
  }
  return pairs.join('&');
}

/** `process.env` where it exists (Node, Bun, Deno's compat); `undefined` in browsers and edge runtimes. */
function processEnv(): Record<string, string | undefined> | undefined {
  const holder = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return typeof holder.process?.env === 'object' ? holder.process.env : undefined;
}

function validate(options: {
  apiKey: unknown;
  baseURL: unknown;
  headers: unknown;
  query: unknown;
  fetch: unknown;
  maxRetries: unknown;
  maxEventBytes: unknown;
}): void {
  const { apiKey, baseURL, headers, query, fetch, maxRetries, maxEventBytes } = options;
  if (apiKey !== undefined && typeof apiKey !== 'string') {
    throw new TypeError(`fetchClient: apiKey must be a string, got ${typeof apiKey}.`);
  }
  let url: URL | undefined;
  try {
    url = typeof baseURL === 'string' ? new URL(baseURL) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(
      `fetchClient: baseURL must be an absolute http(s) URL such as 'https://api.openai.com/v1', got ${JSON.stringify(baseURL)}.`,
    );
  }
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new TypeError(
      "fetchClient: headers must be an object of header names to values, e.g. { 'api-key': key }.",
    );
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value !== null && value !== undefined && typeof value !== 'string') {
      throw new TypeError(
        `fetchClient: header ${JSON.stringify(name)} must be a string (or null to remove it).`,
      );
    }
  }
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    throw new TypeError("fetchClient: query must be an object, e.g. { 'api-version': '2025-05-01' }.");
  }
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new TypeError('fetchClient: fetch must be a function with the signature of the global fetch.');
  }
  if (typeof maxRetries !== 'number' || !Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new TypeError(
      `fetchClient: maxRetries must be a whole number ≥ 0 (0 turns retries off), got ${maxRetries}.`,
    );
  }
  if (typeof maxEventBytes !== 'number' || !Number.isSafeInteger(maxEventBytes) || maxEventBytes <= 0) {
    throw new TypeError(
      `fetchClient: maxEventBytes must be a positive whole number of bytes, got ${maxEventBytes}.`,
    );
  }
}
