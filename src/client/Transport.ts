import type { Observable } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import type { ShapeCheck } from '../events/shapes';
import type { ResponseEvent } from '../responses/ResponseEvent';
import type { RequestPolicy } from './RequestPolicy';

/** Value of one query parameter; arrays become repeated `name[]=` entries (OpenAI's `include[]`). */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** One HTTP call, relative to the client's base URL. Internal. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the base URL, starting with `/`, path segments already encoded. */
  path: string;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  /**
   * A POST that creates something (an assistant, thread, message or run): retried only when
   * nothing can have been done (429, 503, `x-should-retry: true`, or a failure to connect); any
   * other failure without an answer is a `RequestOutcomeUnknownError`.
   */
  creates?: boolean | undefined;
  /** Tighter bounds of this request's retries and duration (the cancel endpoint's). */
  policy?: RequestPolicy | undefined;
  /** Checks the parsed answer; a problem makes it an `InvalidResponseError` (or the API error it holds). */
  shape?: ShapeCheck | undefined;
  /**
   * An endpoint of the Responses family (responses, conversations): sent without the
   * `OpenAI-Beta` header; its stream's frames are Responses events. Absent: the Assistants API.
   */
  family?: 'responses' | undefined;
}

/** A parsed JSON answer with the response headers that matter to callers. Internal. */
export interface ApiResponse<T> {
  data: T;
  /** Lower-cased header names. */
  headers: Record<string, string>;
}

/**
 * What a vendor adapter provides: one JSON request and one SSE request, both cold Observables that
 * abort on unsubscribe. `clientFromTransport` builds every typed endpoint on top. Internal.
 */
export interface Transport {
  request<T>(request: ApiRequest): Observable<ApiResponse<T>>;
  /**
   * Sends the request as a stream (see {@link streamRequest}) and emits the parsed events: run
   * events, or response events for the Responses family.
   */
  stream(request: ApiRequest): Observable<RunEvent | ResponseEvent>;
}

/**
 * The request a transport sends for a stream: `stream: true` added to the body of a POST, or to
 * the query of a GET (`GET /responses/{id}?stream=true&starting_after=N`), which has no body.
 */
export function streamRequest(request: ApiRequest): ApiRequest {
  return request.method === 'GET'
    ? { ...request, query: { stream: true, ...request.query } }
    : { ...request, body: { ...(request.body as object | undefined), stream: true } };
}
