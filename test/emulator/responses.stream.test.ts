import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Brain, defaultBrain, type Emulator } from '../../src/emulator';
import { emulatorPerTest } from '../helpers/emulators';
import { eventsOf, eventually, followStream, rawApi } from './helpers';

// Responses streams: re-attach from a cursor after a dropped stream, the refusals (not streamed,
// too old: the clock is moved, not waited for), keepalive on idle streams, cancel, and what a
// client leaving does to a response that is not in the background.

const startEmulator = emulatorPerTest({ latencyMs: 1 });

/** "wait": a first message, then a minute of nothing, then another; otherwise the default brain. */
const slowBrain: Brain = (context) =>
  context.lastUserText.startsWith('wait')
    ? [
        { type: 'text', text: 'first part' },
        { type: 'delay', ms: 60_000 },
        { type: 'text', text: 'second part' },
      ]
    : defaultBrain(context);

const END = ['response.completed', 'response.failed', 'response.incomplete'];

/** POSTs a response with `stream: true` and follows its answer. */
async function openStream(emulator: Emulator, body: Record<string, unknown>, signal?: AbortSignal) {
  const response = await fetch(`${emulator.url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', stream: true, ...body }),
    ...(signal ? { signal } : {}),
  });
  expect(response.status).toBe(200);
  return followStream(response);
}

/** GETs the response's events after `after` (all when undefined), to the end. */
async function reattach(emulator: Emulator, id: string, after?: number) {
  const cursor = after === undefined ? '' : `&starting_after=${after}`;
  const response = await fetch(`${emulator.url}/responses/${id}?stream=true${cursor}`);
  if (response.status !== 200) return { status: response.status, json: await response.json(), events: [] };
  const stream = followStream(response);
  expect(await stream.done).toBe('ended');
  return { status: 200, json: undefined, events: eventsOf(stream.frames()) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('re-attach', () => {
  it('a dropped stream of a background response: the events after the cursor, then the rest live', async () => {
    const emulator = await startEmulator({
      latencyMs: 5,
      faults: { rules: [{ type: 'drop', on: 'responses.create', afterBytes: 2_600, times: 1 }] },
    });
    const dropped = await openStream(emulator, { input: 'one two three four five six', background: true });
    expect(await dropped.done).toBe('dropped');
    const seen = eventsOf(dropped.frames());
    expect(seen.length).toBeGreaterThan(1);
    const cursor = seen.at(-1).sequence_number;
    const id = seen[0].response.id;
    expect(emulator.requests[0]?.faults).toEqual(['drop']);

    const { events: rest } = await reattach(emulator, id, cursor);
    const all = [...seen, ...rest];
    expect(all.map((e) => e.sequence_number)).toEqual(all.map((_, i) => i));
    expect(all.at(-1).type).toBe('response.completed');
    const text = all.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta);
    expect(text.join('')).toBe('You said: "one two three four five six"');
    // A cursor past what happened yet skips those events; the log as a whole replays without one.
    expect((await reattach(emulator, id)).events).toEqual(all);
    expect((await reattach(emulator, id, all.length + 5)).events).toEqual([]);
  });

  it('refuses a response not created with stream: true, and a malformed cursor', async () => {
    const emulator = await startEmulator();
    const api = rawApi(emulator);
    const plain = (await api.post('/responses', { model: 'gpt-4o', input: 'hi' })).json;
    const refused = await reattach(emulator, plain.id, 0);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'stream',
      message: expect.stringContaining('not created with'),
    });
    const streamed = await openStream(emulator, { input: 'hi' });
    await streamed.done;
    const id = eventsOf(streamed.frames())[0].response.id;
    for (const bad of ['-1', 'x', '1.5'])
      expect((await api.get(`/responses/${id}?stream=true&starting_after=${bad}`)).json.error.param).toBe(
        'starting_after',
      );
    // stream=false, or none, is the plain retrieve
    expect((await api.get(`/responses/${id}?stream=false`)).json.status).toBe('completed');
  });

  it('refuses a response older than responseStreamMaxAgeMs (the clock moved past it), as the service words it', async () => {
    vi.useFakeTimers({
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
      shouldAdvanceTime: true,
    });
    const emulator = await startEmulator({ responseStreamMaxAgeMs: 60_000 });
    const stream = await openStream(emulator, { input: 'hello' });
    expect(await stream.done).toBe('ended');
    const id = eventsOf(stream.frames())[0].response.id;
    expect((await reattach(emulator, id, 3)).status).toBe(200);

    await vi.advanceTimersByTimeAsync(60_001);

    const old = await reattach(emulator, id, 3);
    expect(old.status).toBe(400);
    expect(old.json.error.message).toBe(
      'This response can no longer be streamed because it is more than 1 minute old.',
    );
    expect((await rawApi(emulator).get(`/responses/${id}`)).json.status).toBe('completed');
  });
});

describe('keepalive', () => {
  it('an idle stream gets keepalive events carrying the last event number; they are not in the log', async () => {
    vi.useFakeTimers({
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
      shouldAdvanceTime: true,
    });
    const emulator = await startEmulator({ brain: slowBrain, keepAliveMs: 10_000 });
    const stream = await openStream(emulator, { input: 'wait a minute', background: true });
    await eventually(() =>
      stream.frames().some((f) => f.event === 'response.output_item.done') ? true : undefined,
    );
    const last = eventsOf(stream.frames()).at(-1).sequence_number;

    await vi.advanceTimersByTimeAsync(35_000);

    const beats = stream.frames().filter((f) => f.event === 'keepalive');
    expect(beats.length).toBeGreaterThanOrEqual(2);
    for (const beat of beats)
      expect(JSON.parse(beat.data)).toEqual({ type: 'keepalive', sequence_number: last });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await stream.done).toBe('ended');
    const events = eventsOf(stream.frames()).filter((e) => e.type !== 'keepalive');
    expect(events.at(-1).type).toBe('response.completed');
    const id = events[0].response.id;
    expect((await reattach(emulator, id)).events).toEqual(events);
  });

  it('keepAliveMs: 0 sends none', async () => {
    vi.useFakeTimers({
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
      shouldAdvanceTime: true,
    });
    const emulator = await startEmulator({ brain: slowBrain, keepAliveMs: 0 });
    const stream = await openStream(emulator, { input: 'wait a minute' });
    await vi.advanceTimersByTimeAsync(61_000);
    expect(await stream.done).toBe('ended');
    expect(stream.frames().map((f) => f.event)).not.toContain('keepalive');
  });
});

describe('cancel', () => {
  it('a cancelled background response: its streams end with no end event, its open work incomplete', async () => {
    const emulator = await startEmulator({ brain: slowBrain });
    const stream = await openStream(emulator, { input: 'wait here', background: true });
    await eventually(() =>
      stream.frames().some((f) => f.event === 'response.output_item.done') ? true : undefined,
    );
    const id = eventsOf(stream.frames())[0].response.id;
    const follower = fetch(`${emulator.url}/responses/${id}?stream=true&starting_after=1000`);
    const cancelled = await rawApi(emulator).post(`/responses/${id}/cancel`);
    expect(cancelled.json).toMatchObject({ id, status: 'cancelled', completed_at: null });
    expect(await stream.done).toBe('ended');
    expect(
      stream
        .frames()
        .map((f) => f.event)
        .filter((e) => END.includes(e)),
    ).toEqual([]);
    expect((await (await follower).text()).trim()).toBe('');
    // A re-attach replays what was sent and ends, as the response did.
    const replay = await reattach(emulator, id);
    expect(replay.events.map((e) => e.type)).toEqual(eventsOf(stream.frames()).map((e) => e.type));
  });

  it('once ended: a 400 by default; with idempotentResponseCancel, the response as it is', async () => {
    for (const idempotentResponseCancel of [false, true]) {
      const emulator = await startEmulator({ idempotentResponseCancel });
      const api = rawApi(emulator);
      const { id } = (await api.post('/responses', { model: 'gpt-4o', input: 'hi', background: true })).json;
      await eventually(async () =>
        (await api.get(`/responses/${id}`)).json.status === 'completed' ? 1 : undefined,
      );
      const answer = await api.post(`/responses/${id}/cancel`);
      if (idempotentResponseCancel) expect(answer.json).toMatchObject({ id, status: 'completed' });
      else
        expect(answer).toMatchObject({
          status: 400,
          json: { error: { message: 'Cannot cancel a completed response.', type: 'invalid_request_error' } },
        });
    }
  });

  it('a response not in the background stops (cancelled) when its client goes away, streamed or not', async () => {
    const emulator = await startEmulator({ brain: slowBrain });
    const api = rawApi(emulator);
    const leave = new AbortController();
    const stream = await openStream(emulator, { input: 'wait there' }, leave.signal);
    await eventually(() => (stream.frames().length > 0 ? true : undefined));
    const id = eventsOf(stream.frames())[0].response.id;
    leave.abort();
    await eventually(async () =>
      (await api.get(`/responses/${id}`)).json.status === 'cancelled' ? 1 : undefined,
    );

    const leaveJson = new AbortController();
    const pending = fetch(`${emulator.url}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', input: 'wait again' }),
      signal: leaveJson.signal,
    }).catch(() => 'left');
    const waiting = await eventually(() => emulator.responses().find((r) => r.id !== id));
    leaveJson.abort();
    expect(await pending).toBe('left');
    await eventually(async () =>
      (await api.get(`/responses/${waiting.id}`)).json.status === 'cancelled' ? 1 : undefined,
    );
  });
});

