import { map, type Observable } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import { defaultErrorPayload } from '../relay/eventFrames';
import { type FrameBody, type FrameEnding, frameSettings } from '../relay/frameBody';
import { SSE_HEADERS } from '../relay/sseFrame';
import type { ResponseEvent } from '../responses/ResponseEvent';
import { type ToUIMessageStreamOptions, toUIMessageStream } from './toUIMessageStream';
import type { UIMessageStreamChunk } from './UIMessageStreamChunk';

/**
 * The UI message stream as a relay body, shared by `toUIMessageStreamResponse` and
 * `pipeUIMessageStreamToNodeResponse`: `data: <chunk JSON>` per chunk, `data: [DONE]` at the
 * end, in the format the AI SDK writes and reads (no `event:` line); keep-alive comments and the
 * bound on a reader that falls behind are the relay's. Internal.
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

/** `data: [DONE]`: the protocol's end of stream. */
const DONE_FRAME = 'data: [DONE]\n\n';

/** `data: <json>` and the blank line: JSON from `JSON.stringify` is always one line. */
const chunkFrame = (chunk: UIMessageStreamChunk): string => `data: ${JSON.stringify(chunk)}\n\n`;

/** An `error` chunk, then `[DONE]`: the reader shows the error and closes the message. */
const errorFrames = (errorText: string) => [chunkFrame({ type: 'error', errorText }), DONE_FRAME];

/**
 * How the stream ends. No `broken` frame: a write that fails ends it without a word (the client is
 * gone or the socket broke).
 */
const UI_ENDING: FrameEnding = {
  done: [DONE_FRAME],
  // toUIMessageStream never errors: this is a chunk JSON cannot hold.
  failed: (error) => errorFrames(defaultErrorPayload(error).message),
  fellBehind: (maxBufferedBytes) =>
    errorFrames(
      `The reader fell behind by more than ${maxBufferedBytes} bytes (maxBufferedBytes), so the stream was ended.`,
    ),
};

/**
 * The body of `events$` as a UI message stream: `events$` through {@link toUIMessageStream} (its
 * options apply), one frame per chunk, then `[DONE]`. Checks the options at call time (`caller`
 * names the public function in the messages).
 */
export function uiMessageFrames(
  caller: string,
  events$: Observable<RunEvent | ResponseEvent>,
  options: ToUIMessageStreamOptions & UIMessageFramesOptions,
): FrameBody {
  const { keepAliveMs, maxBufferedBytes, ...chunkOptions } = options;
  const settings = frameSettings(caller, { keepAliveMs, maxBufferedBytes });
  const frames$ = events$.pipe(toUIMessageStream(chunkOptions), map(chunkFrame));
  return { ...settings, frames$, ending: UI_ENDING };
}
