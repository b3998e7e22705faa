import { defer, finalize, from, NEVER, Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { toServerSentEvents } from '../../src/relay/toServerSentEvents';
import { readChunks, text } from './helpers';

const created = { event: 'thread.run.created', data: { id: 'run_1', status: 'queued' } } as RunEvent;
const delta = {
  event: 'thread.message.delta',
  data: {
    id: 'msg_1',
    delta: { content: [{ index: 0, type: 'text', text: { value: 'Hi 【4:0†source】 😀' } }] },
  },
} as RunEvent;
const completed = { event: 'thread.run.completed', data: { id: 'run_1', status: 'completed' } } as RunEvent;
const frame = (event: RunEvent) => `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
const DONE = 'event: done\ndata: [DONE]\n\n';
const KEEP_ALIVE = ': keep-alive\n\n';

/** Lets the stream's start and pull promises settle (real timers only). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const readText = async (stream: ReadableStream<Uint8Array>) => (await readChunks(stream)).map(text);

afterEach(() => {
  vi.useRealTimers();
});

describe('toServerSentEvents', () => {
  it('writes each event as one frame, then done, in the API format', async () => {
    const chunks = await readText(toServerSentEvents(from([created, delta, completed])));
    expect(chunks).toEqual([frame(created), frame(delta), frame(completed), DONE]);
    expect(chunks[1]).toBe(
      'event: thread.message.delta\ndata: {"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":{"value":"Hi 【4:0†source】 😀"}}]}}\n\n',
    );
  });

  it('flushes every event at once: the reader has event N before event N+1 exists', async () => {
    const events = new Subject<RunEvent>();
    const reader = toServerSentEvents(events, { keepAliveMs: false }).getReader();

    const first = reader.read();
    await settle();
    events.next(created);
    expect(text((await first).value!)).toBe(frame(created));

    const second = reader.read();
    events.next(delta);
    expect(text((await second).value!)).toBe(frame(delta));

    events.complete();
    expect(text((await reader.read()).value!)).toBe(DONE);
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });

  it('is lazy: the events are subscribed at the first read, once', async () => {
    let subscriptions = 0;
    const events = new Subject<RunEvent>();
    const stream = toServerSentEvents(
      defer(() => {
        subscriptions++;
        return events;
      }),
    );
    await settle();
    expect(subscriptions).toBe(0);

    const reader = stream.getReader();
    const read = reader.read();
    await settle();
    expect(subscriptions).toBe(1);
    events.next(created);
    await read;
    const next = reader.read();
    await settle();
    expect(subscriptions).toBe(1);
    events.complete();
    await next;
    await reader.cancel();
  });

  it('never drops events a slow reader has not taken yet: they wait in the queue, in order', async () => {
    const events = new Subject<RunEvent>();
    const stream = toServerSentEvents(events, { keepAliveMs: false });
    const reader = stream.getReader();
    const first = reader.read();
    await settle();
    const many = Array.from({ length: 500 }, (_, i) => ({
      event: 'thread.message.delta',
      data: { id: 'msg_1', delta: { content: [{ index: 0, type: 'text', text: { value: `${i}` } }] } },
    })) as RunEvent[];
    for (const event of many) events.next(event);
    events.complete();

    const chunks = [text((await first).value!)];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(text(value));
    }
    expect(chunks).toEqual([...many.map(frame), DONE]);
  });

  it('cancelling the stream unsubscribes the events (and so cancels the run)', async () => {
    const unsubscribed = vi.fn();
    const events = new Subject<RunEvent>();
    const reader = toServerSentEvents(events.pipe(finalize(unsubscribed))).getReader();
    const read = reader.read();
    await settle();
    events.next(created);
    await read;
    expect(events.observed).toBe(true);

    await reader.cancel('client went away');
    expect(unsubscribed).toHaveBeenCalledTimes(1);
    expect(events.observed).toBe(false);
  });

  it('cancelling before the first read never subscribes', async () => {
    const subscribe = vi.fn(() => NEVER);
    const stream = toServerSentEvents(defer(subscribe));
    await stream.cancel();
    expect(subscribe).not.toHaveBeenCalled();
  });

  it('ends with an error frame naming an event it cannot write, after the earlier ones, and unsubscribes', async () => {
    const unsubscribed = vi.fn();
    const events = new Subject<RunEvent>();
    const stream = toServerSentEvents(events.pipe(finalize(unsubscribed)), { keepAliveMs: false });
    const chunks = readText(stream);
    await settle();
    events.next(created);
    events.next({ event: 'done', data: {} } as unknown as RunEvent);
    expect(events.observed).toBe(false);
    expect(unsubscribed).toHaveBeenCalledTimes(1);

    const written = await chunks;
    expect(written).toHaveLength(2);
    expect(written[0]).toBe(frame(created));
    expect(written[1]).toMatch(/^event: error\ndata: \{"message":"Cannot relay an event named \\"done\\"/);
  });

  it.each([
    ['a name with a line break', { event: 'thread.x\ndata: {}', data: {} }, 'Cannot relay an event named'],
    ['data that is not an object', { event: 'thread.run.created', data: [1] }, 'must be an object'],
    ['data that JSON cannot hold', { event: 'thread.run.created', data: { n: 1n } }, 'cannot be serialised'],
  ])('refuses %s with an error frame', async (_, bad, message) => {
    const written = await readText(toServerSentEvents(from([bad as unknown as RunEvent, created])));
    expect(written).toHaveLength(1);
    const [head, data] = written[0]!.split('\ndata: ');
    expect(head).toBe('event: error');
    expect(JSON.parse(data!).message).toContain(message);
  });

  it('uses errorPayload for the error frame, and the default payload when it throws', async () => {
    const failing = defer(() => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:443');
    });
    expect(
      await readText(toServerSentEvents(failing, { errorPayload: () => ({ message: 'Upstream failed' }) })),
    ).toEqual(['event: error\ndata: {"message":"Upstream failed"}\n\n']);
    const broken = () => {
      throw new Error('formatter bug');
    };
    expect(await readText(toServerSentEvents(failing, { errorPayload: broken }))).toEqual([
      'event: error\ndata: {"message":"connect ECONNREFUSED 10.0.0.7:443"}\n\n',
    ]);
  });

  it.each([
    [{ keepAliveMs: -1 }, /keepAliveMs must be (a finite number of milliseconds ≥ 0|at most 2147483647 ms)/],
    [
      { keepAliveMs: Number.NaN },
      /keepAliveMs must be (a finite number of milliseconds ≥ 0|at most 2147483647 ms)/,
    ],
    [
      { keepAliveMs: 2 ** 31 },
      /keepAliveMs must be (a finite number of milliseconds ≥ 0|at most 2147483647 ms)/,
    ],
    [
      { keepAliveMs: '1000' },
      /keepAliveMs must be (a finite number of milliseconds ≥ 0|at most 2147483647 ms)/,
    ],
    [{ errorPayload: 'nope' }, /errorPayload must be a function/],
  ])('throws a TypeError at once for the options %o', (options, message) => {
    expect(() => toServerSentEvents(NEVER, options as never)).toThrow(message);
    expect(() => toServerSentEvents(NEVER, options as never)).toThrow(TypeError);
  });

  it('throws a TypeError at once when given no Observable', () => {
    expect(() => toServerSentEvents([created] as never)).toThrow(/expects an Observable/);
  });
});

describe('toServerSentEvents keep-alive comments', () => {
  /** Reads the stream in the background into `chunks`. */
  function drain(stream: ReadableStream<Uint8Array>) {
    const chunks: string[] = [];
    const reader = stream.getReader();
    const done = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        chunks.push(text(value));
      }
    })();
    return { chunks, done };
  }

  it('writes a comment after each idle period, restarts the clock on every event, and stops at the end', async () => {
    vi.useFakeTimers();
    const events = new Subject<RunEvent>();
    const { chunks, done } = drain(toServerSentEvents(events, { keepAliveMs: 1000 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(events.observed).toBe(true);

    await vi.advanceTimersByTimeAsync(999);
    expect(chunks).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(chunks).toEqual([KEEP_ALIVE]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(chunks).toEqual([KEEP_ALIVE, KEEP_ALIVE]);

    await vi.advanceTimersByTimeAsync(600);
    events.next(created);
    await vi.advanceTimersByTimeAsync(600);
    // 1 200 ms since the last comment, but only 600 since the event: still quiet.
    expect(chunks).toEqual([KEEP_ALIVE, KEEP_ALIVE, frame(created)]);
    await vi.advanceTimersByTimeAsync(400);
    expect(chunks).toEqual([KEEP_ALIVE, KEEP_ALIVE, frame(created), KEEP_ALIVE]);

    events.complete();
    await done;
    expect(chunks.at(-1)).toBe(DONE);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(chunks).toHaveLength(5);
  });

  it('stops the clock when the stream is cancelled', async () => {
    vi.useFakeTimers();
    const reader = toServerSentEvents(NEVER, { keepAliveMs: 50 }).getReader();
    const read = reader.read();
    await vi.advanceTimersByTimeAsync(50);
    expect(text((await read).value!)).toBe(KEEP_ALIVE);
    expect(vi.getTimerCount()).toBe(1);
    await reader.cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('defaults to 15 s, and 0 or false turn it off (no timer at all)', async () => {
    vi.useFakeTimers();
    const quiet = new Subject<RunEvent>();
    const byDefault = drain(toServerSentEvents(quiet));
    const off = [
      drain(toServerSentEvents(quiet, { keepAliveMs: 0 })),
      drain(toServerSentEvents(quiet, { keepAliveMs: false })),
    ];
    await vi.advanceTimersByTimeAsync(14_999);
    expect(byDefault.chunks).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(byDefault.chunks).toEqual([KEEP_ALIVE]);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(off.map((reader) => reader.chunks)).toEqual([[], []]);

    quiet.complete();
    await Promise.all([byDefault.done, ...off.map((reader) => reader.done)]);
    expect(off.map((reader) => reader.chunks)).toEqual([[DONE], [DONE]]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
