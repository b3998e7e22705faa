import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { finalize, interval, map, mergeMap, NEVER, type Observable, range, Subject, take, tap } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { fromServerSentEvents } from '../../src/relay/fromServerSentEvents';
import { pipeToNodeResponse } from '../../src/relay/pipeToNodeResponse';
import { toServerSentEvents } from '../../src/relay/toServerSentEvents';
import { toSSEResponse } from '../../src/relay/toSSEResponse';
import { aTextContent } from '../../src/testing/builders';
import { messageCompleted } from '../../src/testing/eventBuilders';
import { collect, dechunk, text } from './helpers';

/**
 * Relays and readers that fall behind: what a relay holds for its reader stays under
 * `maxBufferedBytes` (give or take one frame); past it the stream ends with one `relay_backpressure`
 * error frame after every frame already accepted, and the events are unsubscribed at once (which
 * cancels a library run). Measured in bytes held, never in RSS or time.
 */

const delta = (i: number, padding = '') =>
  ({
    event: 'thread.message.delta',
    data: {
      id: 'msg_1',
      delta: { content: [{ index: 0, type: 'text', text: { value: `token ${i} ${padding}` } }] },
    },
  }) as RunEvent;
/** A delta of about 1.6 kB, the size of the frames in the report of this defect. */
const wide = (i: number) => delta(i, 'x'.repeat(1500));
const frame = (event: RunEvent) => `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
const bytesOf = (event: RunEvent) => Buffer.byteLength(frame(event));
const DONE = 'event: done\ndata: [DONE]\n\n';
const ERROR_HEAD = 'event: error\ndata: ';
/** Room for the frame being decided on and the error frame, above the limit. */
const SLACK = 2 * bytesOf(wide(999_999)) + 300;
const MiB = 1024 * 1024;

/** A run's events, counted as they are emitted; `sample` runs after each one. */
function metered(events$: Observable<RunEvent>, sample: () => void = () => {}) {
  const meter = {
    emitted: 0,
    bytes: 0,
    unsubscribed: false,
    events$: events$.pipe(
      tap((event) => {
        meter.emitted++;
        meter.bytes += bytesOf(event);
        sample();
      }),
      finalize(() => {
        meter.unsubscribed = true;
      }),
    ),
  };
  return meter;
}

/**
 * Checks a stream cut by backpressure: the deltas 0..n-1 in order (none dropped or reordered),
 * then the error frame naming the limit. Returns n.
 */
function expectCutByBackpressure(body: string, limit: number, event = delta): number {
  const frames = body.split('\n\n').slice(0, -1);
  const last = frames.pop() ?? '';
  expect(last.startsWith(ERROR_HEAD)).toBe(true);
  expect(JSON.parse(last.slice(ERROR_HEAD.length))).toEqual({
    message: expect.stringContaining(`more than ${limit} bytes`),
    code: 'relay_backpressure',
  });
  expect(frames.map((f) => `${f}\n\n`)).toEqual(frames.map((_, i) => frame(event(i))));
  return frames.length;
}

describe('pipeToNodeResponse backpressure (real node:http server)', () => {
  let server: Server | undefined;

  afterEach(async () => {
    const closing = server;
    server = undefined;
    // close() resolves only once every connection has ended: a response left open would hang here.
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  });

  async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
    server = createServer(handle);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  /** A client that sends its request and then never reads (until `readToEnd`). */
  async function stalledClient(port: number, path: string): Promise<Socket> {
    const socket = connect(port, '127.0.0.1');
    // Paused before connecting: not one byte is read from the kernel.
    socket.pause();
    await once(socket, 'connect');
    socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`);
    return socket;
  }

  /** Reads the answer up to its last chunk (the relay asks for keep-alive, so no close follows). */
  async function readToEnd(socket: Socket): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of socket) {
      chunks.push(chunk as Buffer);
      if (Buffer.concat(chunks.slice(-2)).toString('latin1').endsWith('\r\n0\r\n\r\n')) break;
    }
    socket.destroy();
    return dechunk(Buffer.concat(chunks)).toString('utf8');
  }

  /** Counts what the relay hands to `res`, so the test knows what it still holds. */
  function countWrites(res: ServerResponse): { written: number } {
    const counter = { written: 0 };
    const write = res.write.bind(res) as (chunk: Uint8Array) => boolean;
    (res as { write: (chunk: Uint8Array) => boolean }).write = (chunk) => {
      counter.written += chunk.byteLength;
      return write(chunk);
    };
    return counter;
  }

  it('the reported case, a burst of 200,000 events (320 MB) to a client that never reads: bounded by the 8 MiB default; once the client reads, every frame accepted, then the error frame', async () => {
    let maxHeld = 0;
    let heldNow = () => 0;
    const source = metered(range(0, 200_000).pipe(map(wide)), () => {
      maxHeld = Math.max(maxHeld, heldNow());
    });
    const port = await serve((_req, res) => {
      const counter = countWrites(res);
      // Bytes emitted but not yet handed to res, plus what res itself buffers.
      heldNow = () => source.bytes - counter.written + res.writableLength;
      pipeToNodeResponse(source.events$, res);
    });
    const socket = await stalledClient(port, '/');

    await vi.waitFor(() => expect(source.unsubscribed).toBe(true), { timeout: 5_000, interval: 5 });
    expect(source.emitted).toBeLessThan(200_000);
    expect(source.bytes).toBeGreaterThan(8 * MiB);
    expect(maxHeld).toBeLessThanOrEqual(8 * MiB + SLACK);
    expect(heldNow()).toBeLessThanOrEqual(8 * MiB + SLACK);

    const delivered = expectCutByBackpressure(await readToEnd(socket), 8 * MiB, wide);
    // Every event the relay accepted reached the client, in order.
    expect(delivered).toBe(source.emitted - 1);
  });

  it('a fast source and a client whose socket is full: held bytes stay under maxBufferedBytes while another stream on the server completes', async () => {
    const limit = 256 * 1024;
    let maxHeld = 0;
    let heldNow = () => 0;
    const source = metered(
      interval(0).pipe(mergeMap((tick) => range(tick * 100, 100).pipe(map(wide)))),
      () => {
        maxHeld = Math.max(maxHeld, heldNow());
      },
    );
    let stalledRes: ServerResponse | undefined;
    const port = await serve((req, res) => {
      if (req.url === '/ok') {
        pipeToNodeResponse(
          interval(2).pipe(
            take(20),
            map((i) => delta(i)),
          ),
          res,
          { maxBufferedBytes: limit },
        );
        return;
      }
      stalledRes = res;
      const counter = countWrites(res);
      heldNow = () => source.bytes - counter.written + res.writableLength;
      pipeToNodeResponse(source.events$, res, { maxBufferedBytes: limit, keepAliveMs: false });
    });
    const socket = await stalledClient(port, '/stall');
    const other = fetch(`http://127.0.0.1:${port}/ok`).then((response) =>
      collect(fromServerSentEvents(response)),
    );

    await vi.waitFor(() => expect(source.unsubscribed).toBe(true), { timeout: 15_000, interval: 5 });
    expect(maxHeld).toBeLessThanOrEqual(limit + SLACK);
    expect(heldNow()).toBeLessThanOrEqual(limit + SLACK);
    // The socket really was full: the relay waited for the client, not only for its own limit.
    expect(stalledRes?.writableNeedDrain).toBe(true);
    expect(stalledRes?.writableEnded).toBe(false);

    expect(await other).toEqual({ events: Array.from({ length: 20 }, (_, i) => delta(i)) });
    socket.destroy();
  });

  it('a client that keeps up gets everything, however much more than maxBufferedBytes the run sends', async () => {
    const port = await serve((_req, res) => {
      pipeToNodeResponse(
        interval(0).pipe(
          take(300),
          map((i) => delta(i)),
        ),
        res,
        { maxBufferedBytes: 1024 },
      );
    });
    const outcome = await collect(fromServerSentEvents(await fetch(`http://127.0.0.1:${port}/`)));
    expect(outcome).toEqual({ events: Array.from({ length: 300 }, (_, i) => delta(i)) });
  });
});

