/**
 * The Server-Sent Events wire format of the Assistants API, in one place: the frame of one event,
 * the `done` frame and the headers of an SSE answer. The relay (`toServerSentEvents`,
 * `toSSEResponse`, `pipeToNodeResponse`) and the emulator both write with it, so they put the same
 * bytes on the wire. Internal.
 */

/**
 * `event: <event>` / `data: <data>` and the blank line that ends the frame. Both must be one line
 * (no CR or LF); JSON from `JSON.stringify` always is.
 */
export function sseFrame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/** `event: done` / `data: [DONE]`: the API's end of stream. */
export const SSE_DONE_FRAME = sseFrame('done', '[DONE]');

/**
 * The headers of every SSE answer: the content type, no caching and no transforming proxy (a
 * compressing one would hold frames back), and `x-accel-buffering: no` so nginx passes each frame
 * through at once.
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** {@link SSE_HEADERS} for a Node `http.ServerResponse`, which also keeps the connection open. */
export const NODE_SSE_HEADERS: Readonly<Record<string, string>> = {
  ...SSE_HEADERS,
  connection: 'keep-alive',
};
