import type { Observable, Subscription } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import type { ErrorPayload } from '../events/types';
import { eventFrames, keepAlivePeriod } from './eventFrames';

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
   * messages from browsers. If it throws, the default payload is sent.
   * @default a `RunStreamError`'s own payload; for an `AssistantsApiError` `{ message, status, code,
   *   type, param }` with the server's message; otherwise `{ message }` (never a stack trace)
   */
  errorPayload?: ((error: unknown) => ErrorPayload) | undefined;
}

/**
 * Writes run events as Server-Sent Events in the Assistants API's own wire format, for relaying a
 * run from a server to a browser (read it back with `fromServerSentEvents`).
 *
 * ```
 * events$: --created--delta--delta--completed|
 * stream:  --[event: thread.run.created]--[…delta]--[…delta]--[…completed][event: done]|
 * events$: --created--#
 * stream:  --[event: thread.run.created]--[event: error]|
 * ```
 *
 * Each event is one chunk, `event: <name>\ndata: <JSON>\n\n`, enqueued the moment it is emitted
 * (never batched); completion writes `event: done\ndata: [DONE]\n\n` and closes the stream; an
 * error writes one `event: error` frame (see `errorPayload`) and closes it.
 *
 * Lazy: `events$` is subscribed at the first read of the stream, not before. Cancelling the stream
 * (`reader.cancel()`, a client that disconnects, an aborted `Response`) unsubscribes, which for the
 * library's sources cancels the run on the server.
 *
 * Backpressure: an Observable cannot be paused, so frames that arrive faster than the reader takes
 * them wait in the stream's queue, in order, and none is dropped. The queue counts events (one
 * chunk each) with a high-water mark of 0, so `desiredSize` is minus the number of frames waiting.
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
 * @throws {TypeError} at once for invalid options. An event that cannot be written (a name outside
 *   `thread.*` or with a line break, data that is not a JSON-serialisable object) ends the stream
 *   with an `error` frame naming it, after every earlier event.
 */
export function toServerSentEvents(
  events$: Observable<RunEvent>,
  options: ToServerSentEventsOptions = {},
): ReadableStream<Uint8Array> {
  if (typeof events$?.subscribe !== 'function') {
    throw new TypeError('toServerSentEvents(events$) expects an Observable of run events.');
  }
  const keepAliveMs = keepAlivePeriod('toServerSentEvents', options);
  const frames$ = eventFrames(events$, keepAliveMs, options.errorPayload);
  let subscription: Subscription | undefined;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        // Called again whenever the queue runs dry; the events are pushed, so subscribe only once.
        if (subscription !== undefined) return;
        subscription = frames$.subscribe({
          next: (frame) => controller.enqueue(frame),
          complete: () => controller.close(),
        });
      },
      cancel() {
        subscription?.unsubscribe();
      },
    },
    { highWaterMark: 0, size: () => 1 },
  );
}
