import { AssistantsError } from '../errors/AssistantsError';

/** One recorded HTTP exchange, in the openai-dotnet `SessionRecords` format. */
export interface RecordingEntry {
  RequestUri: string;
  RequestMethod: string;
  RequestHeaders?: Record<string, string | readonly string[]>;
  RequestBody?: unknown;
  StatusCode: number;
  /** A header's value may be a list (newer recordings), served joined with `, `. */
  ResponseHeaders?: Record<string, string | readonly string[]>;
  /** The JSON body; for a streamed answer, the SSE body as an array of lines to join as they are. */
  ResponseBody?: unknown;
}

/** A recording: `{ Entries: [...] }` in call order (openai-dotnet `SessionRecords`). */
export interface Recording {
  Entries: readonly RecordingEntry[];
}

/** The flattened form of a recording (`[{ method, uri, status_code, request_body, response_body }]`). */
export interface FlatRecordingEntry {
  method: string;
  uri: string;
  status_code: number;
  request_body?: unknown;
  response_body?: unknown;
  /** The recorded `Date` header. */
  date?: string;
}

/** Options of {@link replayFetch}. */
export interface ReplayFetchOptions {
  /**
   * Serve each body in chunks of this many bytes (a chunk may end inside a UTF-8 character, as on
   * the network). @default one chunk per recorded line for streamed bodies, one chunk for JSON
   */
  chunkSize?: number;
  /**
   * The base URL of the client under test; its path (e.g. `/openai`) is removed from requests
   * before matching. @default none: only the origin is ignored
   */
  baseURL?: string;
  /** The base URL of the recorded requests, whose path is removed likewise (e.g. `https://api.openai.com/v1`). @default none */
  recordedBaseURL?: string;
  /** Serve only the next unserved entry: any other request is unmatched. @default false */
  strictOrder?: boolean;
  /** Query parameters to ignore when comparing queries. @default ['api-version'] */
  ignoreQuery?: readonly string[];
  /**
   * What an unmatched request gets: a rejected promise with a {@link ReplayMismatchError}, or an
   * HTTP 404 answer whose OpenAI-shaped error body carries the same message. @default 'reject'
   */
  unmatched?: 'reject' | 'respond';
}

/** One request received by a {@link ReplayFetch}, as logged in `requests`. */
export interface ReplayedRequest {
  method: string;
  url: string;
  /** The path compared with the recording (origin and base path removed). */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The body: parsed JSON when it is JSON, else the text; `undefined` when there is none. */
  body: unknown;
  /** Index of the entry that answered it in `Entries`, or `undefined` when it was unmatched. */
  entry: number | undefined;
}

/** A `fetch` that serves a recording, with what it received and what it has left. */
export interface ReplayFetch {
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Every request received, in order, matched or not. */
  readonly requests: readonly ReplayedRequest[];
  /** The entries not served yet, in recording order (`[]` once the recording is used up). */
  pending(): RecordingEntry[];
}

/** A request reached a {@link replayFetch} that the recording has no (more) answer for. */
export class ReplayMismatchError extends AssistantsError {
  override readonly name = 'ReplayMismatchError';
  readonly method: string;
  readonly url: string;
  /** The path that was compared (origin and base path removed), with its decoded query. */
  readonly path: string;
  /** What the recording could still serve, as `METHOD path?query` (the next one first). */
  readonly expected: readonly string[];

  constructor(method: string, url: string, path: string, expected: readonly string[], hint: string) {
    const next =
      expected.length === 0
        ? 'every recorded entry has been served'
        : `expected ${expected.length === 1 ? '' : 'one of '}${expected.slice(0, 5).join(', ')}${expected.length > 5 ? ` and ${expected.length - 5} more` : ''}`;
    super(`replayFetch: no recorded answer for ${method} ${path}: ${next}.${hint}`);
    this.method = method;
    this.url = url;
    this.path = path;
    this.expected = expected;
  }
}

// Headers that described the recorded bytes on the wire, not the body served here.
const WIRE_HEADERS = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection']);
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const ORIGIN = 'http://replay.invalid';

interface Target {
  method: string;
  path: string;
  /** Sorted `key=value` pairs (decoded), or `undefined` when the URL has no query. */
  query: string[] | undefined;
}

const basePathOf = (baseURL: string | undefined): string =>
  baseURL === undefined ? '' : new URL(baseURL, ORIGIN).pathname.replace(/\/+$/, '');

