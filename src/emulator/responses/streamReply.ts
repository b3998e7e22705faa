import { interval, Observable, type Subscription } from 'rxjs';
import { sseFrame } from '../../relay/sseFrame';
import type { ResponsesApp, StreamReply } from '../app';
import type { SseFraming } from '../sse';
import type { ResponseWireEvent } from './responseOps';
import type { ResponseRecord } from './store';

/** How a response's stream is opened. */
export interface ResponseStreamOptions {
  /** Replay the logged events after this `sequence_number` first (`-1`: all). */
  after: number;
  /** Start the response once the stream follows it (a create). @default false */
  start?: boolean;
  /** Cancel the response when the stream's client goes away (a create without `background`). @default false */
  cancelOnClose?: boolean;
}

const KEEPALIVE = Symbol('keepalive');

/**
 * The events of `source`, with a `KEEPALIVE` after each `ms` in which none came (`0`: none).
 * One timer per stream, however many events: each tick only looks whether one came since the
 * last tick, so an idle stream gets its first keepalive within `ms` to `2 × ms`.
 */
function withKeepalive<T>(source: Observable<T>, ms: number): Observable<T | typeof KEEPALIVE> {
  if (ms === 0) return source;
  return new Observable((subscriber) => {
    let quiet = true;
    const beats = interval(ms).subscribe(() => {
      if (quiet) subscriber.next(KEEPALIVE);
      quiet = true;
    });
    const events = source.subscribe({
      next: (value) => {
        quiet = false;
        subscriber.next(value);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      beats.unsubscribe();
      events.unsubscribe();
    };
  });
}

/**
 * A response's events as a Responses SSE answer: `event: <type>` / `data: {"type",
 * "sequence_number", …}` frames, no `[DONE]`, ending after the end event (or, for a cancelled
 * response, without one). While the stream is idle it gets `keepalive` events; they and an
 * `error` frame carry the `sequence_number` of the last event the stream sent (the one a client
 * should resume after), so they never take a number from the response's own events.
 */
export function responseStreamReply(
  responses: ResponsesApp,
  record: ResponseRecord,
  { after, start = false, cancelOnClose = false }: ResponseStreamOptions,
): StreamReply {
  let last = after;
  const framing: SseFraming = {
    error: (message) =>
      sseFrame(
        'error',
        JSON.stringify({ type: 'error', code: 'server_error', message, param: null, sequence_number: last }),
      ),
  };
  return {
    framing,
    stream: (sink): Subscription => {
      const events = withKeepalive(responses.engine.eventsOf(record, after), responses.keepAliveMs);
      const subscription = events.subscribe({
        next: (event: ResponseWireEvent | typeof KEEPALIVE) => {
          if (event === KEEPALIVE) {
            sink.send('keepalive', JSON.stringify({ type: 'keepalive', sequence_number: last }));
            return;
          }
          sink.send(event.type, event.data);
          last = event.sequence;
        },
        complete: () => sink.end(),
      });
      if (start) responses.engine.start(record);
      // After the end event the response is no longer active: cancelling it then changes nothing.
      if (cancelOnClose) subscription.add(() => responses.engine.cancel(record));
      return subscription;
    },
  };
}
