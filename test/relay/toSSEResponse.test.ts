import { finalize, from, Subject } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { fromServerSentEvents } from '../../src/relay/fromServerSentEvents';
import { toSSEResponse } from '../../src/relay/toSSEResponse';
import { collect } from './helpers';

const created = {
  event: 'thread.run.created',
  data: { id: 'run_1', thread_id: 'thread_1', status: 'queued' },
} as RunEvent;
const completed = {
  event: 'thread.run.completed',
  data: { id: 'run_1', thread_id: 'thread_1', status: 'completed' },
} as RunEvent;

describe('toSSEResponse', () => {
  it('answers 200 with the SSE headers and a body fromServerSentEvents reads back', async () => {
    const response = toSSEResponse(from([created, completed]));
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toEqual({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    expect(await collect(fromServerSentEvents(response))).toEqual({ events: [created, completed] });
  });

  it('sets the caller’s status and headers over the defaults, keeping every set-cookie', () => {
    const response = toSSEResponse(from([created]), {
      status: 201,
      statusText: 'Started',
      headers: [
        ['Cache-Control', 'no-store'],
        ['Access-Control-Allow-Origin', 'https://app.example'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ],
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Started');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('cancelling the body (a client that disconnects) unsubscribes the run', async () => {
    const unsubscribed = vi.fn();
    const events = new Subject<RunEvent>();
    const response = toSSEResponse(events.pipe(finalize(unsubscribed)));
    const reader = response.body!.getReader();
    const first = reader.read();
    await vi.waitFor(() => expect(events.observed).toBe(true), { interval: 1 });
    events.next(created);
    await first;
    await reader.cancel();
    expect(unsubscribed).toHaveBeenCalledTimes(1);
  });

  it('passes the stream options on (keep-alive validated at once)', () => {
    expect(() => toSSEResponse(from([created]), { keepAliveMs: -5 })).toThrow(TypeError);
  });
});