describe('faults on Responses streams', () => {
  it('an error_event fault: a Responses error frame numbered like the last event, then the stream ends; the response goes on', async () => {
    const emulator = await startEmulator({
      faults: { rules: [{ type: 'error_event', on: 'responses.create', afterEvents: 3 }] },
    });
    const stream = await openStream(emulator, { input: 'one two', background: true });
    expect(await stream.done).toBe('ended');
    const events = eventsOf(stream.frames());
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.queued',
      'response.in_progress',
      'error',
    ]);
    expect(events[3]).toEqual({
      type: 'error',
      code: 'server_error',
      message: expect.stringContaining('emulated fault'),
      param: null,
      sequence_number: 2,
    });
    const { events: rest } = await reattach(emulator, events[0].response.id, 2);
    expect(rest[0].sequence_number).toBe(3);
    expect(rest.at(-1).type).toBe('response.completed');
  });

  it('a 429 on responses.create stores nothing; latency holds the answer', async () => {
    const emulator = await startEmulator({
      faults: {
        rules: [
          { type: 'status', status: 429, retryAfterMs: 5, times: 1, on: 'responses.create' },
          { type: 'latency', ms: 30, on: 'responses.retrieve' },
        ],
      },
    });
    const api = rawApi(emulator);
    const refused = await api.post('/responses', { model: 'gpt-4o', input: 'hi' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after-ms')).toBe('5');
    expect(emulator.responses()).toEqual([]);
    const { id } = (await api.post('/responses', { model: 'gpt-4o', input: 'hi' })).json;
    const started = Date.now();
    expect((await api.get(`/responses/${id}`)).json.id).toBe(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(emulator.requests.map((r) => [r.endpoint, r.status, r.faults])).toEqual([
      ['responses.create', 429, ['status']],
      ['responses.create', 200, []],
      ['responses.retrieve', 200, ['latency']],
    ]);
  });
});
