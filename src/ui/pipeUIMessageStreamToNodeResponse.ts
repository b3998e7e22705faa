import type { Observable, Subscription } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import { checkNodeResponse, type NodeResponseLike, pipeBody } from '../relay/pipeBody';
import type { ResponseEvent } from '../responses/ResponseEvent';
import type { ToUIMessageStreamOptions } from './toUIMessageStream';
import { UI_MESSAGE_STREAM_HEADERS, type UIMessageFramesOptions, uiMessageFrames } from './uiMessageFrames';

/** The UI message stream's headers for a Node response, which also keeps the connection open. */
const NODE_UI_MESSAGE_STREAM_HEADERS = { ...UI_MESSAGE_STREAM_HEADERS, connection: 'keep-alive' };

/** Options of {@link pipeUIMessageStreamToNodeResponse}. */
export interface PipeUIMessageStreamOptions extends ToUIMessageStreamOptions, UIMessageFramesOptions {
  /** Status code, when the headers are not sent yet. @default 200 */
  status?: number | undefined;
  /**
   * Extra headers, set over the defaults (those of `toUIMessageStreamResponse` and
   * `connection: keep-alive`). Ignored when the headers are already sent.
   * @default {}
   */
  headers?: Record<string, string> | undefined;
}

/**
 * Writes a run's (or a response's) events into a Node `http.ServerResponse` as the AI SDK's UI
 * message stream: the same bytes as {@link toUIMessageStreamResponse}, for `node:http`, Express,
 * Fastify (`reply.raw`) or Koa (`ctx.res`) servers. Uses only the response object's methods, so
 * it imports no Node module.
 *
 * ```
 * events$: --created--delta--completed|
 * res:     (head)[start]--[status]--[text-start][text-delta]--…[finish][DONE]|(end)
 * client:  --created--X                (disconnects)
 * events$: --created--^                (unsubscribed: the run is cancelled)
 * ```
 *
 * Writes the status and headers at once (unless already sent), then each chunk as it happens.
 * When `res.write` returns `false`, nothing more is written until `drain`; the chunks arriving
 * meanwhile wait in order, bounded by `maxBufferedBytes` (counting what `res` buffers), past which
 * the stream ends with an `error` chunk and `events$` is unsubscribed. A client that disconnects
 * (`close` before the end) unsubscribes `events$`: the library's sources then cancel the run.
 *
 * @returns the Subscription: unsubscribing stops writing, unsubscribes `events$` and ends the
 *   response without `[DONE]`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createRun, fetchClient, pipeUIMessageStreamToNodeResponse } from 'rxjs-assistants';
 *
 * const client = fetchClient({ apiKey: process.env.OPENAI_API_KEY });
 * createServer((req, res) => {
 *   pipeUIMessageStreamToNodeResponse(createRun(client, { threadId: 'thread_abc', assistant_id: 'asst_abc' }), res);
 * }).listen(3000);
 * ```
 *
 * @throws {TypeError} at once for invalid options or a `res` without `write`/`once`/`off`.
 */
export function pipeUIMessageStreamToNodeResponse(
  events$: Observable<RunEvent | ResponseEvent>,
  res: NodeResponseLike,
  options: PipeUIMessageStreamOptions = {},
): Subscription {
  if (typeof events$?.subscribe !== 'function') {
    throw new TypeError(
      'pipeUIMessageStreamToNodeResponse(events$, res) expects an Observable of run or response events.',
    );
  }
  checkNodeResponse('pipeUIMessageStreamToNodeResponse(events$, res)', res);
  const { status = 200, headers = {}, ...streamOptions } = options;
  const body = uiMessageFrames('pipeUIMessageStreamToNodeResponse', events$, streamOptions);
  return pipeBody(res, body, { status, defaults: NODE_UI_MESSAGE_STREAM_HEADERS, headers });
}
