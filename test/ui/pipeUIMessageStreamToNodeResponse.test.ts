import { once } from 'node:events';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { finalize, NEVER, Observable, of, Subject, type Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { pipeUIMessageStreamToNodeResponse } from '../../src/ui/pipeUIMessageStreamToNodeResponse';
import { runEvent, textDelta } from '../state/events';

/**
 * The Node variant against a real `node:http` server on 127.0.0.1: headers, frames, a client that
 * goes away, a client that stops reading, and nothing left open (closing the server resolves only
 * once every connection is gone).
 */

let server: Server | undefined;

afterEach(async () => {
  if (server === undefined) return;
  const closing = server;
  server = undefined;
  await new Promise<void>((resolve, reject) => closing.close((error) => (error ? reject(error) : resolve())));
});

async function serve(handle: (res: ServerResponse) => void, options: { highWaterMark?: number } = {}) {
  server = createServer(options, (_req, res) => handle(res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function request(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(url, { agent: false }, resolve).on('error', reject));
}

async function bodyOf(response: IncomingMessage): Promise<string> {
  let body = '';
  response.setEncoding('utf8');
  for await (const chunk of response) body += chunk;
  return body;
}

function watched(events$: Observable<RunEvent>) {
  const seen = { finalized: 0 };
  const source = new Observable<RunEvent>((subscriber) => events$.subscribe(subscriber)).pipe(
    finalize(() => {
      seen.finalized++;
    }),
  );
  return { seen, source };
}

describe('pipeUIMessageStreamToNodeResponse', () => {
  it('writes the head, one data frame per chunk and [DONE], then ends the response', async () => {
    const url = await serve((res) => {
      pipeUIMessageStreamToNodeResponse(of(runEvent('completed')), res, { headers: { 'X-Extra': '1' } });
    });
    const response = await request(url);
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-vercel-ai-ui-message-stream']).toBe('v1');
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['x-extra']).toBe('1');
    const status = {
      type: 'data-run-status',
      id: 'run_1',
      data: { status: 'completed', runId: 'run_1', threadId: 'thread_1' },
    };
    expect(await bodyOf(response)).toBe(
      [{ type: 'start' }, status, { type: 'finish', finishReason: 'stop' }]
        .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
        .join('') + 'data: [DONE]\n\n',
    );
  });

  it('unsubscribes the run when the client disconnects', async () => {
    const events = new Subject<RunEvent>();
    const { seen, source } = watched(events);
    let closed!: Promise<unknown>;
    const url = await serve((res) => {
      closed = once(res, 'close');
      pipeUIMessageStreamToNodeResponse(source, res);
    });
    const response = await request(url);
    await once(response, 'data');
    response.destroy();
    await closed;
    expect(seen.finalized).toBe(1);
    expect(events.observed).toBe(false);
  });

  it('ends with an error chunk when a client that stopped reading falls behind by more than maxBufferedBytes', async () => {
    const events = new Subject<RunEvent>();
    const { seen, source } = watched(events);
    const url = await serve(
      (res) => {
        pipeUIMessageStreamToNodeResponse(source, res, { maxBufferedBytes: 64 * 1024, keepAliveMs: false });
      },
      { highWaterMark: 1024 },
    );
    const response = await request(url);
    response.pause();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The socket's own buffers take some; past them the relay counts and gives up.
    for (let i = 0; i < 5000 && events.observed; i++) {
      events.next(textDelta('msg_1', 'x'.repeat(1000)));
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(seen.finalized).toBe(1);
    response.resume();
    const body = await bodyOf(response);
    expect(body).toMatch(
      /data: \{"type":"error","errorText":"The reader fell behind by more than 65536 bytes[^\n]*\n\ndata: \[DONE\]\n\n$/,
    );
  });

  it('returns a Subscription that stops the stream and ends the response without [DONE]', async () => {
    let relay!: Subscription;
    const url = await serve((res) => {
      relay = pipeUIMessageStreamToNodeResponse(NEVER, res, { keepAliveMs: false });
    });
    const response = await request(url);
    await once(response, 'data');
    relay.unsubscribe();
    expect(await bodyOf(response)).toBe('');
  });

  it('a res.write that throws ends the stream without a word and unsubscribes the run', () => {
    const events = new Subject<RunEvent>();
    const { seen, source } = watched(events);
    const writes: Uint8Array[] = [];
    const res = {
      headersSent: true,
      writableEnded: false,
      write: (chunk: Uint8Array) => {
        writes.push(chunk);
        throw new Error('socket gone');
      },
      end: () => {},
      writeHead: () => {},
      once: () => {},
      off: () => {},
    };
    const relay = pipeUIMessageStreamToNodeResponse(source, res, { keepAliveMs: false });
    expect(relay.closed).toBe(true);
    expect(writes).toHaveLength(1);
    expect(seen.finalized).toBe(1);
    expect(events.observed).toBe(false);
  });

  it('refuses a response object without the methods it uses', () => {
    expect(() => pipeUIMessageStreamToNodeResponse(NEVER, {} as never)).toThrow(TypeError);
    expect(() => pipeUIMessageStreamToNodeResponse(null as never, {} as never)).toThrow(TypeError);
  });
});
