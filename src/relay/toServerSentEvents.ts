import type { Observable } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import type { ErrorPayload } from '../events/types';
import type { ResponseEvent } from '../responses/ResponseEvent';
import { bodyStream } from './bodyStream';
import { eventFrames } from './eventFrames';

/** Options of {@link toServerSentEvents}, shared by `toSSEResponse` and `pipeToNodeResponse`. */
export interface ToServerSentEventsOptions {
  /**
   * Writes an SSE comment (`: keep-alive`) after this many milliseconds without a frame, and again
   * every period while the run stays silent, so that proxies and load balancers do not close the
   * answer while the model thinks or a tool runs. Clients ignore comments. `0` or `false` turns it
   * off. Timed with RxJS `timer` on the async scheduler's clock, so `TestScheduler.run` and fake
   * timers control it.
   * @default 15000
   */
  keepAliveMs?: number | false | undefined;
  /**
   * Builds the payload of the `error` frame written when the events error, e.g. to hide internal
   * messages from browsers. If it throws, or returns what JSON cannot hold, the default payload is
   * sent. Not used for the relay's own `relay_backpressure` frame (see `maxBufferedBytes`).
   * @default a `RunStreamError`'s own payload; for an `AssistantsApiError` `{ message, status, code,
   *   type, param }` with the server's message; otherwise `{ message }` (never a stack trace)
   */
  errorPayload?: ((error: unknown) => ErrorPayload) | undefined;
  /**
   * How far the reader may fall behind: the bytes of frames written for it that it has not taken
   * yet (the stream's queue, or what `res` buffers plus what waits for its `drain`). A frame that
   * would go past it ends the stream instead: one `event: error` frame with the payload
   * `{ message, code: 'relay_backpressure' }` follows the frames already written, and the events
   * are unsubscribed, which for the library's sources cancels the run (as a client that disconnects
   * does). A reader that has taken everything gets any frame, however big, so set it above the
   * largest burst of events that arrives at once.
   * @default 8388608 (8 MiB)
   */
  maxBufferedBytes?: number | undefined;
}

/**
 * Writes run events or response events as Server-Sent Events in the API's own wire format, for
 * relaying a run or a response from a server to a browser (read it back with
 * `fromServerSentEvents`, passing `{ family: 'responses' }` for response events).
 *
 * ```
 * events$: --created--delta--delta--completed|
 * stream:  --[event: thread.run.created]--[…delta]--[…delta]--[…completed][event: done]|
 * events$: --created--#
 * stream:  --[event: thread.run.created]--[event: error]|
 * events$: --created--delta--delta--delta^    (the reader stopped taking: past maxBufferedBytes)
 * stream:  --[…created]--[…delta]--[…delta][event: error]|  (code relay_backpressure, after the queue)
 * ```
 *
 * Each event is one chunk, `event: <name>\ndata: <JSON>\n\n` (a run event's name and data; a
 * response event's `type` and the whole event, as the Responses API writes them), enqueued the
 * moment it is emitted (never batched); completion writes `event: done\ndata: [DONE]\n\n` and
 * closes the stream; an error writes one `event: error` frame (see `errorPayload`) and closes it.
 *
 * Lazy: `events$` is subscribed at the first read of the stream, not before. Cancelling the stream
 * (`reader.cancel()`, a client that disconnects, an aborted `Response`) unsubscribes, which for the
 * library's sources cancels the run on the server.
 *
 * Backpressure: an Observable cannot be paused, so frames that arrive faster than the reader takes
 * them wait in the stream's queue, in order. The queue counts bytes, and is bounded: once a frame
 * would put more than `maxBufferedBytes` in it, the relay ends the stream with a
 * `relay_backpressure` error frame after the frames queued (none is dropped) and unsubscribes the
 * events. While the reader keeps up, each frame goes straight to it.
 *
 * @example
 * ```ts
 * import { createRun, fetchClient, toServerSentEvents } from 'rxjs-assistants';
 *
 * const client = fetchClient({ apiKey: process.env.OPENAI_API_KEY });
 * const body = toServerSentEvents(createRun(client, { threadId: 'thread_abc', assistant_id: 'asst_abc' }));
 * return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
 * ```
 *
 * @throws {TypeError} at once for invalid options. Nothing is thrown later: an event that cannot be
 *   written (a run event name outside `thread.*`, a name or type with a line break, data that is
 *   not a JSON-serialisable object, such as one holding a BigInt or a cycle) ends the stream with
 *   an `error` frame naming it, after every earlier event.
 */
export function toServerSentEvents(
  events$: Observable<RunEvent | ResponseEvent>,
  options: ToServerSentEventsOptions = {},
): ReadableStream<Uint8Array> {
  if (typeof events$?.subscribe !== 'function') {
    throw new TypeError(
      'toServerSentEvents(events$) expects an Observable of run events or response events.',
    );
  }
  return bodyStream(eventFrames('toServerSentEvents', events$, options));
}
