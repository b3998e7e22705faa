import { once } from 'node:events';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defer, finalize, from, NEVER, type Observable, Subject, throwError } from 'rxjs';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { RunStreamError, StreamDisconnectedError } from '../../src/errors/StreamErrors';
import type { RunEvent } from '../../src/events/RunEvent';
import { fromServerSentEvents } from '../../src/relay/fromServerSentEvents';
import { type NodeResponseLike, pipeToNodeResponse } from '../../src/relay/pipeToNodeResponse';
import { collect } from './helpers';

/**
 * The Node helper against a real `node:http` server on 127.0.0.1: headers, events, backpressure,
 * a client that goes away, and nothing left open (each test closes its server, which only resolves
 * once every connection is gone).
 */

const created = {
  event: 'thread.run.created',
  data: { id: 'run_1', thread_id: 'thread_1', status: 'queued' },
} as RunEvent;
const completed = {
  event: 'thread.run.completed',
  data: { id: 'run_1', thread_id: 'thread_1', status: 'completed' },
} as RunEvent;
const frame = (event: RunEvent) => `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
const DONE = 'event: done\ndata: [DONE]\n\n';

let server: Server | undefined;

afterEach(async () => {
  if (server === undefined) return;
  const closing = server;
  server = undefined;
  // close() resolves only once every connection has ended: a response left open would hang here.
  await new Promise<void>((resolve, reject) => closing.close((error) => (error ? reject(error) : resolve())));
});

/** Starts a server on a free loopback port whose handler is `handle`; returns its URL. */
async function serve(
  handle: (res: ServerResponse) => void,
  options: { highWaterMark?: number } = {},
): Promise<string> {
  server = createServer(options, (_req, res) => handle(res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A GET on its own connection (no agent pool to keep sockets open). */
async function request(url: string): Promise<IncomingMessage> {
  const req = get(url, { agent: false });
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  return res;
}

async function bodyText(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let body = '';
  for await (const chunk of res) body += chunk as string;
  return body;
}

describe('pipeToNodeResponse', () => {
  it('writes the SSE head at once, then every event and done, and ends the response', async () => {
    const events = new Subject<RunEvent>();
    const url = await serve((res) => {
      pipeToNodeResponse(events, res);
    });
    const res = await request(url);
    // The head arrived before any event existed.
    expect(events.observed).toBe(true);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const body = bodyText(res);
    events.next(created);
    events.next(completed);
    events.complete();
    expect(await body).toBe(frame(created) + frame(completed) + DONE);
  });

  it('is read back by fromServerSentEvents over fetch', async () => {
    const url = await serve((res) => pipeToNodeResponse(from([created, completed]), res));
    const response = await fetch(url);
    expect(await collect(fromServerSentEvents(response))).toEqual({ events: [created, completed] });
  });

  it('sends each event as it happens: the client has event N before event N+1 exists', async () => {
    const events = new Subject<RunEvent>();
    const url = await serve((res) => pipeToNodeResponse(events, res, { keepAliveMs: false }));
    const res = await request(url);
    res.setEncoding('utf8');
    events.next(created);
    const [first] = (await once(res, 'data')) as [string];
    expect(first).toBe(frame(created));
    events.complete();
    expect(await bodyText(res)).toBe(DONE);
  });

  it('writes an error frame when the events error, then ends', async () => {
    const failing: Observable<RunEvent> = throwError(() => new RunStreamError({ message: 'server_error' }));
    const url = await serve((res) => pipeToNodeResponse(failing, res));
    const outcome = await collect(fromServerSentEvents(await fetch(url)));
    expect(outcome.error).toBeInstanceOf(RunStreamError);
    expect((outcome.error as RunStreamError).payload).toEqual({ message: 'server_error' });
  });

  it('unsubscribes the run when the client disconnects', async () => {
    const unsubscribed = vi.fn();
    const events = new Subject<RunEvent>();
    const closed = vi.fn();
    const url = await serve((res) => {
      res.on('close', closed);
      pipeToNodeResponse(events.pipe(finalize(unsubscribed)), res);
    });
    const res = await request(url);
    events.next(created);
    await once(res, 'data');
    expect(unsubscribed).not.toHaveBeenCalled();

    res.destroy();
    await vi.waitFor(() => expect(unsubscribed).toHaveBeenCalledTimes(1), { interval: 1 });
    expect(closed).toHaveBeenCalledTimes(1);
    expect(events.observed).toBe(false);
  });

  it('honours backpressure: after write() returns false nothing is written until drain, and a slow client gets every event in order', async () => {
    const count = 400;
    const events = Array.from({ length: count }, (_, i) => ({
      event: 'thread.message.delta',
      data: {
        id: 'msg_1',
        index: i,
        delta: { content: [{ index: 0, type: 'text', text: { value: 'x'.repeat(4000 + (i % 7) * 1000) } }] },
      },
    })) as RunEvent[];
    const log: ('true' | 'false' | 'drain')[] = [];
    let maxBuffered = 0;
    let sawFull: () => void = () => {};
    const full = new Promise<void>((resolve) => {
      sawFull = resolve;
    });

    const url = await serve(
      (res) => {
        const write = res.write.bind(res) as (chunk: Uint8Array) => boolean;
        res.on('drain', () => log.push('drain'));
        // Spies on the real response's writes.
        (res as { write: (chunk: Uint8Array) => boolean }).write = (chunk) => {
          const accepted = write(chunk);
          log.push(accepted ? 'true' : 'false');
          maxBuffered = Math.max(maxBuffered, res.writableLength);
          if (!accepted) sawFull();
          return accepted;
        };
        // The whole run arrives at once: more than the socket can take.
        pipeToNodeResponse(from(events), res, { keepAliveMs: false });
      },
      { highWaterMark: 1024 },
    );

    const res = await request(url);
    res.pause();
    await full;
    // A slow reader: one chunk at a time, yielding to the event loop in between.
    const chunks: Buffer[] = [];
    for await (const chunk of res) {
      chunks.push(chunk as Buffer);
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(Buffer.concat(chunks).toString('utf8')).toBe(events.map(frame).join('') + DONE);
    const writes = log.filter((entry) => entry !== 'drain');
    expect(writes).toHaveLength(count + 1);
    expect(writes).toContain('false');
    // Never a write while the socket is full: every `false` is followed by a drain before the next write.
    log.forEach((entry, i) => {
      if (entry === 'false' && i + 1 < log.length) expect(log[i + 1]).toBe('drain');
    });
    // At most one frame beyond the high-water mark is ever buffered in the response.
    expect(maxBuffered).toBeLessThan(1024 + 10_500);
  });

  it('returns a Subscription: unsubscribing stops the run and ends the response without done', async () => {
    const unsubscribed = vi.fn();
    const events = new Subject<RunEvent>();
    let relay: { unsubscribe(): void } | undefined;
    const url = await serve((res) => {
      relay = pipeToNodeResponse(events.pipe(finalize(unsubscribed)), res);
    });
    const response = await fetch(url);
    const outcome = collect(fromServerSentEvents(response));
    events.next(created);
    await vi.waitFor(() => expect(relay).toBeDefined(), { interval: 1 });
    relay!.unsubscribe();
    expect(unsubscribed).toHaveBeenCalledTimes(1);
    const { events: received, error } = await outcome;
    expect(received).toEqual([created]);
    expect(error).toBeInstanceOf(StreamDisconnectedError);
  });

  it('keeps a head the caller already sent, and its headers', async () => {
    const url = await serve((res) => {
      res.writeHead(202, { 'content-type': 'text/event-stream', 'x-run': 'run_1' });
      pipeToNodeResponse(from([created]), res, { headers: { 'x-ignored': 'yes' } });
    });
    const res = await request(url);
    expect(res.statusCode).toBe(202);
    expect(res.headers['x-run']).toBe('run_1');
    expect(res.headers['x-ignored']).toBeUndefined();
    expect(await bodyText(res)).toBe(frame(created) + DONE);
  });

  it('sets the status and extra headers over the defaults, whatever their case', async () => {
    const url = await serve((res) => {
      pipeToNodeResponse(from([created]), res, { status: 201, headers: { 'Cache-Control': 'no-store' } });
    });
    const res = await request(url);
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.rawHeaders.filter((name) => name.toLowerCase() === 'cache-control')).toHaveLength(1);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(await bodyText(res)).toBe(frame(created) + DONE);
  });

  it('keeps the headers set earlier with setHeader', async () => {
    const url = await serve((res) => {
      res.setHeader('access-control-allow-origin', '*');
      pipeToNodeResponse(from([created]), res);
    });
    const res = await request(url);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(await bodyText(res)).toBe(frame(created) + DONE);
  });

  it('does not start the run for a response that has already ended', async () => {
    const subscribe = vi.fn(() => NEVER);
    const url = await serve((res) => {
      res.end('gone');
      const relay = pipeToNodeResponse(defer(subscribe), res);
      expect(relay.closed).toBe(true);
    });
    expect(await bodyText(await request(url))).toBe('gone');
    expect(subscribe).not.toHaveBeenCalled();
  });

  it('accepts a node:http ServerResponse as it is (structural type, no Node import in the core)', () => {
    expectTypeOf<ServerResponse>().toExtend<NodeResponseLike>();
  });

  it('throws a TypeError at once for a bad response or options', async () => {
    expect(() => pipeToNodeResponse(from([created]), {} as never)).toThrow(/http.ServerResponse/);
    expect(() => pipeToNodeResponse([] as never, {} as never)).toThrow(/Observable/);
    const fake = { write: () => true, once: () => {}, off: () => {} } as unknown as NodeResponseLike;
    expect(() => pipeToNodeResponse(from([created]), fake, { keepAliveMs: -1 })).toThrow(TypeError);
  });
});
