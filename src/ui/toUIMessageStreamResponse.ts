import type { Observable } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import { bodyResponse, bodyStream } from '../relay/bodyStream';
import type { ResponseEvent } from '../responses/ResponseEvent';
import type { ToUIMessageStreamOptions } from './toUIMessageStream';
import { UI_MESSAGE_STREAM_HEADERS, type UIMessageFramesOptions, uiMessageFrames } from './uiMessageFrames';

/** Options of {@link toUIMessageStreamResponse}: the answer's status and headers, the stream's options. */
export interface UIMessageStreamResponseInit extends ToUIMessageStreamOptions, UIMessageFramesOptions {
  /** @default 200 */
  status?: number | undefined;
  /** @default '' */
  statusText?: string | undefined;
  /**
   * Extra headers (CORS, cookies …), set over the defaults: `content-type: text/event-stream;
   * charset=utf-8`, `cache-control: no-cache, no-transform`, `x-accel-buffering: no` and
   * `x-vercel-ai-ui-message-stream: v1`.
   * @default {}
   */
  headers?: HeadersInit | undefined;
}

/**
 * Answers a chat request with a run's (or a response's) events as the AI SDK's UI message stream:
 * a web `Response` for fetch-style servers (Next.js route handlers, Hono, Remix, Deno, Bun, edge
 * runtimes), read by `useChat`'s default transport and assistant-ui as is.
 *
 * ```
 * events$: --created--delta("Hi")--completed|
 * body:    [data: start]--[data: status]--[data: text-start][data: text-delta]--…[data: finish][data: [DONE]]|
 * client:  --X                          (disconnects: the body is cancelled)
 * events$: --^                          (unsubscribed: the run is cancelled)
 * ```
 *
 * The body is `events$` through {@link toUIMessageStream} (its options apply), one
 * `data: <chunk JSON>` frame per chunk, flushed at once, then `data: [DONE]`. Lazy: `events$`
 * is subscribed at the first read. When the client disconnects (the Stop button of `useChat`
 * aborts its request) the runtime cancels the body, which unsubscribes `events$`: the library's
 * sources then cancel the run on the server. Keep-alive comments every `keepAliveMs` of silence;
 * a reader slower than the run costs at most `maxBufferedBytes` of queued frames, past which the
 * stream ends with an `error` chunk and the run is unsubscribed.
 *
 * @example
 * ```ts
 * import { createRun, fetchClient, handleRequiresAction, toUIMessageStreamResponse } from 'rxjs-assistants';
 *
 * const client = fetchClient({ apiKey: process.env.OPENAI_API_KEY });
 * export async function POST(request: Request): Promise<Response> {
 *   const { threadId } = await request.json();
 *   return toUIMessageStreamResponse(
 *     createRun(client, { threadId, assistant_id: 'asst_abc' }).pipe(handleRequiresAction(client, tools)),
 *   );
 * }
 * ```
 *
 * @throws {TypeError} at once for invalid options or an `events$` that is not an Observable.
 */
export function toUIMessageStreamResponse(
  events$: Observable<RunEvent | ResponseEvent>,
  init: UIMessageStreamResponseInit = {},
): Response {
  if (typeof events$?.subscribe !== 'function') {
    throw new TypeError(
      'toUIMessageStreamResponse(events$) expects an Observable of run or response events.',
    );
  }
  const { status = 200, statusText, headers = {}, ...streamOptions } = init;
  const body = uiMessageFrames('toUIMessageStreamResponse', events$, streamOptions);
  return bodyResponse(bodyStream(body), UI_MESSAGE_STREAM_HEADERS, { status, statusText, headers });
}
