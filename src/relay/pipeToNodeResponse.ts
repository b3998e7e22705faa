import { concatMap, EMPTY, Observable, Subscription, tap } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import type { ResponseEvent } from '../responses/ResponseEvent';
import { errorFrame, eventFrames, frameSettings, quietly } from './eventFrames';
import { NODE_SSE_HEADERS } from './sseFrame';
import type { ToServerSentEventsOptions } from './toServerSentEvents';

/**
 * The parts of a Node `http.ServerResponse` the relay uses (Express, Fastify's `reply.raw` and
 * Koa's `ctx.res` are ones), typed structurally so that the core imports no Node module.
 */
export interface NodeResponseLike {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly destroyed?: boolean;
  /** Bytes `res` buffers (Node's writable streams have it); counted toward `maxBufferedBytes`. */
  readonly writableLength?: number;
  writeHead(statusCode: number, headers: Record<string, string>): unknown;
  flushHeaders?(): void;
  write(chunk: Uint8Array): boolean;
  end(): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

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
  if (typeof res?.write !== 'function' || typeof res.once !== 'function' || typeof res.off !== 'function') {
    throw new TypeError('pipeToNodeResponse(events$, res) expects a Node http.ServerResponse as res.');
  }
  const { status = 200, headers = {}, ...streamOptions } = options;
  const { keepAliveMs, errorPayload, maxBufferedBytes } = frameSettings('pipeToNodeResponse', streamOptions);
  const gone = () => res.writableEnded || res.destroyed === true;

  // Nothing thrown by `res` or by the teardown of `events$` may leave a callback of the relay (or
  // the `close` listener): it would crash the process.
  const stop = () => quietly(() => subscription.unsubscribe());
  const subscription = new Subscription(() => {
    quietly(() => res.off('close', stop));
    // After the last frame this ends the answer normally; stopped early (by the caller), it cuts it.
    if (!gone()) quietly(() => res.end());
  });
  // The response ended or broke before we got it: do not even start the run.
  if (gone()) {
    subscription.unsubscribe();
    return subscription;
  }
  if (!res.headersSent) {
    const head: Record<string, string> = { ...NODE_SSE_HEADERS };
    // Lower-cased, so that a caller's `Cache-Control` replaces ours instead of being sent beside it.
    for (const [name, value] of Object.entries(headers)) head[name.toLowerCase()] = value;
    res.writeHead(status, head);
    // Sends the head now, so the client knows the stream is open before the first event.
    res.flushHeaders?.();
  }
  // `close` before the end is a client that went away.
  res.once('close', stop);
  // Bytes of the frames waiting for a `drain`; with what `res` buffers, what the client is behind by.
  let waiting = 0;
  const backlog = () => waiting + (res.writableLength ?? 0);
  const fail = (error: unknown) => {
    // A `res.write` that threw: try once to say why, then end.
    if (!gone()) quietly(() => res.write(errorFrame(error, errorPayload)));
    stop();
  };
  subscription.add(
    eventFrames(events$, keepAliveMs, errorPayload, { backlog, maxBufferedBytes })
      .pipe(
        tap((frame) => {
          waiting += frame.byteLength;
        }),
        // concatMap holds the frames that arrive while the socket is full and writes them in order;
        // eventFrames ends the stream before they pass maxBufferedBytes. A response ended by someone
        // else is not written to (that would raise an 'error' event); its `close` stops the relay.
        concatMap((frame) => {
          waiting -= frame.byteLength;
          return gone() || res.write(frame) ? EMPTY : drained(res);
        }),
      )
      .subscribe({ complete: stop, error: fail }),
  );
  return subscription;
}

/** Completes at the response's next `drain`. */
function drained(res: NodeResponseLike): Observable<never> {
  return new Observable<never>((subscriber) => {
    const onDrain = () => subscriber.complete();
    res.once('drain', onDrain);
    return () => res.off('drain', onDrain);
  });
}
