import { defer, from, type Observable } from 'rxjs';
import { checkByteLimit } from '../core/limits';
import type { RunEvent } from '../events/RunEvent';
import type { ResponseEvent } from '../responses/ResponseEvent';
import type { AssistantsClient } from './AssistantsClient';
import { abortable } from './abortable';
import { clientFromTransport } from './clientFromTransport';
import { DEFAULT_MAX_BODY_BYTES, headerRecord, readApiError, readJson, redirectOf } from './httpAnswer';
import { DEFAULT_MAX_EVENT_BYTES } from './parseEventStream';
import { connectionFailure, retryRequest, withDeadline } from './retryRequest';
import { streamAnswer } from './streamAnswer';
import {
  type ApiRequest,
  type ApiResponse,
  type QueryValue,
  streamRequest,
  type Transport,
} from './Transport';

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
   * exponential backoff and jitter, honouring `retry-after-ms` / `retry-after` (a number of seconds
   * or an HTTP-date, up to 60 s; anything else gets the default backoff). A stream is never
   * retried once its first byte arrived. A create (of an assistant, thread, message or run) is
   * retried only on 429, 503 or `x-should-retry: true`, or when it failed to connect; a cancel at
   * most once, within `CANCEL_DEADLINE_MS`.
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * Largest single SSE event accepted from a stream; a bigger one errors with `StreamParseError`.
   * @default 16 MiB
   */
  maxEventBytes?: number | undefined;
  /**
   * Largest answer body read, in bytes; a longer one is cancelled and errors with
   * `InvalidResponseError`. Error answers are read up to 64 KiB and keep what was read. (A
   * stream is bounded per event, by `maxEventBytes`.)
   * @default 32 MiB
   */
  maxBodyBytes?: number | undefined;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * An {@link AssistantsClient} on `fetch`: the Assistants v2, Responses and Conversations endpoints
 * as cold Observables, for OpenAI, Azure (pass its `baseURL`, `query: { 'api-version' }` and
 * `headers: { 'api-key' }`; for Azure AI Foundry agents, the project's `…/openai/v1` as `baseURL`
 * and the agent reference in the params) and any compatible server. Runs in browsers, edge
 * runtimes and Node.
 *
 * Each subscription sends its own request with its own `AbortController`; unsubscribing aborts it.
 * Assistants requests send `OpenAI-Beta: assistants=v2` (the Responses family none); your
 * `headers` are merged last (`null` removes one). A stream is a POST with `stream: true` in its
 * body, or a GET with `stream=true` in its query (`responses.retrieveStream`).
 * Redirects are never followed (they could carry your credentials to another origin), every
 * answer's body is read up to a limit, and every answer is checked for the fields the library
 * relies on before anything above sees it.
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
 * Requests error with `AssistantsApiError` (HTTP error status, or a success whose body is an API
 * error), `AssistantsConnectionError` (no answer), `RequestOutcomeUnknownError` (a create that
 * failed after it may have reached the server), `UnexpectedRedirectError` (a 3xx answer),
 * `InvalidResponseError` (a success answer that is not JSON, too long or not the endpoint's shape),
 * `RequestTimeoutError` (a cancel past `CANCEL_DEADLINE_MS`); streams also with `RunStreamError`,
 * `StreamParseError` and `StreamDisconnectedError`.
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
    maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
  } = options;
  validate({ apiKey, baseURL, headers, query, fetch: givenFetch, maxRetries });
  checkByteLimit('fetchClient: maxEventBytes', maxEventBytes);
  checkByteLimit('fetchClient: maxBodyBytes', maxBodyBytes);

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

  const headersOf = (request: ApiRequest, hasBody: boolean, stream: boolean): Record<string, string> => {
    const merged = new Headers();
    if (apiKey) merged.set('Authorization', `Bearer ${apiKey}`);
    if (request.family !== 'responses') merged.set('OpenAI-Beta', 'assistants=v2');
    merged.set('Accept', stream ? 'text/event-stream' : 'application/json');
    if (hasBody) merged.set('Content-Type', 'application/json');
    for (const [name, value] of Object.entries(clientHeaders)) {
      if (value === null || value === undefined) merged.delete(name);
      else merged.set(name, value);
    }
    return headerRecord(merged);
  };

  /**
   * Sends one attempt; resolves with a 2xx response, rejects with a typed error otherwise. Never
   * follows a redirect: fetch would send the credential headers to wherever it points.
   */
  const send = async (request: ApiRequest, url: string, stream: boolean, signal: AbortSignal) => {
    const { method, body } = request;
    const hasBody = body !== undefined;
    const doFetch = givenFetch ?? (globalThis.fetch as FetchFunction | undefined);
    if (typeof doFetch !== 'function') {
      throw new TypeError('No fetch function available: pass one as fetchClient({ fetch }).');
    }
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers: headersOf(request, hasBody, stream),
        ...(hasBody ? { body: JSON.stringify(body) } : {}),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      throw connectionFailure(request, method, url, error);
    }
    const redirect = redirectOf(method, url, response);
    if (redirect !== undefined) {
      response.body?.cancel().catch(() => {});
      throw redirect;
    }
    if (!response.ok) throw await readApiError(method, url, response, signal);
    return response;
  };

  /**
   * One request as a cold Observable: its URL built at subscription (so a query value that cannot
   * be encoded errors the Observable), its retries and its deadline applied, `then` reading the
   * answer. The per-event path of a stream runs inside `then`, with no operator in between.
   */
  const exchange = <T>(
    request: ApiRequest,
    stream: boolean,
    then: (response: Response, url: string, signal: AbortSignal) => Observable<T>,
  ): Observable<T> =>
    defer(() => {
      const url = urlOf(request);
      return withDeadline(
        abortable(
          (signal) => send(request, url, stream, signal),
          (response, signal) => then(response, url, signal),
          retryRequest(maxRetries, request),
        ),
        request,
        url,
      );
    });

  const transport: Transport = {
    request<T>(request: ApiRequest): Observable<ApiResponse<T>> {
      const { method, shape } = request;
      return exchange(request, false, (response, url, signal) =>
        from(readJson<T>(method, url, response, { maxBodyBytes, shape, signal })),
      );
    },
    stream(request: ApiRequest): Observable<RunEvent | ResponseEvent> {
      return exchange(streamRequest(request), true, (response, url, signal) =>
        streamAnswer(request, url, response, { maxBodyBytes, maxEventBytes }, signal),
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
}): void {
  const { apiKey, baseURL, headers, query, fetch, maxRetries } = options;
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
}