describe('toServerSentEvents backpressure (the stream’s own queue)', () => {
  it('a reader that stops pulling: the queue stays under maxBufferedBytes, then the error frame ends it and the events are unsubscribed', async () => {
    const limit = 64 * 1024;
    let consumed = 0;
    let maxQueued = 0;
    const source = metered(range(0, 200_000).pipe(map((i) => delta(i))), () => {
      maxQueued = Math.max(maxQueued, source.bytes - consumed);
    });
    const reader = toServerSentEvents(source.events$, { maxBufferedBytes: limit }).getReader();

    // The first read subscribes; the whole burst arrives before the reader pulls again.
    const first = (await reader.read()).value!;
    consumed += first.byteLength;
    expect(source.unsubscribed).toBe(true);
    expect(source.emitted).toBeLessThan(2 * (limit / bytesOf(delta(0))));
    expect(maxQueued).toBeLessThanOrEqual(limit + SLACK);

    const chunks = [text(first)];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(text(value));
    }
    expect(expectCutByBackpressure(chunks.join(''), limit)).toBe(source.emitted - 1);
  });

  it('a reader slower than the run: a bounded queue, and the error frame after every frame it held', async () => {
    const limit = 16 * 1024;
    let consumed = 0;
    let maxQueued = 0;
    const source = metered(
      interval(0).pipe(mergeMap((tick) => range(tick * 20, 20).pipe(map((i) => delta(i))))),
      () => {
        maxQueued = Math.max(maxQueued, source.bytes - consumed);
      },
    );
    const reader = toServerSentEvents(source.events$, {
      maxBufferedBytes: limit,
      keepAliveMs: false,
    }).getReader();
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      consumed += value.byteLength;
      chunks.push(text(value));
      // One frame per few milliseconds, while the run sends 20 per millisecond.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(source.unsubscribed).toBe(true);
    expect(maxQueued).toBeLessThanOrEqual(limit + SLACK);
    expect(expectCutByBackpressure(chunks.join(''), limit)).toBe(source.emitted - 1);
  });

  it('a reader that keeps up is never cut, and one frame bigger than the limit passes an empty queue', async () => {
    const events = new Subject<RunEvent>();
    const reader = toServerSentEvents(events, { maxBufferedBytes: 1024, keepAliveMs: false }).getReader();
    const big: RunEvent = messageCompleted({ content: [aTextContent('x'.repeat(4096))] });
    const read = reader.read();
    await new Promise((resolve) => setImmediate(resolve));
    events.next(big);
    expect(text((await read).value!)).toBe(frame(big));
    for (let i = 0; i < 100; i++) {
      const next = reader.read();
      events.next(delta(i));
      expect(text((await next).value!)).toBe(frame(delta(i)));
    }
    const end = reader.read();
    events.complete();
    expect(text((await end).value!)).toBe(DONE);
  });

  it('queues no keep-alive while the reader has not taken the previous one', async () => {
    vi.useFakeTimers();
    try {
      const reader = toServerSentEvents(NEVER, { keepAliveMs: 1000 }).getReader();
      const first = reader.read();
      await vi.advanceTimersByTimeAsync(1000);
      expect(text((await first).value!)).toBe(': keep-alive\n\n');
      // Nobody reads for a long silence: one comment waits, not 3,600.
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(text((await reader.read()).value!)).toBe(': keep-alive\n\n');
      let more = false;
      void reader.read().then(() => {
        more = true;
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(more).toBe(false);
      await reader.cancel();
    } finally {
      vi.useRealTimers();
    }
  });

  it('toSSEResponse passes maxBufferedBytes on: a stalled body reader gets the error frame after a bounded queue', async () => {
    const limit = 8 * 1024;
    const source = metered(range(0, 10_000).pipe(map((i) => delta(i))));
    const response = toSSEResponse(source.events$, { maxBufferedBytes: limit });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(source.unsubscribed).toBe(true);
    const chunks = [text(first.value!)];
    let queued = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      queued += value.byteLength;
      chunks.push(text(value));
    }
    expect(queued).toBeLessThanOrEqual(limit + SLACK);
    expectCutByBackpressure(chunks.join(''), limit);
  });

  it('fromServerSentEvents reads the cut as a RunStreamError with the relay_backpressure code', async () => {
    const reader = toServerSentEvents(range(0, 1000).pipe(map((i) => delta(i))), { maxBufferedBytes: 2048 });
    const outcome = await collect(fromServerSentEvents(reader));
    expect(outcome.events.length).toBeGreaterThan(0);
    expect(outcome.error).toMatchObject({ name: 'RunStreamError', payload: { code: 'relay_backpressure' } });
  });
});

describe('maxBufferedBytes validation', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1024', null])(
    'refuses %o at once with a TypeError',
    (maxBufferedBytes) => {
      const options = { maxBufferedBytes } as never;
      const fake = { write: () => true, once: () => {}, off: () => {} } as never;
      expect(() => toServerSentEvents(NEVER, options)).toThrow(
        /toServerSentEvents: maxBufferedBytes must be a positive whole number of bytes/,
      );
      expect(() => toSSEResponse(NEVER, options)).toThrow(TypeError);
      expect(() => pipeToNodeResponse(NEVER, fake, options)).toThrow(
        /pipeToNodeResponse: maxBufferedBytes must be a positive whole number of bytes/,
      );
    },
  );
});
