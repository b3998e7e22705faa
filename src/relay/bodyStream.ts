import { Subscription } from 'rxjs';
import { bodyBytes, bytesOf, type FrameBody, quietly } from './frameBody';

/**
 * The web writer of a {@link FrameBody}: a `ReadableStream` of its bytes, and the `Response` that
 * carries one. Shared by `toServerSentEvents`/`toSSEResponse` and `toUIMessageStreamResponse`.
 * Internal.
 */

/**
 * The body's bytes as a lazy `ReadableStream`: the frames are subscribed at the first read and
 * unsubscribed when the stream is cancelled (a client that disconnects), and its queue counts
 * bytes, so that what the reader has not taken is the body's backlog. Nothing the frames or the
 * stream do is thrown out: a failure ends the stream instead.
 */
export function bodyStream(body: FrameBody): ReadableStream<Uint8Array> {
  const relay = new Subscription();
  const stop = () => quietly(() => relay.unsubscribe());
  const { broken } = body.ending;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        // Called again whenever the queue runs dry; the frames are pushed, so subscribe only once.
        if (started) return;
        started = true;
        // The queue counts bytes from a high-water mark of 0: -desiredSize is what the reader has
        // not taken (0 while a read waits, since a frame then goes straight to it).
        const backlog = () => -(controller.desiredSize ?? 0);
        const enqueue = (frame: Uint8Array) => {
          try {
            controller.enqueue(frame);
          } catch {
            // The stream is closed or errored already: no reader is left for the frames.
            stop();
          }
        };
        const close = () => {
          quietly(() => controller.close());
          stop();
        };
        relay.add(
          bodyBytes(body, backlog).subscribe({
            next: enqueue,
            error: (error: unknown) => {
              if (broken !== undefined) quietly(() => enqueue(bytesOf(broken(error))));
              close();
            },
            complete: close,
          }),
        );
      },
      cancel: stop,
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
  );
}

/** The status and headers of a web answer, as the public helpers take them. */
export interface ResponseHead {
  status: number;
  statusText: string | undefined;
  headers: HeadersInit;
}

/** A `Response` with `stream` as its body: the caller's `headers` set over `defaults`. */
export function bodyResponse(
  stream: ReadableStream<Uint8Array>,
  defaults: Readonly<Record<string, string>>,
  head: ResponseHead,
): Response {
  const { status, statusText, headers } = head;
  const extra = new Headers(headers);
  const merged = new Headers();
  for (const [name, value] of Object.entries(defaults)) {
    if (!extra.has(name)) merged.set(name, value);
  }
  // Appended, not set, so that several `set-cookie` headers all survive.
  extra.forEach((value, name) => {
    merged.append(name, value);
  });
  return new Response(stream, {
    status,
    headers: merged,
    ...(statusText === undefined ? {} : { statusText }),
  });
}
