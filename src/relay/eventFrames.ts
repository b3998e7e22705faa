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
import { checkByteLimit, checkDuration } from '../core/limits';
import { AssistantsApiError } from '../errors/AssistantsApiError';
import { RunStreamError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import type { ErrorPayload } from '../events/types';
import { isResponseEvent, type ResponseEvent } from '../responses/ResponseEvent';
import { SSE_DONE_FRAME, sseFrame } from './sseFrame';

/**
 * The SSE frames of a run or a response, as bytes, and the bound on what a relay holds for a
 * reader that falls behind: the encoder shared by `toServerSentEvents` and `pipeToNodeResponse`.
 * Internal.
 */

/** Options of the frame encoder; the public helpers document them. */
export interface EventFramesOptions {
  keepAliveMs?: number | false | undefined;
  errorPayload?: ((error: unknown) => ErrorPayload) | undefined;
  maxBufferedBytes?: number | undefined;
}

/** The options, checked once: what {@link eventFrames} and the relays need. */
export interface FrameSettings {
  /** 0: no keep-alive comments. */
  keepAliveMs: number;
  errorPayload: ((error: unknown) => ErrorPayload) | undefined;
  maxBufferedBytes: number;
}

/** How far a relay's reader is behind: the bytes written for it that it has not taken yet. */
export type Backlog = () => number;

/** 15 s: below the 30–120 s idle timeouts of common proxies and load balancers. */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

/** 8 MiB: thousands of deltas of slack for a reader on a slow link, little memory per stream. */
export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** The `code` of the `error` frame that ends a stream whose reader fell behind. */
const BACKPRESSURE_CODE = 'relay_backpressure';

const encoder = new TextEncoder();

/** `event: done` / `data: [DONE]`: the API's end of stream. */
export const DONE_FRAME = encoder.encode(SSE_DONE_FRAME);

/** An SSE comment, which every client ignores; it only keeps proxies from closing an idle answer. */
export const KEEP_ALIVE_FRAME = encoder.encode(': keep-alive\n\n');

/** The payload of last resort, for an error whose own payload cannot be serialised. */
const FALLBACK_ERROR_FRAME = encoder.encode(sseFrame('error', '{"message":"The run failed."}'));

/** Checks the options at call time (`caller` names the public function in the messages). */
export function frameSettings(caller: string, options: EventFramesOptions): FrameSettings {
  const {
    keepAliveMs = DEFAULT_KEEP_ALIVE_MS,
    errorPayload,
    maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES,
  } = options;
  if (errorPayload !== undefined && typeof errorPayload !== 'function') {
    throw new TypeError(`${caller}: errorPayload must be a function (error) => ({ message, ... }).`);
  }
  checkByteLimit(`${caller}: maxBufferedBytes`, maxBufferedBytes);
  if (keepAliveMs === false) return { keepAliveMs: 0, errorPayload, maxBufferedBytes };
  checkDuration(`${caller}: keepAliveMs`, keepAliveMs, { zero: true });
  return { keepAliveMs, errorPayload, maxBufferedBytes };
}

/** What a relay's reader may fall behind by: its backlog, read before each frame, and the limit. */
export interface ReaderBound {
  backlog: Backlog;
  maxBufferedBytes: number;
}

/** A reader that always keeps up (no bound): for callers that only want the frames. */
const NO_BOUND: ReaderBound = { backlog: () => 0, maxBufferedBytes: Number.POSITIVE_INFINITY };

/**
 * The frames of `events$`: one chunk per event, then the `done` frame, or an `error` frame if the
 * events error (the stream ends there either way). With a keep-alive period, a comment follows
 * every `keepAliveMs` of silence while the reader has taken everything. When a frame would put the
 * reader more than `maxBufferedBytes` behind, the stream ends instead with the `relay_backpressure`
 * error frame and `events$` is unsubscribed. Never errors.
 */
export function eventFrames(
  events$: Observable<RunEvent | ResponseEvent>,
  keepAliveMs: number,
  errorPayload: ((error: unknown) => ErrorPayload) | undefined,
  bound: ReaderBound = NO_BOUND,
): Observable<Uint8Array> {
  const { backlog, maxBufferedBytes } = bound;
  const admitted = (event: RunEvent | ResponseEvent): Uint8Array => {
    const frame = eventFrame(event);
    // A reader that has taken everything gets any frame, however big; one that has not gets no more
    // than the bound, since an Observable cannot be paused and holding on would have no limit.
    const waiting = backlog();
    if (waiting > 0 && waiting + frame.byteLength > maxBufferedBytes) {
      throw new ReaderFellBehind(maxBufferedBytes);
    }
    return frame;
  };
  const frames$ = concat(events$.pipe(map(admitted)), of(DONE_FRAME)).pipe(
    catchError((error: unknown) =>
      of(error instanceof ReaderFellBehind ? error.frame : errorFrame(error, errorPayload)),
    ),
  );
  return keepAliveMs === 0 ? frames$ : frames$.pipe(withKeepAlive(keepAliveMs, backlog));
}

/**
 * The relay's own reason to end a stream, written as is (not through `errorPayload`: it holds no
 * detail of the server to hide, and the reading side needs its code).
 */
class ReaderFellBehind extends Error {
  readonly frame: Uint8Array;

  constructor(maxBufferedBytes: number) {
    const payload: ErrorPayload = {
      message: `The reader fell behind by more than ${maxBufferedBytes} bytes (maxBufferedBytes), so the relay ended the stream.`,
      code: BACKPRESSURE_CODE,
    };
    super(payload.message);
    this.frame = encoder.encode(sseFrame('error', JSON.stringify(payload)));
  }
}

/**
 * Adds a keep-alive comment after every `period` of silence. A frame only stamps the clock; the
 * one timer sleeps until `period` after the last frame, so the per-event cost stays a clock read
 * rather than a timer reset per delta. Completing or unsubscribing stops the timer.
 */
function withKeepAlive(period: number, backlog: Backlog): MonoTypeOperatorFunction<Uint8Array> {
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
        .subscribe(() => {
          // Bytes still waiting for the reader already keep the line busy: a comment would only
          // queue up behind them (one per period, for as long as the reader stalls).
          if (backlog() === 0) send(KEEP_ALIVE_FRAME);
          else lastFrameAt = asyncScheduler.now();
        });
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

/**
 * `event: <name>` / `data: <json>` for one event: a run event's name and data, or a response
 * event's type and the whole event (as the Responses API sends it). Throws a `TypeError` for what
 * no client could read back.
 */
function eventFrame(value: RunEvent | ResponseEvent): Uint8Array {
  const response = isResponseEvent(value);
  let event: unknown;
  let data: unknown;
  if (response) {
    event = value.type;
    data = value;
  } else {
    ({ event, data } = (value ?? {}) as { event?: unknown; data?: unknown });
  }
  // A name must survive the trip: the reading side skips run events outside `thread.*`, and a line
  // break would let the payload forge frames.
  if (typeof event !== 'string' || /[\r\n]/.test(event) || !(response || event.startsWith('thread.'))) {
    throw new TypeError(
      `Cannot relay an event named ${JSON.stringify(event)}; run event names are "thread.*" and response event types a string, on one line.`,
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
  return encoder.encode(sseFrame(event, json));
}

/**
 * The `error` frame of an error, with the payload chosen by the caller or the default below. Never
 * throws: a formatter that fails falls back to the default payload, and a payload JSON cannot hold
 * (a BigInt, a cycle) to a generic one, so the client is never left hanging.
 */
export function errorFrame(
  error: unknown,
  custom: ((error: unknown) => ErrorPayload) | undefined,
): Uint8Array {
  let json: string | undefined;
  if (custom !== undefined) json = jsonOf(() => custom(error));
  json ??= jsonOf(() => defaultErrorPayload(error));
  return json === undefined ? FALLBACK_ERROR_FRAME : encoder.encode(sseFrame('error', json));
}

/** The JSON of what `payload` returns, or `undefined` when it throws or JSON cannot hold it. */
function jsonOf(payload: () => unknown): string | undefined {
  try {
    return JSON.stringify(payload());
  } catch {
    return undefined;
  }
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

/**
 * Runs a clean-up step whose failure has nowhere to go (a teardown of the caller's Observable that
 * throws, a stream already closed): thrown out of a relay's callback, it would crash the process.
 */
export function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // Nothing to report to: the stream it concerns is ending anyway.
  }
}
