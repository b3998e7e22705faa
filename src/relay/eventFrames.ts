import {
  asyncScheduler,
  catchError,
  concat,
  defer,
  filter,
  type MonoTypeOperatorFunction,
  map,
  Observable,
  of,
  repeat,
  timer,
} from 'rxjs';
import { errorFields } from '../client/httpAnswer';
import { AssistantsApiError } from '../errors/AssistantsApiError';
import { RunStreamError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import type { ErrorPayload } from '../events/types';

/**
 * The SSE frames of a run, as bytes: the encoder shared by `toServerSentEvents` and
 * `pipeToNodeResponse`. Internal.
 */

/** Options of the frame encoder; the public helpers document them. */
export interface EventFramesOptions {
  keepAliveMs?: number | false | undefined;
  errorPayload?: ((error: unknown) => ErrorPayload) | undefined;
}

/** 15 s: below the 30–120 s idle timeouts of common proxies and load balancers. */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

/** The largest delay `setInterval` honours (a bigger one fires after 1 ms instead). */
const MAX_DELAY_MS = 2 ** 31 - 1;

const encoder = new TextEncoder();

/** `event: done` / `data: [DONE]`: the API's end of stream. */
export const DONE_FRAME = encoder.encode('event: done\ndata: [DONE]\n\n');

/** An SSE comment, which every client ignores; it only keeps proxies from closing an idle answer. */
export const KEEP_ALIVE_FRAME = encoder.encode(': keep-alive\n\n');

/** Checks the options at call time and returns the keep-alive period (0: off). */
export function keepAlivePeriod(caller: string, options: EventFramesOptions): number {
  const { keepAliveMs = DEFAULT_KEEP_ALIVE_MS, errorPayload } = options;
  if (errorPayload !== undefined && typeof errorPayload !== 'function') {
    throw new TypeError(`${caller}: errorPayload must be a function (error) => ({ message, ... }).`);
  }
  if (keepAliveMs === false) return 0;
  if (
    typeof keepAliveMs !== 'number' ||
    !Number.isFinite(keepAliveMs) ||
    keepAliveMs < 0 ||
    keepAliveMs > MAX_DELAY_MS
  ) {
    throw new TypeError(
      `${caller}: keepAliveMs must be a number of milliseconds between 0 and ${MAX_DELAY_MS} (0 or false turns keep-alive comments off), got ${String(keepAliveMs)}.`,
    );
  }
  return keepAliveMs;
}

/**
 * The frames of `events$`: one chunk per event, then the `done` frame, or an `error` frame if the
 * events error (the stream ends there either way). With a keep-alive period, a comment follows
 * every `keepAliveMs` of silence. Never errors.
 */
export function eventFrames(
  events$: Observable<RunEvent>,
  keepAliveMs: number,
  errorPayload: ((error: unknown) => ErrorPayload) | undefined,
): Observable<Uint8Array> {
  const frames$ = concat(events$.pipe(map(eventFrame)), of(DONE_FRAME)).pipe(
    catchError((error: unknown) => of(errorFrame(error, errorPayload))),
  );
  return keepAliveMs === 0 ? frames$ : frames$.pipe(withKeepAlive(keepAliveMs));
}

/**
 * Adds a keep-alive comment after every `period` of silence. A frame only stamps the clock; the
 * one timer sleeps until `period` after the last frame, so the per-event cost stays a clock read
 * rather than a timer reset per delta. Completing or unsubscribing stops the timer.
 */
function withKeepAlive(period: number): MonoTypeOperatorFunction<Uint8Array> {
  return (frames$) =>
    new Observable<Uint8Array>((subscriber) => {
      let lastFrameAt = asyncScheduler.now();
      const send = (frame: Uint8Array) => {
        lastFrameAt = asyncScheduler.now();
        subscriber.next(frame);
      };
      const silences = defer(() => timer(lastFrameAt + period - asyncScheduler.now()))
        .pipe(
          // A frame written while the timer slept moved the deadline: sleep again until then.
          filter(() => asyncScheduler.now() - lastFrameAt >= period),
          repeat(),
        )
        .subscribe(() => send(KEEP_ALIVE_FRAME));
      const frames = frames$.subscribe({
        next: send,
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        silences.unsubscribe();
        frames.unsubscribe();
      };
    });
}

/** `event: <name>` / `data: <json>` for one event; throws a `TypeError` for what no client could read back. */
function eventFrame(runEvent: RunEvent): Uint8Array {
  const { event, data } = (runEvent ?? {}) as { event?: unknown; data?: unknown };
  // A name must survive the trip: other names are skipped by the reading side, and a line break would
  // let the payload forge frames.
  if (typeof event !== 'string' || !event.startsWith('thread.') || /[\r\n]/.test(event)) {
    throw new TypeError(
      `Cannot relay an event named ${JSON.stringify(event)}; run event names are "thread.*" on one line.`,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError(`Cannot relay a "${event}" event: its data must be an object.`);
  }
  let json: string;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    throw new TypeError(
      `Cannot relay a "${event}" event: its data cannot be serialised as JSON: ${(error as Error).message}`,
    );
  }
  // JSON.stringify escapes CR and LF inside strings, so the data is always one line.
  return encoder.encode(`event: ${event}\ndata: ${json}\n\n`);
}

/** The `error` frame of an error, with the payload chosen by the caller or the default below. */
function errorFrame(error: unknown, custom: ((error: unknown) => ErrorPayload) | undefined): Uint8Array {
  let json: string | undefined;
  if (custom !== undefined) {
    try {
      json = JSON.stringify(custom(error));
    } catch {
      // A failing formatter must not leave the client hanging: fall back to the default payload.
    }
  }
  json ??= JSON.stringify(defaultErrorPayload(error));
  return encoder.encode(`event: error\ndata: ${json}\n\n`);
}

/**
 * The payload sent for an error: a `RunStreamError`'s own payload; an API error's status, code,
 * type, param and the server's message (not the backend URL); else the message alone. Never a stack.
 */
export function defaultErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof RunStreamError) return error.payload;
  if (error instanceof AssistantsApiError) {
    const { message = `The Assistants API answered HTTP ${error.status}.` } = errorFields(error.body);
    const payload: ErrorPayload & { status: number } = { message, status: error.status };
    if (error.code !== null) payload.code = error.code;
    if (error.type !== undefined) payload.type = error.type;
    if (error.param !== null) payload.param = error.param;
    return payload;
  }
  if (error instanceof Error) return { message: error.message };
  if (typeof error === 'string') return { message: error };
  return { message: 'The run failed.' };
}