const targetOf = (method: string, url: string, basePath: string, ignore: ReadonlySet<string>): Target => {
  const parsed = new URL(url, ORIGIN);
  let path = parsed.pathname.replace(/\/+$/, '') || '/';
  if (basePath && (path === basePath || path.startsWith(`${basePath}/`)))
    path = path.slice(basePath.length) || '/';
  // URLSearchParams decodes `include[]` and `include%5B%5D` (and `%2A` / `*`) alike.
  const pairs = [...parsed.searchParams].filter(([key]) => !ignore.has(key)).map(([k, v]) => `${k}=${v}`);
  return { method: method.toUpperCase(), path, query: parsed.search === '' ? undefined : pairs.sort() };
};

const pathOf = (target: Target): string =>
  `${target.path}${target.query?.length ? `?${target.query.join('&')}` : ''}`;
const label = (target: Target): string => `${target.method} ${pathOf(target)}`;

const sameQuery = (recorded: Target, request: Target): boolean =>
  recorded.query === undefined || recorded.query.join('&') === (request.query ?? []).join('&');

const matches = (recorded: Target | undefined, request: Target): boolean =>
  recorded !== undefined &&
  recorded.method === request.method &&
  recorded.path === request.path &&
  sameQuery(recorded, request);

const toEntries = (
  recording: Recording | readonly FlatRecordingEntry[] | string,
): readonly RecordingEntry[] => {
  const value: unknown = typeof recording === 'string' ? JSON.parse(recording) : recording;
  if (Array.isArray(value)) {
    return (value as FlatRecordingEntry[]).map((flat) => ({
      RequestUri: flat.uri,
      RequestMethod: flat.method,
      RequestBody: flat.request_body,
      StatusCode: flat.status_code,
      ResponseHeaders: flat.date === undefined ? {} : { Date: flat.date },
      ResponseBody: flat.response_body,
    }));
  }
  const entries = (value as { Entries?: unknown } | null)?.Entries;
  if (!Array.isArray(entries)) {
    throw new TypeError(
      'replayFetch: expected a recording { Entries: [{ RequestUri, RequestMethod, StatusCode, ResponseBody, … }] } (or its JSON text).',
    );
  }
  return entries as RecordingEntry[];
};

const isStreamed = (entry: RecordingEntry): entry is RecordingEntry & { ResponseBody: string[] } =>
  Array.isArray(entry.ResponseBody) && entry.ResponseBody.every((line) => typeof line === 'string');

const chunksOf = (entry: RecordingEntry, chunkSize: number | undefined): Uint8Array[] => {
  const encoder = new TextEncoder();
  const { ResponseBody: body } = entry;
  const parts = isStreamed(entry)
    ? entry.ResponseBody
    : [body === undefined || body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body)];
  if (chunkSize === undefined)
    return parts.map((part) => encoder.encode(part)).filter((bytes) => bytes.length > 0);
  const all = encoder.encode(parts.join(''));
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += chunkSize) chunks.push(all.subarray(at, at + chunkSize));
  return chunks;
};

const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException('This operation was aborted', 'AbortError');

/** A body that yields one chunk per read and errors when `signal` aborts. */
const bodyOf = (
  chunks: readonly Uint8Array[],
  signal: AbortSignal | null | undefined,
): ReadableStream<Uint8Array> => {
  let next = 0;
  let onAbort: (() => void) | undefined;
  const detach = () => {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    onAbort = undefined;
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (!signal) return;
      onAbort = () => {
        detach();
        controller.error(abortReason(signal));
      };
      signal.addEventListener('abort', onAbort);
    },
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk) controller.enqueue(chunk);
      if (next >= chunks.length) {
        detach();
        controller.close();
      }
    },
    cancel: detach,
  });
};

const headersOf = (entry: RecordingEntry): Headers => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(entry.ResponseHeaders ?? {})) {
    if (!WIRE_HEADERS.has(name.toLowerCase()))
      headers.set(name, typeof value === 'string' ? value : value.join(', '));
  }
  if (!headers.has('content-type')) {
    headers.set('content-type', isStreamed(entry) ? 'text/event-stream; charset=utf-8' : 'application/json');
  }
  return headers;
};

