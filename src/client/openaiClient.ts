import { from, type Observable } from 'rxjs';
import { checkByteLimit } from '../core/limits';
import { AssistantsApiError } from '../errors/AssistantsApiError';
import { UnexpectedRedirectError } from '../errors/UnexpectedRedirectError';
import type { RunEvent } from '../events/RunEvent';
import type { ResponseEvent } from '../responses/ResponseEvent';
import type { AssistantsClient } from './AssistantsClient';
import { abortable } from './abortable';
import { clientFromTransport } from './clientFromTransport';
import {
  type AnswerLike,
  DEFAULT_MAX_BODY_BYTES,
  errorFields,
  headerRecord,
  readJson,
  requestIdOf,
} from './httpAnswer';
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

/** The options this library passes to the SDK's generic request methods. */
export interface OpenAIRequestOptionsLike {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** `null` removes a header the SDK would send by default (every major reads it so). */
  headers?: Record<string, string | null>;
  signal?: AbortSignal;
  /** Set to 0 where this library retries itself (creates, cancel). */
  maxRetries?: number;
  /** The cancel endpoint's deadline, in ms. */
  timeout?: number;
  /** Passed by SDK v5 and later to `fetch`: `redirect: 'manual'`, so no redirect is followed. */
  fetchOptions?: { redirect?: 'manual' };
}

/** What the SDK's request methods return (its `APIPromise`): only the raw answer is used. */
export interface OpenAIPromiseLike {
  /** The raw `Response` once the SDK has it (after its own retries); rejects with the SDK's errors. */
  asResponse(): PromiseLike<unknown>;
}

/**
 * The part of an `openai` SDK instance (v4 and later, `OpenAI` or `AzureOpenAI`) that
 * {@link openaiClient} uses: the generic request methods, which kept their shape across majors.
 */
export interface OpenAILike {
  get(path: string, options?: OpenAIRequestOptionsLike): OpenAIPromiseLike;
  post(path: string, options?: OpenAIRequestOptionsLike): OpenAIPromiseLike;
  delete(path: string, options?: OpenAIRequestOptionsLike): OpenAIPromiseLike;
  /** Used only to name the URL in errors. */
  readonly baseURL?: string;
  /** The SDK's retries, used as the count of the retries this library does itself (creates). */
  readonly maxRetries?: number;
}

/** Options of {@link openaiClient}. */
export interface OpenAIClientOptions {
  /**
   * Largest single SSE event accepted from a stream; a bigger one errors with `StreamParseError`.
   * @default 16 MiB
   */
  maxEventBytes?: number | undefined;
  /**
   * Largest success answer body read, in bytes; a longer one is cancelled and errors with
   * `InvalidResponseError`. (Error answers are read by the SDK itself, without a limit.)
   * @default 32 MiB
   */
  maxBodyBytes?: number | undefined;
}

/**
 * An {@link AssistantsClient} on an instance of the official `openai` SDK, so the SDK's auth, base
 * URL, Azure support, timeouts and retries apply. Uses only the SDK's generic `get` / `post` /
 * `delete`, which work the same from v4 on, for the Assistants, Responses and Conversations
 * endpoints alike (so v4, whose own resources predate parts of the Responses API, serves them
 * too). Streams are read from the SDK's raw answer, never through the SDK's `Stream`: both
 * families are parsed and checked as {@link fetchClient} does (a Responses stream's GET form
 * carries `stream=true&starting_after=N` in its query).
 *
 * Each subscription sends its own request; unsubscribing aborts it. Assistants requests send
 * `OpenAI-Beta: assistants=v2`, the Responses family none (an `OpenAI-Beta` in the SDK's
 * `defaultHeaders` is the SDK's and still sent). The SDK's errors become this library's: an HTTP
 * error status is an `AssistantsApiError`, a connection failure an `AssistantsConnectionError`, a
 * redirect an `UnexpectedRedirectError`. Every success answer is read up to `maxBodyBytes` and
 * checked for the fields the library relies on, like {@link fetchClient}'s.
 *
 * Retries are the SDK's, except for two kinds of request this library retries itself (the SDK
 * gets `maxRetries: 0` for them): a create (of an assistant, thread, message or run) is retried
 * only on 429, 503 or `x-should-retry: true` or when it failed to connect, up to the SDK's
 * `maxRetries`, else it is a `RequestOutcomeUnknownError`; a cancel is retried at most once and
 * aborted after `CANCEL_DEADLINE_MS` with `RequestTimeoutError`.
 *
 * Limits that come from the SDK: redirects are refused by passing `fetchOptions: { redirect:
 * 'manual' }`, which SDK v5 and later hand to `fetch`; SDK v4 does not, and its fetch follows
 * redirects (with your `api-key` header to any origin), so with v4 set `baseURL` to the final
 * URL. The SDK reads the body of an error answer itself, without a size limit.
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { openaiClient } from 'rxjs-assistants';
 *
 * const client = openaiClient(new OpenAI());
 * client.runs.retrieve('thread_abc', 'run_abc').subscribe((run) => console.log(run.status));
 * ```
 *
 * @throws {TypeError} at once, when `openai` lacks the generic request methods or an option is invalid.
 */
