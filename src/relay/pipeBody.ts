import { concatMap, EMPTY, Observable, Subscription, tap } from 'rxjs';
import { bodyBytes, bytesOf, type FrameBody, quietly } from './frameBody';

/**
 * The Node writer of a {@link FrameBody}, shared by `pipeToNodeResponse` and
 * `pipeUIMessageStreamToNodeResponse`. It uses only the response object's methods, so the main
 * entry imports no Node module. Internal.
 */

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

/** Throws a `TypeError` unless `res` has the methods the writer calls (`call` names the function). */
export function checkNodeResponse(call: string, res: NodeResponseLike): void {
  if (typeof res?.write !== 'function' || typeof res.once !== 'function' || typeof res.off !== 'function') {
    throw new TypeError(`${call} expects a Node http.ServerResponse as res.`);
  }
}

/** The status and headers of a Node answer: the protocol's `defaults`, the caller's `headers` over them. */
export interface NodeHead {
  status: number;
  defaults: Readonly<Record<string, string>>;
  headers: Record<string, string>;
}

/**
 * Writes the head (unless already sent), then the body's bytes as they come, and ends `res` after
 * the last. When `res.write` returns `false`, nothing more is written until `drain`; the frames
 * arriving meanwhile wait in order, and what waits plus what `res` buffers is the body's backlog.
 * `close` before the end (a client gone) unsubscribes the frames. Nothing `res` or the frames do is
 * thrown out of a callback: a `res.write` that throws ends the stream (with the ending's `broken`
 * frame when `res` can still take it).
 *
 * @returns the Subscription: unsubscribing stops writing, unsubscribes the frames and ends `res`.
 */
export function pipeBody(res: NodeResponseLike, body: FrameBody, head: NodeHead): Subscription {
  const gone = () => res.writableEnded || res.destroyed === true;
  // Nothing thrown by `res` or by the teardown of the frames may leave a callback of the writer (or
  // the `close` listener): it would crash the process.
  const stop = () => quietly(() => subscription.unsubscribe());
  const subscription = new Subscription(() => {
    quietly(() => res.off('close', stop));
    // After the last frame this ends the answer normally; stopped early (by the caller), it cuts it.
    if (!gone()) quietly(() => res.end());
  });
  // The response ended or broke before we got it: do not even start the frames.
  if (gone()) {
    subscription.unsubscribe();
    return subscription;
  }
  if (!res.headersSent) {
    const headers: Record<string, string> = { ...head.defaults };
    // Lower-cased, so that a caller's `Cache-Control` replaces ours instead of being sent beside it.
    for (const [name, value] of Object.entries(head.headers)) headers[name.toLowerCase()] = value;
    res.writeHead(head.status, headers);
    // Sends the head now, so the client knows the stream is open before the first frame.
    res.flushHeaders?.();
  }
  // `close` before the end is a client that went away.
  res.once('close', stop);
  // Bytes of the frames waiting for a `drain`; with what `res` buffers, what the client is behind by.
  let waiting = 0;
  const backlog = () => waiting + (res.writableLength ?? 0);
  const { broken } = body.ending;
  const fail = (error: unknown) => {
    // A `res.write` that threw: try once to say why, then end.
    if (broken !== undefined && !gone()) quietly(() => res.write(bytesOf(broken(error))));
    stop();
  };
  subscription.add(
    bodyBytes(body, backlog)
      .pipe(
        tap((frame) => {
          waiting += frame.byteLength;
        }),
        // concatMap holds the frames that arrive while the socket is full and writes them in order;
        // bodyBytes ends the stream before they pass maxBufferedBytes. A response ended by someone
        // else is not written to (that would raise an 'error' event); its `close` stops the writer.
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
