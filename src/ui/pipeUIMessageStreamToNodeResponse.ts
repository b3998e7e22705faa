import { concatMap, EMPTY, Observable, Subscription, tap } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import { frameSettings, quietly } from '../relay/eventFrames';
import type { NodeResponseLike } from '../relay/pipeToNodeResponse';
import type { ResponseEvent } from '../responses/ResponseEvent';
import { type ToUIMessageStreamOptions, toUIMessageStream } from './toUIMessageStream';
import { UI_MESSAGE_STREAM_HEADERS, type UIMessageFramesOptions, uiMessageFrames } from './uiMessageFrames';

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
  if (typeof res?.write !== 'function' || typeof res.once !== 'function' || typeof res.off !== 'function') {
    throw new TypeError(
      'pipeUIMessageStreamToNodeResponse(events$, res) expects a Node http.ServerResponse as res.',
    );
  }
  const { status = 200, headers = {}, keepAliveMs, maxBufferedBytes, ...chunkOptions } = options;
  const settings = frameSettings('pipeUIMessageStreamToNodeResponse', { keepAliveMs, maxBufferedBytes });
  const chunks$ = events$.pipe(toUIMessageStream(chunkOptions));
  const gone = () => res.writableEnded || res.destroyed === true;

  // Nothing thrown by `res` or by the teardown of `events$` may leave a callback: it would crash the process.
  const stop = () => quietly(() => subscription.unsubscribe());
  const subscription = new Subscription(() => {
    quietly(() => res.off('close', stop));
    if (!gone()) quietly(() => res.end());
  });
  if (gone()) {
    subscription.unsubscribe();
    return subscription;
  }
  if (!res.headersSent) {
    const head: Record<string, string> = { ...UI_MESSAGE_STREAM_HEADERS, connection: 'keep-alive' };
    for (const [name, value] of Object.entries(headers)) head[name.toLowerCase()] = value;
    res.writeHead(status, head);
    res.flushHeaders?.();
  }
  res.once('close', stop);
  // Bytes of the frames waiting for a `drain`; with what `res` buffers, what the client is behind by.
  let waiting = 0;
  const backlog = () => waiting + (res.writableLength ?? 0);
  subscription.add(
    uiMessageFrames(chunks$, settings.keepAliveMs, { backlog, maxBufferedBytes: settings.maxBufferedBytes })
      .pipe(
        tap((frame) => {
          waiting += frame.byteLength;
        }),
        // concatMap holds the frames that arrive while the socket is full and writes them in order.
        concatMap((frame) => {
          waiting -= frame.byteLength;
          return gone() || res.write(frame) ? EMPTY : drained(res);
        }),
      )
      // A `res.write` that throws ends the relay too (the client is gone or the socket broke).
      .subscribe({ complete: stop, error: stop }),
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