const readBody = async (request: Request | undefined, init: RequestInit | undefined): Promise<unknown> => {
  let text: string | undefined;
  if (init?.body !== undefined && init.body !== null) {
    text = typeof init.body === 'string' ? init.body : await new Response(init.body).text();
  } else if (request?.body) {
    text = await request.clone().text();
  }
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * A `fetch` that answers from a recording, for testing clients without a network: Assistants and
 * Responses traffic alike (a streamed Responses body is served as recorded, ending after its
 * terminal event without `[DONE]`).
 *
 * Each request is served by the next unserved entry with the same method and path (the origin is
 * ignored; the query is compared when the recorded URL has one, decoded, in any order). Streamed
 * entries (`ResponseBody` an array of lines) are served as a `ReadableStream` of those bytes,
 * others as JSON, with the recorded status and headers. A request the recording cannot answer gets
 * a {@link ReplayMismatchError} naming it and what was expected. `init.signal` is honoured: an
 * abort rejects with its reason (an `AbortError`) or errors the body being read.
 *
 * The recording is an object or its JSON text: `{ Entries: [...] }` (openai-dotnet `SessionRecords`)
 * or the flattened `[{ method, uri, status_code, request_body, response_body }]`.
 *
 * @example
 * ```ts
 * import { replayFetch } from 'rxjs-assistants/testing';
 * const fetch = replayFetch(readFileSync('StreamingToolCall.json', 'utf8'), { chunkSize: 64 });
 * const client = fetchClient({ apiKey: 'test', fetch });
 * // … run the code under test …
 * expect(fetch.pending()).toEqual([]);
 * expect(fetch.requests[1]?.body).toMatchObject({ stream: true });
 * ```
 *
 * @throws {TypeError} when `recording` is not a recording, or `chunkSize` is not a positive integer.
 */
export function replayFetch(
  recording: Recording | readonly FlatRecordingEntry[] | string,
  options: ReplayFetchOptions = {},
): ReplayFetch {
  const { chunkSize, strictOrder = false, ignoreQuery = ['api-version'], unmatched = 'reject' } = options;
  if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize > 0)) {
    throw new TypeError(`replayFetch: chunkSize must be a positive integer, got ${chunkSize}.`);
  }
  const entries = toEntries(recording);
  const ignore = new Set(ignoreQuery);
  const requestBase = basePathOf(options.baseURL);
  const recordedBase = basePathOf(options.recordedBaseURL);
  const targets = entries.map((entry) =>
    targetOf(entry.RequestMethod, entry.RequestUri, recordedBase, ignore),
  );
  const served = entries.map(() => false);
  const requests: ReplayedRequest[] = [];

  const mismatch = (target: Target, url: string): ReplayMismatchError => {
    const open = targets.filter((_, n) => !served[n]);
    const expected = (strictOrder ? open.slice(0, 1) : open).map(label);
    const samePath = open.find((t) => t.method === target.method && t.path === target.path);
    const used = targets.filter((t, n) => served[n] && matches(t, target)).length;
    const hint =
      samePath && !sameQuery(samePath, target)
        ? ` A ${label(samePath)} is recorded, but the query differs.`
        : samePath && strictOrder
          ? ` It is recorded later (strictOrder is on).`
          : used > 0
            ? ` The recording has ${used} such request${used === 1 ? '' : 's'}, all served already.`
            : '';
    return new ReplayMismatchError(target.method, url, pathOf(target), expected, hint);
  };

  const replay = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const url = request ? request.url : input instanceof URL ? input.href : String(input);
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const signal = init?.signal ?? request?.signal;
    if (signal?.aborted) throw abortReason(signal);

    // Match before any await, so concurrent requests are served in call order.
    const target = targetOf(method, url, requestBase, ignore);
    const first = served.indexOf(false);
    const index = strictOrder
      ? first !== -1 && matches(targets[first], target)
        ? first
        : -1
      : targets.findIndex((t, n) => !served[n] && matches(t, target));
    if (index !== -1) served[index] = true;
    // Described now, as later requests may change what is left to serve.
    const error = index === -1 ? mismatch(target, url) : undefined;
    const logged: ReplayedRequest = {
      method,
      url,
      path: target.path,
      headers: Object.fromEntries(new Headers(init?.headers ?? request?.headers)),
      body: undefined,
      entry: index === -1 ? undefined : index,
    };
    requests.push(logged);
    logged.body = await readBody(request, init);
    if (signal?.aborted) throw abortReason(signal);

    const entry = entries[index];
    if (!entry) {
      const failure = error ?? mismatch(target, url);
      if (unmatched === 'reject') throw failure;
      return Response.json(
        {
          error: {
            message: failure.message,
            type: 'invalid_request_error',
            code: 'replay_unmatched',
            param: null,
          },
        },
        { status: 404 },
      );
    }
    const status = entry.StatusCode;
    return new Response(NULL_BODY_STATUS.has(status) ? null : bodyOf(chunksOf(entry, chunkSize), signal), {
      status,
      headers: headersOf(entry),
    });
  };

  return Object.assign(replay, {
    requests,
    pending: () => entries.filter((_, n) => !served[n]),
  });
}
