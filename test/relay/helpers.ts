import fc from 'fast-check';
import type { Observable } from 'rxjs';
import { expect } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { fromServerSentEvents } from '../../src/relay/fromServerSentEvents';
import { toServerSentEvents } from '../../src/relay/toServerSentEvents';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import { seeded } from '../helpers/seeded';

/** Helpers of the relay tests: byte streams in and out, and what an Observable delivered. */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const utf8 = (text: string): Uint8Array => encoder.encode(text);
export const text = (bytes: Uint8Array): string => decoder.decode(bytes);

/** Every chunk of a stream, read to its end. */
export async function readChunks(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

/** The chunks joined into one array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

/** `bytes` cut at the given offsets (any order, repeats and out-of-range ones ignored). */
export function splitAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(offsets)].filter((at) => at > 0 && at < bytes.length).sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    parts.push(bytes.slice(start, cut));
    start = cut;
  }
  return parts;
}

/** A stream handing out one of `chunks` per pull, then closing. */
export function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[next++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
}

/** What an Observable delivered: its events, and the error it ended with, if any. */
export interface Outcome<T = RunEvent> {
  events: T[];
  error?: unknown;
}

export function collect<T = RunEvent>(events$: Observable<T>): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    const events: T[] = [];
    events$.subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => resolve({ events, error }),
      complete: () => resolve({ events }),
    });
  });
}

/** Bytes of the relayed stream, without keep-alives (the tests are about content, not timing). */
export const relayBytes = async (events$: Observable<RunEvent | ResponseEvent>): Promise<Uint8Array> =>
  concatBytes(await readChunks(toServerSentEvents(events$, { keepAliveMs: false })));

/** What `fromServerSentEvents` reads from `bytes` cut at `cuts`: run events. */
export const readBack = (bytes: Uint8Array, cuts: readonly number[]): Promise<Outcome> =>
  collect(fromServerSentEvents(streamOf(splitAt(bytes, cuts))));

/** What `fromServerSentEvents` reads from `bytes` cut at `cuts`: response events. */
export const readBackResponses = (
  bytes: Uint8Array,
  cuts: readonly number[],
): Promise<Outcome<ResponseEvent>> =>
  collect(fromServerSentEvents(streamOf(splitAt(bytes, cuts)), { family: 'responses' }));

/** `read` gives `expected` back from `bytes` cut one byte at a time, and cut anywhere (property). */
export async function expectSameAtAnyCut<T>(
  bytes: Uint8Array,
  read: (bytes: Uint8Array, cuts: readonly number[]) => Promise<Outcome<T>>,
  expected: Outcome<T>,
): Promise<void> {
  expect(
    await read(
      bytes,
      Array.from({ length: bytes.length }, (_, i) => i),
    ),
  ).toEqual(expected);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat({ max: bytes.length }), { maxLength: 60 }), async (cuts) => {
      expect(await read(bytes, cuts)).toEqual(expected);
    }),
    seeded(30),
  );
}

/** The event as it looks after a trip through JSON (what any reader of the wire can get back). */
export const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * Records what escapes to the process (an uncaught exception, an unhandled rejection) until
 * `stop()`; `settle()` first waits long enough for RxJS to report an error nobody handled (it
 * rethrows those on a timer).
 */
export function watchEscapes(): { escaped: unknown[]; settle(): Promise<void>; stop(): void } {
  const escaped: unknown[] = [];
  const record = (error: unknown) => escaped.push(error);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    escaped,
    settle: () => new Promise((resolve) => setTimeout(resolve, 20)),
    stop: () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}

/** The body of a raw HTTP/1.1 answer sent with `transfer-encoding: chunked`. */
export function dechunk(raw: Buffer): Buffer {
  let at = raw.indexOf('\r\n\r\n') + 4;
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) return Buffer.concat(parts);
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
