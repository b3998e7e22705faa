import {
  asyncScheduler,
  catchError,
  concat,
  defer,
  filter,
  from,
  type MonoTypeOperatorFunction,
  map,
  Observable,
  repeat,
  timer,
} from 'rxjs';
import { checkByteLimit, checkDuration } from '../core/limits';

/**
 * The frame-agnostic core of every SSE answer the library writes: an Observable of frames (text
 * or bytes), how its protocol ends a stream, keep-alive comments, and the bound on a reader that
 * falls behind. The relay (`toServerSentEvents`, `pipeToNodeResponse`) and the UI message stream
 * (`toUIMessageStreamResponse`, `pipeUIMessageStreamToNodeResponse`) are each a body on top of
 * it, written by `bodyStream` (web) or `pipeBody` (Node). Internal.
 */

/** One frame as its protocol writes it: text (sent as UTF-8) or bytes. */
export type Frame = string | Uint8Array;

/**
 * How a protocol ends a stream: the frames to write, in order. A call that throws ends the stream
 * as a failed write does (the `broken` frame, if any).
 */
export interface FrameEnding {
  /** After the last frame. */
  readonly done: readonly Frame[];
  /** For an error of the frames (a value no frame can hold, a source that failed). */
  failed(error: unknown): readonly Frame[];
  /** For a reader that fell more than `maxBufferedBytes` behind. */
  fellBehind(maxBufferedBytes: number): readonly Frame[];
  /** A frame a writer tries once when writing itself failed (a `res.write` that threw); none if absent. */
  readonly broken?: ((error: unknown) => Frame) | undefined;
}

/** The options every SSE answer shares; the public helpers document them. */
export interface FrameOptions {
  keepAliveMs?: number | false | undefined;
  maxBufferedBytes?: number | undefined;
}

/** The options, checked once. */
export interface FrameSettings {
  /** 0: no keep-alive comments. */
  keepAliveMs: number;
  maxBufferedBytes: number;
}

/** What a writer writes: the frames, their ending and the settings. */
export interface FrameBody extends FrameSettings {
  readonly frames$: Observable<Frame>;
  readonly ending: FrameEnding;
}

/** How far a writer's reader is behind: the bytes written for it that it has not taken yet. */
export type Backlog = () => number;

/** 15 s: below the 30–120 s idle timeouts of common proxies and load balancers. */
const DEFAULT_KEEP_ALIVE_MS = 15_000;

/** 8 MiB: thousands of deltas of slack for a reader on a slow link, little memory per stream. */
const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

const encoder = new TextEncoder();

/** An SSE comment, which every client ignores; it only keeps proxies from closing an idle answer. */
const KEEP_ALIVE_FRAME = encoder.encode(': keep-alive\n\n');

/** A frame's bytes. */
export const bytesOf = (frame: Frame): Uint8Array =>
  typeof frame === 'string' ? encoder.encode(frame) : frame;

/** Checks the options at call time (`caller` names the public function in the messages). */
export function frameSettings(caller: string, options: FrameOptions): FrameSettings {
  const { keepAliveMs = DEFAULT_KEEP_ALIVE_MS, maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES } = options;
  checkByteLimit(`${caller}: maxBufferedBytes`, maxBufferedBytes);
  if (keepAliveMs === false) return { keepAliveMs: 0, maxBufferedBytes };
  checkDuration(`${caller}: keepAliveMs`, keepAliveMs, { zero: true });
  return { keepAliveMs, maxBufferedBytes };
}

/** The writer's own reason to end a stream (never seen outside: it becomes `fellBehind`'s frames). */
class ReaderFellBehind extends Error {}

/**
 * The bytes of a body: each frame as it comes, then the `done` frames, or the `failed` frames if
 * the frames error (the stream ends there either way). With a keep-alive period, a comment follows
 * every `keepAliveMs` of silence while the reader has taken everything. When a frame would put the
 * reader more than `maxBufferedBytes` behind, the stream ends instead with the `fellBehind` frames
 * and the frames are unsubscribed. Never errors, unless the ending throws.
 *
 * ```
 * frames$: --a--b--|
 * bytes:   --a--b--(done|)
 * frames$: --a--#
 * bytes:   --a--(failed|)
 * frames$: --a--b--c^        (the reader took nothing since a, and c goes past the bound)
 * bytes:   --a--b--(fellBehind|)
 * ```
 */
export function bodyBytes(body: FrameBody, backlog: Backlog = () => 0): Observable<Uint8Array> {
  const { frames$, ending, keepAliveMs, maxBufferedBytes } = body;
  const admitted = (frame: Frame): Uint8Array => {
    const bytes = bytesOf(frame);
    // A reader that has taken everything gets any frame, however big; one that has not gets no more
    // than the bound, since an Observable cannot be paused and holding on would have no limit.
    const waiting = backlog();
    if (waiting > 0 && waiting + bytes.byteLength > maxBufferedBytes) throw new ReaderFellBehind();
    return bytes;
  };
  const all$ = concat(frames$.pipe(map(admitted)), from(ending.done).pipe(map(bytesOf))).pipe(
    catchError((error: unknown) =>
      from(
        error instanceof ReaderFellBehind ? ending.fellBehind(maxBufferedBytes) : ending.failed(error),
      ).pipe(map(bytesOf)),
    ),
  );
  return keepAliveMs === 0 ? all$ : all$.pipe(withKeepAlive(keepAliveMs, backlog));
}

/**
 * Adds a keep-alive comment after every `period` of silence. A frame only stamps the clock; the
 * one timer sleeps until `period` after the last frame, so the per-frame cost stays a clock read
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
 * Runs a clean-up step whose failure has nowhere to go (a teardown of the caller's Observable that
 * throws, a stream already closed): thrown out of a writer's callback, it would crash the process.
 */
export function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // Nothing to report to: the stream it concerns is ending anyway.
  }
}
