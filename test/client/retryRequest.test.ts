import fc from 'fast-check';
import { firstValueFrom, lastValueFrom, type Observable, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { parseHttpDate, retryDelayMs } from '../../src/client/retryRequest';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { AssistantsConnectionError } from '../../src/errors/AssistantsConnectionError';
import { StreamDisconnectedError } from '../../src/errors/StreamErrors';
import { type Answer, chunkStream, fakeFetch, json, type SeenRequest, sse } from './fakeFetch';

/**
 * fetchClient's retries, on fake timers: RxJS `timer` runs on `setInterval`, which vitest fakes, so
 * the waits are exact and cost no wall-clock time. `setImmediate` stays real to let promises settle.
 */

const BASE = 'https://api.example.test/v1';
const run = { id: 'run_1', object: 'thread.run', thread_id: 'thread_1', status: 'queued' };
const busy = (status: number, headers: Record<string, string> = {}) =>
  json(
    { error: { message: `busy ${status}`, type: 'server_error', param: null, code: null } },
    status,
    headers,
  );

const settle = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  // Jitter factor 0.75 + 0.5 × random = 1: the delays are the bare backoff.
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Subscribes, and records the virtual time of each fetch call. */
function start(answer: Answer, options: { maxRetries?: number; stream?: boolean } = {}) {
  const t0 = Date.now();
  const times: number[] = [];
  const { fetch, calls } = fakeFetch((request, attempt) => {
    times.push(Date.now() - t0);
    return answer(request, attempt);
  });
  const client = fetchClient({ apiKey: 'k', baseURL: BASE, fetch, maxRetries: options.maxRetries ?? 2 });
  const source: Observable<unknown> = options.stream
    ? client.runs.createStream('thread_1', { assistant_id: 'asst_1' }).pipe(toArray())
    : client.runs.retrieve('thread_1', 'run_1');
  const result = lastValueFrom(source).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { calls, times, result };
}

/** Runs virtual time forward until `result` settles, letting promises settle between timers. */
async function finish<T>(result: Promise<T>, maxMs = 120_000): Promise<T> {
  let done = false;
  void result.then(() => {
    done = true;
  });
  for (let elapsed = 0; !done && elapsed <= maxMs; elapsed += 50) {
    await settle();
    await vi.advanceTimersByTimeAsync(50);
  }
  await settle();
  return result;
}

describe('fetchClient retries', () => {
  it.each([408, 409, 429, 500, 502, 503, 504])('retries HTTP %i, then succeeds', async (status) => {
    const { calls, result } = start((_, attempt) => (attempt < 2 ? busy(status) : json(run)));
    await expect(finish(result)).resolves.toEqual({ value: run });
    expect(calls).toHaveLength(3);
  });

  it.each([400, 401, 403, 404, 422])('does not retry HTTP %i', async (status) => {
    const { calls, result } = start(() => busy(status));
    const { error } = (await finish(result)) as { error: AssistantsApiError };
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect(error.status).toBe(status);
    expect(calls).toHaveLength(1);
  });

  it('waits 0.5 s × 2^n between tries and gives up after maxRetries with the last error', async () => {
    const { calls, times, result } = start((_, attempt) => busy(500 + attempt), { maxRetries: 3 });
    const { error } = (await finish(result)) as { error: AssistantsApiError };
    expect(calls).toHaveLength(4);
    expect(error.status).toBe(503);
    expect(times[1]! - times[0]!).toBe(500);
    expect(times[2]! - times[1]!).toBe(1000);
    expect(times[3]! - times[2]!).toBe(2000);
  });

  it('waits exactly until the backoff, not a millisecond less', async () => {
    const { calls, result } = start((_, attempt) => (attempt === 0 ? busy(503) : json(run)));
    await settle();
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(499);
    await settle();
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(calls).toHaveLength(2);
    await expect(finish(result)).resolves.toEqual({ value: run });
  });

  it('applies ±25 % jitter and caps the backoff at 8 s', () => {
    const error = new AssistantsApiError({ status: 503, method: 'GET', url: BASE });
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(retryDelayMs(error, 0)).toBe(375);
    expect(retryDelayMs(error, 10)).toBe(6000);
    vi.spyOn(Math, 'random').mockReturnValue(0.999999);
    expect(retryDelayMs(error, 0)).toBe(625);
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(error, n))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it.each([
    [{ 'retry-after-ms': '1234' }, 1234],
    [{ 'retry-after-ms': '0' }, 0],
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after-ms': '250', 'retry-after': '3' }, 250],
    [{ 'retry-after': '120' }, 500],
    [{ 'retry-after-ms': '-5' }, 500],
    [{ 'retry-after': 'soon' }, 500],
  ])('honours %j when sane (waits %i ms)', async (headers, wait) => {
    const { times, result } = start((_, attempt) => (attempt === 0 ? busy(429, headers) : json(run)));
    await expect(finish(result)).resolves.toEqual({ value: run });
    expect(times[1]! - times[0]!).toBe(wait);
  });

  it('honours retry-after as an HTTP date', async () => {
    vi.setSystemTime(new Date('2025-10-30T21:58:50.000Z'));
    const headers = { 'retry-after': 'Thu, 30 Oct 2025 21:58:54 GMT' };
    const { times, result } = start((_, attempt) => (attempt === 0 ? busy(503, headers) : json(run)));
    await expect(finish(result)).resolves.toEqual({ value: run });
    expect(times[1]! - times[0]!).toBe(4000);
  });

  it('follows x-should-retry over the status', async () => {
    const never = start(() => busy(503, { 'x-should-retry': 'false' }));
    await finish(never.result);
    expect(never.calls).toHaveLength(1);
    const always = start((_, attempt) =>
      attempt === 0 ? busy(400, { 'x-should-retry': 'true' }) : json(run),
    );
    await expect(finish(always.result)).resolves.toEqual({ value: run });
    expect(always.calls).toHaveLength(2);
  });

  it('retries a network failure before any answer, bounded by maxRetries', async () => {
    const cause = new TypeError('fetch failed');
    const recovers = start((_, attempt) => (attempt < 2 ? Promise.reject(cause) : json(run)));
    await expect(finish(recovers.result)).resolves.toEqual({ value: run });
    expect(recovers.calls).toHaveLength(3);

    const fails = start(() => Promise.reject(cause), { maxRetries: 1 });
    const { error } = (await finish(fails.result)) as { error: AssistantsConnectionError };
    expect(error).toBeInstanceOf(AssistantsConnectionError);
    expect(error.cause).toBe(cause);
    expect(fails.calls).toHaveLength(2);
  });

  it('does not retry with maxRetries: 0', async () => {
    const { calls, result } = start(() => busy(503), { maxRetries: 0 });
    await finish(result);
    expect(calls).toHaveLength(1);
  });

  it('retries a stream whose answer says nothing was done (503)', async () => {
    const frames = [
      `event: thread.run.created\ndata: ${JSON.stringify(run)}\n\n`,
      'event: done\ndata: [DONE]\n\n',
    ];
    const { calls, result } = start((_, attempt) => (attempt === 0 ? busy(503) : sse(frames)), {
      stream: true,
    });
    await expect(finish(result)).resolves.toEqual({
      value: [{ event: 'thread.run.created', data: run }],
    });
    expect(calls).toHaveLength(2);
    expect(calls.every((c: SeenRequest) => (c.body as { stream?: boolean }).stream === true)).toBe(true);
  });

  it('never retries a stream after its first byte', async () => {
    const { calls, result } = start(
      () =>
        new Response(
          chunkStream(['event: thread.run.created\ndata: {"id":'], { end: new TypeError('terminated') }),
          {
            headers: { 'content-type': 'text/event-stream' },
          },
        ),
      { stream: true },
    );
    const { error } = (await finish(result)) as { error: StreamDisconnectedError };
    expect(error).toBeInstanceOf(StreamDisconnectedError);
    expect(error.receivedBytes).toBeGreaterThan(0);
    expect(calls).toHaveLength(1);
  });

  it('never retries after unsubscribe, even with a backoff pending', async () => {
    const { fetch, calls } = fakeFetch(() => busy(503));
    const subscription = fetchClient({ baseURL: BASE, fetch, maxRetries: 5 })
      .runs.retrieve('thread_1', 'run_1')
      .subscribe({ error: () => {} });
    await settle();
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    subscription.unsubscribe();
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    expect(calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind after giving up', async () => {
    const { result } = start(() => busy(503), { maxRetries: 2 });
    await finish(result);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves firstValueFrom of a retried request once', async () => {
    const { fetch } = fakeFetch((_, attempt) => (attempt === 0 ? busy(500) : json(run)));
    const value = firstValueFrom(fetchClient({ baseURL: BASE, fetch }).runs.retrieve('thread_1', 'run_1'));
    await expect(finish(value)).resolves.toEqual(run);
  });
});

describe('retry-after: a number of seconds or an HTTP-date, else the default backoff', () => {
  const NOW = Date.UTC(2025, 9, 30, 21, 58, 50);
  const asked = (headers: Record<string, string>) =>
    retryDelayMs(new AssistantsApiError({ status: 429, method: 'GET', url: BASE, headers }), 0, NOW);

  it.each([
    ['-5'],
    ['1, 2'],
    ['1,2'],
    ['+3'],
    ['1e3'],
    ['0x10'],
    ['3 s'],
    ['Infinity'],
    ['NaN'],
    ['2025-10-30T21:58:54Z'],
    ['Thursday'],
    ['Thu, 30 Oct 2025 21:58:54'],
    ['Thu, 30 Oct 2025 21:58:54 PST'],
    ['30 Oct 2025 21:58:54 GMT'],
    ['Thu, 32 Oct 2025 21:58:54 GMT'],
    ['Thu, 30 Oct 2025 25:58:54 GMT'],
  ])('falls back to the default backoff for %j (was: retried at once)', (value) => {
    expect(asked({ 'retry-after': value })).toBe(500);
    expect(asked({ 'retry-after-ms': value })).toBe(500);
  });

  it.each([
    ['Thu, 30 Oct 2025 21:58:54 GMT', 4000],
    ['Thursday, 30-Oct-25 21:58:54 GMT', 4000],
    ['Thu Oct 30 21:58:54 2025', 4000],
    ['Sun Nov  6 08:49:37 1994', 0],
    ['Thu, 30 Oct 2025 21:58:00 GMT', 0],
    ['Thu, 30 Oct 2025 22:58:54 GMT', 500],
    ['2', 2000],
    ['0.5', 500],
    ['0', 0],
  ])('honours %j (waits %i ms; a date past is now, one over 60 s ahead is not trusted)', (value, ms) => {
    expect(asked({ 'retry-after': value })).toBe(ms);
  });

  it('property: any string is either a number of seconds, an HTTP-date, or the default backoff', () => {
    const tricky = fc.oneof(
      fc.string(),
      fc.double().map(String),
      fc.integer({ min: -100, max: 100 }).map(String),
      fc.array(fc.nat(99), { minLength: 1, maxLength: 3 }).map((ns) => ns.join(', ')),
      fc.date({ noInvalidDate: true }).map((d) => d.toString()),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.date({ noInvalidDate: true }).map((d) => d.toUTCString().replace('GMT', 'UTC')),
    );
    fc.assert(
      fc.property(tricky, (value) => {
        const ms = asked({ 'retry-after': value });
        const trimmed = value.trim();
        if (/^\d+(\.\d+)?$/.test(trimmed)) {
          const seconds = Number(trimmed) * 1000;
          expect(ms).toBe(seconds <= 60_000 ? seconds : 500);
        } else if (parseHttpDate(trimmed) !== undefined) {
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(60_000);
        } else {
          expect(ms).toBe(500);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: every IMF-fixdate (what Date#toUTCString writes) reads back to its second', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }),
        (date) => {
          const second = Math.floor(date.getTime() / 1000) * 1000;
          expect(parseHttpDate(date.toUTCString())).toBe(second);
        },
      ),
    );
  });
});
