import { take } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { parseEventStream } from '../../src/client/parseEventStream';
import { RunStreamError, StreamDisconnectedError, StreamParseError } from '../../src/errors/StreamErrors';
import type { RunEvent } from '../../src/events/RunEvent';
import { chunkStream } from './fakeFetch';

const run = { id: 'run_1', object: 'thread.run', thread_id: 'thread_1', status: 'queued' };
const frame = (event: string, data: unknown) =>
  `event: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const DONE = 'event: done\ndata: [DONE]\n\n';

function collect(
  body: ReadableStream<Uint8Array>,
  options?: { maxEventBytes?: number },
): Promise<{ events: RunEvent[]; error?: unknown }> {
  return new Promise((resolve) => {
    const events: RunEvent[] = [];
    parseEventStream(body, options).subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => resolve({ events, error }),
      complete: () => resolve({ events }),
    });
  });
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('parseEventStream', () => {
  it('is cold: the body is locked only at subscription, and unsubscribing cancels the reader', async () => {
    const onCancel = vi.fn();
    const body = chunkStream([frame('thread.run.created', run)], { onCancel, end: 'hang' });
    const events$ = parseEventStream(body);
    expect(body.locked).toBe(false);

    const events: RunEvent[] = [];
    const subscription = events$.subscribe((event) => events.push(event));
    expect(body.locked).toBe(true);
    await vi.waitFor(() => expect(events).toHaveLength(1), { interval: 1 });
    expect(onCancel).not.toHaveBeenCalled();

    subscription.unsubscribe();
    await tick();
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('emits each frame as soon as its blank line arrives, before the next chunk is read', async () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>(
      {
        start(c) {
          controller = c;
        },
      },
      { highWaterMark: 0 },
    );
    const encode = (text: string) => controller.enqueue(new TextEncoder().encode(text));
    const events: string[] = [];
    let completed = false;
    parseEventStream(body).subscribe({
      next: (event) => events.push(event.event),
      complete: () => {
        completed = true;
      },
    });

    encode(`${frame('thread.run.created', run)}event: thread.run.queued\ndata: {"id":`);
    await tick();
    expect(events).toEqual(['thread.run.created']);
    encode(`"run_1","thread_id":"thread_1","status":"queued"}\n`);
    await tick();
    expect(events).toEqual(['thread.run.created']);
    encode('\n');
    await tick();
    expect(events).toEqual(['thread.run.created', 'thread.run.queued']);
    encode(DONE);
    await tick();
    expect(completed).toBe(true);
  });

  it('completes at done and cancels the rest of the body without reading it', async () => {
    const onCancel = vi.fn();
    const body = chunkStream([frame('thread.run.created', run) + DONE, frame('thread.run.queued', run)], {
      onCancel,
    });
    await expect(collect(body)).resolves.toEqual({ events: [{ event: 'thread.run.created', data: run }] });
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('stops at once when the subscriber unsubscribes during emission (take)', async () => {
    const onCancel = vi.fn();
    const body = chunkStream([frame('thread.run.created', run) + frame('thread.run.queued', run)], {
      onCancel,
      end: 'hang',
    });
    const events: RunEvent[] = [];
    let completed = false;
    parseEventStream(body)
      .pipe(take(1))
      .subscribe({
        next: (e) => events.push(e),
        complete: () => {
          completed = true;
        },
      });
    await vi.waitFor(() => expect(completed).toBe(true), { interval: 1 });
    expect(events.map((e) => e.event)).toEqual(['thread.run.created']);
    await tick();
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('passes unknown thread.* events through and skips keep-alives, comments, pings and unnamed frames', async () => {
    const body = chunkStream([
      ': keep-alive\n\n',
      'data: {"no":"name"}\n\n',
      frame('ping', { t: 1 }),
      'retry: 1000\n\n',
      frame('thread.run.created', run),
      'id: 7\nevent: thread.something.new\ndata: {"x":1}\n\n',
      frame('response.created', 'not json either'),
      '...\n\n',
      DONE,
    ]);
    await expect(collect(body)).resolves.toEqual({
      events: [
        { event: 'thread.run.created', data: run },
        { event: 'thread.something.new', data: { x: 1 } },
      ],
    });
  });

  it('joins multi-line data and accepts CRLF line ends', async () => {
    const body = chunkStream([
      'event: thread.run.created\r\ndata: {"id":"run_1","thread_id":"thread_1",\r\ndata: "status":"queued"}\r\n\r\n',
      DONE,
    ]);
    await expect(collect(body)).resolves.toEqual({
      events: [
        { event: 'thread.run.created', data: { id: 'run_1', thread_id: 'thread_1', status: 'queued' } },
      ],
    });
  });

  it('errors with StreamParseError when the data of a thread.* frame is JSON but not an object', async () => {
    for (const data of ['[1,2]', '"text"', 'null', '42']) {
      const result = await collect(
        chunkStream([frame('thread.run.created', run), frame('thread.message.delta', data)]),
      );
      expect(result.events).toEqual([{ event: 'thread.run.created', data: run }]);
      expect(result.error).toBeInstanceOf(StreamParseError);
      expect(result.error).toMatchObject({ event: 'thread.message.delta', raw: data });
      expect((result.error as Error).message).toContain('not a JSON object');
    }
  });

  it('errors with RunStreamError carrying the payload of an error frame, after earlier events', async () => {
    const payload = {
      code: 'server_error',
      message: 'Sorry, something went wrong.',
      param: null,
      type: 'server_error',
    };
    const onCancel = vi.fn();
    const result = await collect(
      chunkStream(
        [frame('thread.run.created', run), frame('error', payload), frame('thread.run.queued', run)],
        {
          onCancel,
        },
      ),
    );
    expect(result.events).toEqual([{ event: 'thread.run.created', data: run }]);
    expect(result.error).toBeInstanceOf(RunStreamError);
    expect((result.error as RunStreamError).payload).toEqual(payload);
    expect((result.error as Error).message).toContain('Sorry, something went wrong. (server_error)');
    expect(onCancel).toHaveBeenCalled();
  });

  it('reads error payloads that are wrapped in { error } or not JSON', async () => {
    const wrapped = await collect(
      chunkStream([frame('error', { error: { message: 'rate limited', code: 'rate' } })]),
    );
    expect((wrapped.error as RunStreamError).payload).toEqual({ message: 'rate limited', code: 'rate' });
    const raw = await collect(chunkStream([frame('error', 'upstream timed out')]));
    expect((raw.error as RunStreamError).payload).toEqual({ message: 'upstream timed out' });
  });

  describe('maxEventBytes', () => {
    const big = { id: 'msg_1', delta: {}, text: 'x'.repeat(2000) };

    it('errors with StreamParseError naming the limit, after earlier events, whatever the chunking', async () => {
      const text = frame('thread.run.created', run) + frame('thread.message.delta', big) + DONE;
      for (const size of [7, 100, 1000, text.length]) {
        const chunks: string[] = [];
        for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
        const result = await collect(chunkStream(chunks), { maxEventBytes: 1000 });
        expect(result.events, `chunks of ${size}`).toEqual([{ event: 'thread.run.created', data: run }]);
        expect(result.error, `chunks of ${size}`).toBeInstanceOf(StreamParseError);
        expect((result.error as Error).message).toContain('maxEventBytes (1000)');
      }
    });

    it('accepts an event right at the limit', async () => {
      const data = JSON.stringify(big);
      const result = await collect(chunkStream([frame('thread.message.delta', data), DONE]), {
        maxEventBytes: data.length,
      });
      expect(result).toEqual({ events: [{ event: 'thread.message.delta', data: big }] });
    });

    it('does not buffer without bound: an endless line stops the reading soon after the limit', async () => {
      let pulls = 0;
      const onCancel = vi.fn();
      const endless = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            pulls++;
            controller.enqueue(new TextEncoder().encode(pulls === 1 ? 'data: ' : 'a'.repeat(1000)));
          },
          cancel: onCancel,
        },
        { highWaterMark: 0 },
      );
      const result = await collect(endless, { maxEventBytes: 10_000 });
      expect(result.error).toBeInstanceOf(StreamParseError);
      expect((result.error as Error).message).toContain('maxEventBytes (10000)');
      expect(pulls).toBeLessThan(20);
      expect(onCancel).toHaveBeenCalled();
    });

    it('rejects a limit that is not a positive integer', () => {
      expect(() => parseEventStream(chunkStream([]), { maxEventBytes: 0 })).toThrow(TypeError);
      expect(() => parseEventStream(chunkStream([]), { maxEventBytes: 1.5 })).toThrow(
        /maxEventBytes must be a positive whole number of bytes, got 1.5/,
      );
    });
  });

  it('errors with StreamDisconnectedError when the body ends before done, even with no byte at all', async () => {
    const result = await collect(chunkStream([]));
    expect(result.events).toEqual([]);
    expect(result.error).toBeInstanceOf(StreamDisconnectedError);
    expect(result.error).toMatchObject({ receivedBytes: 0 });
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const delta = {
      id: 'msg_1',
      delta: { content: [{ index: 0, type: 'text', text: { value: '【4:0†source】 ü 😀' } }] },
    };
    const bytes = new TextEncoder().encode(frame('thread.message.delta', delta) + DONE);
    const start = bytes.indexOf(0xe3);
    const chunks = [
      bytes.subarray(0, start + 1),
      bytes.subarray(start + 1, start + 2),
      bytes.subarray(start + 2),
    ];
    await expect(collect(chunkStream(chunks))).resolves.toEqual({
      events: [{ event: 'thread.message.delta', data: delta }],
    });
  });
});
