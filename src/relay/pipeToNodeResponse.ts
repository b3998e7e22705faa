import type { Observable, Subscription } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import type { ResponseEvent } from '../responses/ResponseEvent';
import { eventFrames } from './eventFrames';
import { checkNodeResponse, type NodeResponseLike, pipeBody } from './pipeBody';
import { NODE_SSE_HEADERS } from './sseFrame';
import type { ToServerSentEventsOptions } from './toServerSentEvents';

export type { NodeResponseLike } from './pipeBody';

/** Options of {@link pipeToNodeResponse}. */
export interface PipeToNodeResponseOptions extends ToServerSentEventsOptions {
  /** Status code, when the headers are not sent yet. @default 200 */
  status?: number | undefined;
  /**
   * Extra headers, set over the defaults (`content-type: text/event-stream; charset=utf-8`,
   * `cache-control: no-cache, no-transform`, `connection: keep-alive`, `x-accel-buffering: no`);
   * headers set earlier with `res.setHeader` are kept too. Ignored when the headers are already sent.
   * @default {}
   */
  headers?: Record<string, string> | undefined;
}

/**
 * Relays a run's (or a response's) events into a Node `http.ServerResponse` as Server-Sent
 * Events, in the API's own format (the same bytes as {@link toServerSentEvents}), for `node:http`,
 * Express, Fastify or Koa servers.
 *
 * ```
 * events$: --created--delta--completed|
 * res:     (head)--created--delta--completed[done]|(end)
 * client:  --created--X                      (disconnects)
 * events$: --created--delta^                 (unsubscribed: the run is cancelled)
 * client:  --created--                       (stops reading)
 * events$: --created--delta--delta--delta^   (past maxBufferedBytes: unsubscribed)
 * res:     (head)--created--…delta[error]|(end)  (once the client reads again)
 * ```
 *
 * Writes the status and SSE headers at once (unless already sent), then each event as it happens.
 * Backpressure: when `res.write` returns `false` (the client reads slower than the run produces),
 * no more is written until `drain`; the Observable cannot be paused, so the frames that arrive in
 * the meantime wait in order, and what waits (plus what `res` buffers) is bounded by
 * `maxBufferedBytes`. A frame that would go past it ends the stream: the frames waiting are written,
 * then one `event: error` frame with the code `relay_backpressure`, the response is ended, and
 * `events$` is unsubscribed at once. A client that disconnects (`close` before the end) unsubscribes
 * `events$` too; for the library's sources either cancels the run. On completion the `done` frame
 * is written and the response ended; on error an `error` frame. Nothing the events or `res` do is
 * thrown out of the relay's callbacks: data JSON cannot hold, or a `res.write` that throws, ends the
 * stream with an `error` frame (when `res` can still take one), and other streams carry on.
 *
 * @returns the Subscription: unsubscribing stops the relay, unsubscribes `events$` and ends the
 *   response without a `done` frame (the client sees a cut stream).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createRun, fetchClient, pipeToNodeResponse } from 'rxjs-assistants';
 *
 * const client = fetchClient({ apiKey: process.env.OPENAI_API_KEY });
 * createServer((req, res) => {
 *   pipeToNodeResponse(createRun(client, { threadId: 'thread_abc', assistant_id: 'asst_abc' }), res);
 * }).listen(3000);
 * ```
 *
 * @throws {TypeError} at once for invalid options or a `res` without `write`/`once`.
 */
export function pipeToNodeResponse(
  events$: Observable<RunEvent | ResponseEvent>,
  res: NodeResponseLike,
  options: PipeToNodeResponseOptions = {},
): Subscription {
  if (typeof events$?.subscribe !== 'function') {
    throw new TypeError(
      'pipeToNodeResponse(events$, res) expects an Observable of run events or response events.',
    );
  }
  checkNodeResponse('pipeToNodeResponse(events$, res)', res);
  const { status = 200, headers = {}, ...streamOptions } = options;
  const body = eventFrames('pipeToNodeResponse', events$, streamOptions);
  return pipeBody(res, body, { status, defaults: NODE_SSE_HEADERS, headers });
}