export function openaiClient(openai: OpenAILike, options: OpenAIClientOptions = {}): AssistantsClient {
  for (const method of ['get', 'post', 'delete'] as const) {
    if (typeof (openai as Partial<OpenAILike> | null | undefined)?.[method] !== 'function') {
      throw new TypeError(
        `openaiClient(openai) expects an instance of the openai SDK (new OpenAI() or new AzureOpenAI()); its ${method}() method is missing.`,
      );
    }
  }
  const { maxEventBytes = DEFAULT_MAX_EVENT_BYTES, maxBodyBytes = DEFAULT_MAX_BODY_BYTES } = options;
  checkByteLimit('openaiClient: maxEventBytes', maxEventBytes);
  checkByteLimit('openaiClient: maxBodyBytes', maxBodyBytes);
  const base = typeof openai.baseURL === 'string' ? openai.baseURL.replace(/\/+$/, '') : '';
  const sdkRetries =
    typeof openai.maxRetries === 'number' && Number.isSafeInteger(openai.maxRetries) && openai.maxRetries >= 0
      ? openai.maxRetries
      : 2;
  /** Requests this library retries itself, because the SDK's retries do not fit them. */
  const retriesHere = (request: ApiRequest) => request.creates === true || request.policy !== undefined;

  const send = (
    request: ApiRequest,
    url: string,
    stream: boolean,
    signal: AbortSignal,
  ): Promise<ResponseLike> => {
    const { method, path, policy, body } = request;
    const query = definedQuery(request.query);
    const sdkOptions: OpenAIRequestOptionsLike = {
      headers: {
        ...(request.family !== 'responses' && { 'OpenAI-Beta': 'assistants=v2' }),
        ...(stream && { Accept: 'text/event-stream' }),
        // SDK v4 sends a JSON Content-Type on every request; a request without a body has none.
        ...(body === undefined && { 'Content-Type': null }),
      },
      signal,
      // Merged by the SDK over the client's own fetchOptions (a dispatcher, say), not instead.
      fetchOptions: { redirect: 'manual' },
      ...(retriesHere(request) && { maxRetries: 0 }),
      ...(policy && { timeout: policy.deadlineMs }),
      ...(query && { query }),
      // The SDK keys the JSON content type on the presence of `body`, so GET and DELETE leave it out.
      ...(body !== undefined && { body }),
    };
    const verb = method === 'GET' ? 'get' : method === 'POST' ? 'post' : 'delete';
    return new Promise<unknown>((resolve) => resolve(openai[verb](path, sdkOptions).asResponse())).then(
      (response) => response as ResponseLike,
      (error: unknown) => {
        throw fromSdkError(error, request, url, openai);
      },
    );
  };

  /** The request with this library's own retries and deadline, where it has them. */
  const bounded = <T>(
    request: ApiRequest,
    url: string,
    stream: boolean,
    then: (answer: ResponseLike, signal: AbortSignal) => Observable<T>,
  ) =>
    withDeadline(
      abortable(
        (signal) => send(request, url, stream, signal),
        then,
        retriesHere(request) ? retryRequest<ResponseLike>(sdkRetries, request) : undefined,
      ),
      request,
      url,
    );

  const transport: Transport = {
    request<T>(request: ApiRequest): Observable<ApiResponse<T>> {
      const url = `${base}${request.path}`;
      const { method, shape } = request;
      return bounded(request, url, false, (response, signal) =>
        from(readJson<T>(method, response.url || url, response, { maxBodyBytes, shape, signal })),
      );
    },
    stream(request: ApiRequest): Observable<RunEvent | ResponseEvent> {
      const url = `${base}${request.path}`;
      return bounded(streamRequest(request), url, true, (response, signal) =>
        streamAnswer(request, response.url || url, response, { maxBodyBytes, maxEventBytes }, signal),
      );
    },
  };
  return clientFromTransport(transport);
}

/** The parts of the SDK's raw answer that are read (a fetch `Response`, or node-fetch's in SDK v4 on Node). */
interface ResponseLike extends AnswerLike {
  url: string;
}

function definedQuery(query: ApiRequest['query']): Record<string, QueryValue> | undefined {
  if (query === undefined) return undefined;
  const entries = Object.entries(query).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

interface SdkErrorLike {
  status?: unknown;
  error?: unknown;
  headers?: unknown;
  message?: unknown;
  code?: unknown;
  type?: unknown;
  param?: unknown;
  requestID?: unknown;
  request_id?: unknown;
  cause?: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Maps the SDK's error classes (matched by shape, since the SDK is not imported) to this library's. */
function fromSdkError(error: unknown, request: ApiRequest, url: string, openai: OpenAILike): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { method } = request;
  const sdk = error as SdkErrorLike;
  if (typeof sdk.status === 'number') {
    const headers = headerRecord(sdk.headers);
    if (sdk.status >= 300 && sdk.status < 400) {
      return new UnexpectedRedirectError({ status: sdk.status, method, url, location: headers['location'] });
    }
    const fields = errorFields({ error: sdk.error });
    // Without a JSON error body the SDK's message is "<status> <text of the body>".
    const message = fields.message ?? text(sdk.message)?.replace(/^\d{3} /, '');
    return new AssistantsApiError({
      status: sdk.status,
      method,
      url,
      message,
      code:
        fields.code !== undefined ? fields.code : (text(sdk.code) ?? (sdk.code === null ? null : undefined)),
      type: fields.type ?? text(sdk.type),
      param: fields.param !== undefined ? fields.param : (text(sdk.param) ?? null),
      requestId: text(sdk.requestID) ?? text(sdk.request_id) ?? requestIdOf(headers),
      headers,
      body: sdk.error === undefined ? undefined : { error: sdk.error },
    });
  }
  if (isConnectionError(error, openai)) {
    return connectionFailure(request, method, url, sdk.cause instanceof Error ? sdk.cause : error);
  }
  return error;
}

function isConnectionError(error: object, openai: OpenAILike): boolean {
  // The SDK exposes its classes as statics of the client class (OpenAI.APIConnectionError).
  const sdkClass = (openai.constructor as { APIConnectionError?: unknown } | undefined)?.APIConnectionError;
  if (typeof sdkClass === 'function' && error instanceof sdkClass) return true;
  return /^APIConnection(Timeout)?Error$/.test(error.constructor?.name ?? '');
}
