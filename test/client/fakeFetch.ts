import { fetchClient } from '../../src/client/fetchClient';

/**
 * Test doubles for the HTTP clients: a fake `fetch` that records what it was asked and answers
 * from a function, and byte streams built from given chunks.
 */

/** One request as the fake fetch saw it. */
export interface SeenRequest {
  url: URL;
  method: string;
  headers: Headers;
  /** The parsed JSON body, or `undefined` when none was sent. */
  body: unknown;
  signal: AbortSignal | undefined;
}

export type Answer = (request: SeenRequest, attempt: number) => Response | Promise<Response>;

/** A fetch that records each call and answers with `answer` (called with the 0-based call index). */
export function fakeFetch(answer: Answer) {
  const calls: SeenRequest[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const text = typeof init.body === 'string' ? init.body : undefined;
    const seen: SeenRequest = {
      url: new URL(String(input)),
      method: (init.method ?? 'GET').toUpperCase(),
      headers: new Headers(init.headers),
      body: text === undefined ? undefined : JSON.parse(text),
      signal: init.signal ?? undefined,
    };
    calls.push(seen);
    return answer(seen, calls.length - 1);
  };
  return { fetch, calls };
}

/** A JSON answer. */
export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** An answer whose body streams `chunks`, one per read. */
export const sse = (
  chunks: readonly (string | Uint8Array)[],
  headers: Record<string, string> = {},
): Response =>
  new Response(chunkStream(chunks), {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', ...headers },
  });

const encoder = new TextEncoder();

/**
 * A byte stream that hands out one chunk per pull, then closes, errors with `end`, or (`'hang'`)
 * stays open until cancelled; `onCancel` sees a cancellation.
 */
export function chunkStream(
  chunks: readonly (string | Uint8Array)[],
  hooks: { onCancel?: (reason: unknown) => void; end?: 'close' | 'hang' | Error } = {},
): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[next++];
        if (chunk !== undefined) {
          controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
        } else if (hooks.end instanceof Error) controller.error(hooks.end);
        else if (hooks.end !== 'hang') controller.close();
      },
      cancel(reason) {
        hooks.onCancel?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** A promise that rejects like fetch does when `signal` aborts, and never settles otherwise. */
export function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    signal?.addEventListener(
      'abort',
      () => reject(new DOMException('This operation was aborted', 'AbortError')),
      {
        once: true,
      },
    );
  });
}

/** Splits bytes at the given offsets (sorted, deduplicated, empty pieces dropped). */
export function splitAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(offsets)].filter((n) => n > 0 && n < bytes.length).sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const cut of cuts) {
    pieces.push(bytes.subarray(from, cut));
    from = cut;
  }
  pieces.push(bytes.subarray(from));
  return pieces.filter((piece) => piece.length > 0);
}

/** Offsets worth cutting at: inside every `\n\n`, and inside every multi-byte character. */
export function trickyOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = [];
  for (let i = 1; i < bytes.length; i++) {
    const isContinuation = ((bytes[i] ?? 0) & 0xc0) === 0x80;
    if (isContinuation || (bytes[i - 1] === 0x0a && bytes[i] === 0x0a)) offsets.push(i);
  }
  return offsets;
}

/** A fetchClient (no retries) on a fake fetch whose every answer streams `chunks`. */
export const streamingClient = (chunks: readonly (string | Uint8Array)[]) =>
  fetchClient({
    apiKey: 'k',
    baseURL: 'https://api.example.test/v1',
    fetch: fakeFetch(() => sse(chunks)).fetch,
    maxRetries: 0,
  });
