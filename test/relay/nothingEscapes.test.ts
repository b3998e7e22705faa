import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { concat, finalize, from, NEVER, Observable, of, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunStreamError, StreamDisconnectedError } from '../../src/errors/StreamErrors';
import type { RunEvent } from '../../src/events/RunEvent';
import { fromServerSentEvents } from '../../src/relay/fromServerSentEvents';
import { type NodeResponseLike, pipeToNodeResponse } from '../../src/relay/pipeToNodeResponse';
import { toServerSentEvents } from '../../src/relay/toServerSentEvents';
import { runCompleted, runCreated } from '../../src/testing/eventBuilders';
import { collect, readChunks, text, watchEscapes } from './helpers';

/**
 * Whatever a source, a payload or the response does, nothing is thrown out of the relay's callbacks:
 * the stream ends with an `error` frame (or is cut, when the response cannot take one), the events
 * are unsubscribed, and the process and the other streams carry on.
 */

const created: RunEvent = runCreated();
const completed: RunEvent = runCompleted();
const withBigInt = {
  event: 'thread.message.delta',
  data: { id: 'msg_1', tokens: 10n },
} as unknown as RunEvent;
const cyclic = { id: 'msg_1' } as Record<string, unknown>;
cyclic['self'] = cyclic;
const withCycle = { event: 'thread.message.delta', data: cyclic } as unknown as RunEvent;
const frame = (event: RunEvent) => `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
/** An error whose payload JSON cannot hold. */
const unprintable = () => new RunStreamError({ message: 'quota', code: 7n } as never);

let watch: ReturnType<typeof watchEscapes>;

beforeEach(() => {
  watch = watchEscapes();
});

afterEach(async () => {
  await watch.settle();
  watch.stop();
  expect(watch.escaped).toEqual([]);
});

describe('toServerSentEvents lets nothing escape', () => {
  const readText = async (stream: ReadableStream<Uint8Array>) => (await readChunks(stream)).map(text);

  it.each([
    ['a BigInt', withBigInt],
    ['a cycle', withCycle],
  ])('an event whose data holds %s ends the stream with an error frame', async (_, bad) => {
    const written = await readText(toServerSentEvents(from([created, bad, completed])));
    expect(written).toHaveLength(2);
    expect(written[0]).toBe(frame(created));
    expect(written[1]).toMatch(
      /^event: error\ndata: \{"message":"Cannot relay a \\"thread.message.delta\\" event/,
    );
  });

  it('an error whose payload cannot be serialised still ends the stream with an error frame', async () => {
    const written = await readText(toServerSentEvents(concat(of(created), throwError(unprintable))));
    expect(written).toEqual([frame(created), 'event: error\ndata: {"message":"The run failed."}\n\n']);
  });

  it('an errorPayload that returns what JSON cannot hold falls back to the default payload', async () => {
    const written = await readText(
      toServerSentEvents(
        throwError(() => new Error('upstream')),
        { errorPayload: () => ({ message: 'x', code: 1n }) as never },
      ),
    );
    expect(written).toEqual(['event: error\ndata: {"message":"upstream"}\n\n']);
  });

  it('a source whose teardown throws: cancelling the stream still resolves and unsubscribes', async () => {
    const tornDown = vi.fn();
    const source = new Observable<RunEvent>((subscriber) => {
      subscriber.next(created);
      return () => {
        tornDown();
        throw new Error('teardown bug');
      };
    });
    const reader = toServerSentEvents(source, { keepAliveMs: false }).getReader();
    expect(text((await reader.read()).value!)).toBe(frame(created));
    await expect(reader.cancel()).resolves.toBeUndefined();
    expect(tornDown).toHaveBeenCalledTimes(1);
  });
});

describe('pipeToNodeResponse lets nothing escape (real node:http server)', () => {
  let server: Server | undefined;

  afterEach(async () => {
    const closing = server;
    server = undefined;
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  });

  /** Serves `handle` for every path but `/ok`, which relays a plain run: the server keeps going. */
  async function serve(handle: (res: ServerResponse) => void): Promise<string> {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/ok') pipeToNodeResponse(from([created, completed]), res);
      else handle(res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  async function expectServerStillWorks(url: string) {
    expect(await collect(fromServerSentEvents(await fetch(`${url}ok`)))).toEqual({
      events: [created, completed],
    });
  }

  /** Makes `res.write` throw `error` on the write numbers in `failing` (1-based). */
  function failWrites(res: ServerResponse, failing: (n: number) => boolean) {
    const write = res.write.bind(res) as (chunk: Uint8Array) => boolean;
    let n = 0;
    (res as { write: (chunk: Uint8Array) => boolean }).write = (chunk) => {
      n++;
      if (failing(n)) throw new Error('write EPIPE');
      return write(chunk);
    };
  }

  it.each([
    ['a BigInt', withBigInt],
    ['a cycle', withCycle],
  ])(
    'a user Observable whose event holds %s: the stream ends with an error frame, the server goes on',
    async (_, bad) => {
      const unsubscribed = vi.fn();
      const url = await serve((res) => {
        pipeToNodeResponse(concat(of(created, bad), NEVER).pipe(finalize(unsubscribed)), res);
      });
      const outcome = await collect(fromServerSentEvents(await fetch(url)));
      expect(outcome.events).toEqual([created]);
      expect(outcome.error).toBeInstanceOf(RunStreamError);
      expect((outcome.error as RunStreamError).payload.message).toMatch(/cannot be serialised as JSON/);
      expect(unsubscribed).toHaveBeenCalledTimes(1);
      await expectServerStillWorks(url);
    },
  );

  it('an error whose payload cannot be serialised: the stream ends with the fallback error frame', async () => {
    const url = await serve((res) => pipeToNodeResponse(concat(of(created), throwError(unprintable)), res));
    const outcome = await collect(fromServerSentEvents(await fetch(url)));
    expect(outcome.events).toEqual([created]);
    expect((outcome.error as RunStreamError).payload).toEqual({ message: 'The run failed.' });
    await expectServerStillWorks(url);
  });

  it('res.write throwing once: the stream ends with an error frame naming it, and the run is unsubscribed', async () => {
    const unsubscribed = vi.fn();
    const url = await serve((res) => {
      failWrites(res, (n) => n === 2);
      pipeToNodeResponse(concat(of(created, created, completed), NEVER).pipe(finalize(unsubscribed)), res);
    });
    const outcome = await collect(fromServerSentEvents(await fetch(url)));
    expect(outcome.events).toEqual([created]);
    expect((outcome.error as RunStreamError).payload).toEqual({ message: 'write EPIPE' });
    expect(unsubscribed).toHaveBeenCalledTimes(1);
    await expectServerStillWorks(url);
  });

  it('res.write throwing for good: the stream is cut, the run unsubscribed, the server goes on', async () => {
    const unsubscribed = vi.fn();
    const url = await serve((res) => {
      failWrites(res, (n) => n >= 2);
      pipeToNodeResponse(concat(of(created, created), NEVER).pipe(finalize(unsubscribed)), res);
    });
    const outcome = await collect(fromServerSentEvents(await fetch(url)));
    expect(outcome.events).toEqual([created]);
    expect(outcome.error).toBeInstanceOf(StreamDisconnectedError);
    expect(unsubscribed).toHaveBeenCalledTimes(1);
    await expectServerStillWorks(url);
  });

  it('a client that disconnects from a source whose teardown throws: nothing escapes the close handler', async () => {
    const tornDown = vi.fn();
    const source = new Observable<RunEvent>((subscriber) => {
      subscriber.next(created);
      return () => {
        tornDown();
        throw new Error('teardown bug');
      };
    });
    const url = await serve((res) => pipeToNodeResponse(source, res));
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await vi.waitFor(() => expect(tornDown).toHaveBeenCalledTimes(1), { interval: 1 });
    await expectServerStillWorks(url);
  });

  it('a response-like whose write and end throw: the relay stops without throwing', async () => {
    const unsubscribed = vi.fn();
    const res: NodeResponseLike = {
      headersSent: true,
      writableEnded: false,
      write: () => {
        throw new Error('socket gone');
      },
      end: () => {
        throw new Error('socket gone');
      },
      writeHead: () => {},
      once: () => {},
      off: () => {},
    };
    const relay = pipeToNodeResponse(concat(of(created), NEVER).pipe(finalize(unsubscribed)), res);
    expect(relay.closed).toBe(true);
    expect(unsubscribed).toHaveBeenCalledTimes(1);
  });
});
