import type { Observable } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import type { ResponseEvent } from '../responses/ResponseEvent';
import { bodyResponse } from './bodyStream';
import { SSE_HEADERS } from './sseFrame';
import { type ToServerSentEventsOptions, toServerSentEvents } from './toServerSentEvents';

/** Options of {@link toSSEResponse}: the answer's status and headers, and the stream's options. */
export interface SSEResponseOptions extends ToServerSentEventsOptions {
  /** @default 200 */
  status?: number | undefined;
  /** @default '' */
  statusText?: string | undefined;
  /**
   * Extra headers (CORS, cookies …), set over the defaults: `content-type: text/event-stream;
   * charset=utf-8`, `cache-control: no-cache, no-transform` (no caching, no compressing proxy that
   * would hold frames back) and `x-accel-buffering: no` (nginx passes frames through at once).
   * @default {}
   */
  headers?: HeadersInit | undefined;
}

/**
 * Answers a request with a run's (or a response's) events as Server-Sent Events: a web `Response`
 * for fetch-style servers (Hono, Next.js route handlers, Remix, Deno, Bun, edge runtimes). The
 * body is {@link toServerSentEvents}`(events$)`: lazy, one flushed frame per event, ending with
 * `done` or an `error` frame; when the client disconnects the runtime cancels the body, which
 * unsubscribes and so cancels the run. A client that reads slower than the run costs at most
 * `maxBufferedBytes` of queued frames: past it the body ends with a `relay_backpressure` error
 * frame and the run is unsubscribed, as on a disconnect.
 *
 * @example
 * ```ts
 * import { createRun, fetchClient, toSSEResponse } from 'rxjs-assistants';
 *
 * const client = fetchClient({ apiKey: process.env.OPENAI_API_KEY });
 * export async function POST(request: Request): Promise<Response> {
 *   const { threadId } = await request.json();
 *   return toSSEResponse(createRun(client, { threadId, assistant_id: 'asst_abc' }));
 * }
 * ```
 *
 * @throws {TypeError} at once for invalid options (see {@link toServerSentEvents}).
 */
export function toSSEResponse(
  events$: Observable<RunEvent | ResponseEvent>,
  options: SSEResponseOptions = {},
): Response {
  const { status = 200, statusText, headers = {}, ...streamOptions } = options;
  return bodyResponse(toServerSentEvents(events$, streamOptions), SSE_HEADERS, {
    status,
    statusText,
    headers,
  });
}
