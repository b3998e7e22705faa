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
import { type Backlog, defaultErrorPayload, KEEP_ALIVE_FRAME, type ReaderBound } from '../relay/eventFrames';
import { SSE_HEADERS } from '../relay/sseFrame';
import type { UIMessageStreamChunk } from './UIMessageStreamChunk';

/**
 * The UI message stream as SSE bytes, shared by `toUIMessageStreamResponse` and
 * `pipeUIMessageStreamToNodeResponse`: `data: <chunk JSON>` per chunk, `data: [DONE]` at the
 * end, keep-alive comments, and the relay's bound on a reader that falls behind. The format the
 * AI SDK writes and reads (no `event:` line). Internal.
 */

/** Options of the UI message stream's SSE answer (checked by the relay's `frameSettings`). */
export interface UIMessageFramesOptions {
  /**
   * Writes an SSE comment (`: keep-alive`) after this many milliseconds without a chunk, so that
   * proxies do not close the answer while the model thinks or a tool runs; readers ignore
   * comments. `0` or `false` turns it off.
   * @default 15000
   */
  keepAliveMs?: number | false | undefined;
  /**
   * How far the reader may fall behind, in bytes written for it that it has not taken yet. A chunk
   * that would go past it ends the stream instead: an `error` chunk saying so, then
   * `data: [DONE]`, and the events are unsubscribed (for the library's sources: the run is
   * cancelled, as on a disconnect).
   * @default 8388608 (8 MiB)
   */
  maxBufferedBytes?: number | undefined;
}

/** The headers of a UI message stream answer: the relay's SSE headers and the protocol's version. */
export const UI_MESSAGE_STREAM_HEADERS: Readonly<Record<string, string>> = {
  ...SSE_HEADERS,
  'x-vercel-ai-ui-message-stream': 'v1',
};

const encoder = new TextEncoder();

/** `data: [DONE]`: the protocol's end of stream. */
const DONE_FRAME = encoder.encode('data: [DONE]\n\n');

/** `data: <json>` and the blank line: JSON from `JSON.stringify` is always one line. */
const chunkFrame = (chunk: UIMessageStreamChunk): Uint8Array =>
  encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`);

/** The stream's own reason to end: the reader fell behind by more than the bound. */
class ReaderFellBehind extends Error {
  constructor(maxBufferedBytes: number) {
    super(
      `The reader fell behind by more than ${maxBufferedBytes} bytes (maxBufferedBytes), so the stream was ended.`,
    );
  }
}

/**
 * The frames of `chunks$`, then `[DONE]`. A chunk that would put the reader more than
 * `maxBufferedBytes` behind (one that has taken everything gets any chunk) ends the stream with
 * an `error` chunk and unsubscribes `chunks$`; so does a chunk JSON cannot hold. Never errors.
 */
export function uiMessageFrames(
  chunks$: Observable<UIMessageStreamChunk>,
  keepAliveMs: number,
  bound: ReaderBound,
): Observable<Uint8Array> {
  const { backlog, maxBufferedBytes } = bound;
  const admitted = (chunk: UIMessageStreamChunk): Uint8Array => {
    const frame = chunkFrame(chunk);
    const waiting = backlog();
    if (waiting > 0 && waiting + frame.byteLength > maxBufferedBytes)
      throw new ReaderFellBehind(maxBufferedBytes);
    return frame;
  };
  const frames$ = concat(chunks$.pipe(map(admitted)), of(DONE_FRAME)).pipe(
    catchError((error: unknown) => {
      const errorText =
        error instanceof ReaderFellBehind ? error.message : defaultErrorPayload(error).message;
      return of(chunkFrame({ type: 'error', errorText }), DONE_FRAME);
    }),
  );
  return keepAliveMs === 0 ? frames$ : frames$.pipe(withKeepAlive(keepAliveMs, backlog));
}

/**
 * A keep-alive comment after every `period` of silence, while the reader has taken everything
 * (bytes still waiting already keep the line busy). One timer, sleeping until `period` after the
 * last frame, so a chunk costs a clock read rather than a timer reset. Stops with the frames.
 */
function withKeepAlive(period: number, backlog: Backlog): MonoTypeOperatorFunction<Uint8Array> {
  return (frames$) =>
    new Observable<Uint8Array>((subscriber) => {
      let lastFrameAt = asyncScheduler.now();
      const send = (frame: Uint8Array) => {
        lastFrameAt = asyncScheduler.now();
        subscriber.next(frame);
      };
      const beats = defer(() => timer(lastFrameAt + period - asyncScheduler.now()))
        .pipe(
          filter(() => asyncScheduler.now() - lastFrameAt >= period),
          repeat(),
        )
        .subscribe(() => {
          if (backlog() === 0) send(KEEP_ALIVE_FRAME);
          else lastFrameAt = asyncScheduler.now();
        });
      const frames = frames$.subscribe({
        next: send,
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        beats.unsubscribe();
        frames.unsubscribe();
      };
    });
}
