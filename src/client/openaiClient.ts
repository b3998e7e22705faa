import { from, type Observable } from 'rxjs';
import { AssistantsApiError } from '../errors/AssistantsApiError';
import { AssistantsConnectionError } from '../errors/AssistantsConnectionError';
import { StreamDisconnectedError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import type { AssistantsClient } from './AssistantsClient';
import { abortable } from './abortable';
import { clientFromTransport } from './clientFromTransport';
import { errorFields, headerRecord, readJson, requestIdOf } from './httpAnswer';
import { DEFAULT_MAX_EVENT_BYTES, parseEventStream } from './parseEventStream';
import type { ApiRequest, ApiResponse, QueryValue, Transport } from './Transport';

/** The options this library passes to the SDK's generic request methods. */
export interface OpenAIRequestOptionsLike {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** `null` removes a header the SDK would send by default (every major reads it so). */
  headers?: Record<string, string | null>;
  signal?: AbortSignal;
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
}

/** Options of {@link openaiClient}. */
export interface OpenAIClientOptions {
  /**
   * Largest single SSE event accepted from a stream; a bigger one errors with `StreamParseError`.
   * @default 16 MiB
   */
  maxEventBytes?: number | undefined;
}

/**
 * An {@link AssistantsClient} on an instance of the official `openai` SDK, so the SDK's auth, base
 * URL, Azure support, timeouts and retries apply. Uses only the SDK's generic `get` / `post` /
 * `delete`, which work the same from v4 on; streams are read from the SDK's raw answer.
 *
 * Each subscription sends its own request; unsubscribing aborts it. Requests send
 * `OpenAI-Beta: assistants=v2`. The SDK's errors become this library's: an HTTP error status is an
 * `AssistantsApiError`, a connection failure an `AssistantsConnectionError`.
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
 * @throws {TypeError} at once, when `openai` lacks the generic request methods.
 */
export function openaiClient(openai: OpenAILike, options: OpenAIClientOptions = {}): AssistantsClient {
  for (const method of ['get', 'post', 'delete'] as const) {
    if (typeof (openai as Partial<OpenAILike> | null | undefined)?.[method] !== 'function') {
      throw new TypeError(
        `openaiClient(openai) expects an instance of the openai SDK (new OpenAI() or new AzureOpenAI()); its ${method}() method is missing.`,
      );
    }
  }
  const { maxEventBytes = DEFAULT_MAX_EVENT_BYTES } = options;
  if (!Number.isSafeInteger(maxEventBytes) || maxEventBytes <= 0) {
    throw new TypeError(
      `openaiClient: maxEventBytes must be a positive whole number of bytes, got ${maxEventBytes}.`,
    );
  }

  const send = (request: ApiRequest, stream: boolean, signal: AbortSignal): Promise<ResponseLike> => {
    const { method, path } = request;
    const url = `${typeof openai.baseURL === 'string' ? openai.baseURL.replace(/\/+$/, '') : ''}${path}`;
    const query = definedQuery(request.query);
    const body = stream ? { ...(request.body as object | undefined), stream: true } : request.body;
    const sdkOptions: OpenAIRequestOptionsLike = {
      headers: {
        'OpenAI-Beta': 'assistants=v2',
        ...(stream && { Accept: 'text/event-stream' }),
        // SDK v4 sends a JSON Content-Type on every request; a request without a body has none.
        ...(body === undefined && { 'Content-Type': null }),
      },
      signal,
      ...(query && { query }),
      // The SDK keys the JSON content type on the presence of `body`, so GET and DELETE leave it out.
      ...(body !== undefined && { body }),
    };
    const verb = method === 'GET' ? 'get' : method === 'POST' ? 'post' : 'delete';
    return new Promise<unknown>((resolve) => resolve(openai[verb](path, sdkOptions).asResponse())).then(
      (response) => response as ResponseLike,
      (error: unknown) => {
        throw fromSdkError(error, method, url, openai);
      },
    );
  };

  const transport: Transport = {
    request<T>(request: ApiRequest): Observable<ApiResponse<T>> {
      return abortable(
        (signal) => send(request, false, signal),
        (response) => from(readJson<T>(request.method, response.url || request.path, response)),
      );
    },
    stream(request: ApiRequest): Observable<RunEvent> {
      return abortable(
        (signal) => send(request, true, signal),
        (response) => {
          const body = webStream(response.body);
          if (body === undefined) {
            throw new StreamDisconnectedError('The event stream answer had no body (0 bytes received).', 0);
          }
          return parseEventStream(body, { maxEventBytes });
        },
      );
    },
  };
  return clientFromTransport(transport);
}

/** The parts of the SDK's raw answer that are read (a fetch `Response`, or node-fetch's in SDK v4 on Node). */
interface ResponseLike {
  status: number;
  url: string;
  headers: Response['headers'];
  body: unknown;
  text(): Promise<string>;
}

function definedQuery(query: ApiRequest['query']): Record<string, QueryValue> | undefined {
  if (query === undefined) return undefined;
  const entries = Object.entries(query).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** A web `ReadableStream` of the body: as is, or adapted from a Node stream (SDK v4 with node-fetch). */
function webStream(body: unknown): ReadableStream<Uint8Array> | undefined {
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
function fromSdkError(error: unknown, method: string, url: string, openai: OpenAILike): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const sdk = error as SdkErrorLike;
  if (typeof sdk.status === 'number') {
    const headers = headerRecord(sdk.headers);
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
    return new AssistantsConnectionError(method, url, sdk.cause instanceof Error ? sdk.cause : error);
  }
  return error;
}

function isConnectionError(error: object, openai: OpenAILike): boolean {
  // The SDK exposes its classes as statics of the client class (OpenAI.APIConnectionError).
  const sdkClass = (openai.constructor as { APIConnectionError?: unknown } | undefined)?.APIConnectionError;
  if (typeof sdkClass === 'function' && error instanceof sdkClass) return true;
  return /^APIConnection(Timeout)?Error$/.test(error.constructor?.name ?? '');
}
