import { finalize, NEVER, Observable, of, Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { toUIMessageStreamResponse } from '../../src/ui/toUIMessageStreamResponse';
import { runEvent, textDelta } from '../state/events';

/**
 * The Response of a UI message stream: the protocol's headers, one `data:` frame per chunk and
 * `data: [DONE]`, lazy, keep-alives, a bounded queue for a reader that falls behind, and a
 * disconnect that unsubscribes the run.
 */

const decoder = new TextDecoder();

/** Every frame the body gives, read to its end. */
async function framesOf(response: Response): Promise<string[]> {
  const reader = response.body?.getReader();
  const frames: string[] = [];
  for (;;) {
    const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
    if (done) return frames;
    frames.push(decoder.decode(value));
  }
}

/** Counts subscriptions and unsubscriptions of `events$`. */
function watched(events$: Observable<RunEvent>) {
  const seen = { subscribed: 0, finalized: 0 };
  const source = new Observable<RunEvent>((subscriber) => {
    seen.subscribed++;
    return events$.subscribe(subscriber);
  }).pipe(
    finalize(() => {
      seen.finalized++;
    }),
  );
  return { seen, source };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('toUIMessageStreamResponse', () => {
  it('answers with the protocol headers and one data frame per chunk, then [DONE]', async () => {
    const response = toUIMessageStreamResponse(of(runEvent('in_progress'), runEvent('completed')), {
      headers: { 'cache-control': 'no-store', 'x-extra': '1' },
      status: 201,
      statusText: 'Created',
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Created');
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-extra')).toBe('1');
    const status = (s: string) => ({
      type: 'data-run-status',
      id: 'run_1',
      data: { status: s, runId: 'run_1', threadId: 'thread_1' },
    });
    expect(await framesOf(response)).toEqual([
      `data: ${JSON.stringify({ type: 'start' })}\n\n`,
      `data: ${JSON.stringify(status('in_progress'))}\n\n`,
      `data: ${JSON.stringify(status('completed'))}\n\n`,
      `data: ${JSON.stringify({ type: 'finish', finishReason: 'stop' })}\n\n`,
      'data: [DONE]\n\n',
    ]);
  });

  it('subscribes at the first read, and a cancelled body (a client gone) unsubscribes the run', async () => {
    const events = new Subject<RunEvent>();
    const { seen, source } = watched(events);
    const response = toUIMessageStreamResponse(source);
    expect(seen.subscribed).toBe(0);
    const reader = response.body?.getReader();
    await reader?.read();
    expect(seen.subscribed).toBe(1);
    events.next(runEvent('in_progress'));
    await reader?.read();
    await reader?.cancel();
    expect(seen.finalized).toBe(1);
    expect(events.observed).toBe(false);
  });

  it('writes a keep-alive comment after keepAliveMs of silence, and none once the stream ended', async () => {
    vi.useFakeTimers();
    const events = new Subject<RunEvent>();
    const reader = toUIMessageStreamResponse(events, { keepAliveMs: 1000 }).body?.getReader();
    const next = async () => decoder.decode((await reader?.read())?.value);
    expect(await next()).toBe('data: {"type":"start"}\n\n');
    const pending = next();
    await vi.advanceTimersByTimeAsync(999);
    events.next(runEvent('in_progress'));
    expect(await pending).toContain('"in_progress"');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await next()).toBe(': keep-alive\n\n');
    events.complete();
    expect(await next()).toContain('"finish"');
    expect(await next()).toBe('data: [DONE]\n\n');
    expect((await reader?.read())?.done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends with an error chunk and [DONE] when the reader falls behind by more than maxBufferedBytes, and unsubscribes', async () => {
    const events = new Subject<RunEvent>();
    const { seen, source } = watched(events);
    const response = toUIMessageStreamResponse(source, { maxBufferedBytes: 4096, keepAliveMs: false });
    const reader = response.body?.getReader();
    await reader?.read(); // start: the body is now subscribed; nothing else is read for a while
    for (let i = 0; i < 200 && events.observed; i++) events.next(textDelta('msg_1', 'x'.repeat(100)));
    expect(seen.finalized).toBe(1);
    const rest: string[] = [];
    for (;;) {
      const { done, value } = (await reader?.read()) ?? { done: true };
      if (done) break;
      rest.push(decoder.decode(value));
    }
    const held = rest.slice(0, -2).join('').length;
    expect(held).toBeLessThanOrEqual(4096 + 400);
    expect(rest.at(-2)).toMatch(
      /^data: \{"type":"error","errorText":"The reader fell behind by more than 4096 bytes/,
    );
    expect(rest.at(-1)).toBe('data: [DONE]\n\n');
  });

  it('refuses invalid arguments at once', () => {
    expect(() => toUIMessageStreamResponse(null as never)).toThrow(TypeError);
    expect(() => toUIMessageStreamResponse(NEVER, { keepAliveMs: -1 })).toThrow(/keepAliveMs/);
    expect(() => toUIMessageStreamResponse(NEVER, { maxBufferedBytes: 0 })).toThrow(/maxBufferedBytes/);
    expect(() => toUIMessageStreamResponse(NEVER, { onError: 1 as never })).toThrow(/onError/);
  });
});
