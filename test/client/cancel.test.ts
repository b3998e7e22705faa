import OpenAI from 'openai';
import { firstValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import { fetchClient } from '../../src/client/fetchClient';
import { openaiClient } from '../../src/client/openaiClient';
import {
  CANCEL_DEADLINE_MS,
  CANCEL_MAX_RETRIES,
  CANCEL_MAX_RETRY_DELAY_MS,
} from '../../src/client/RequestPolicy';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { AssistantsConnectionError } from '../../src/errors/AssistantsConnectionError';
import { RequestTimeoutError } from '../../src/errors/RequestTimeoutError';
import { type Answer, fakeFetch, json, untilAborted } from './fakeFetch';
import { closeAll, loopback, sendJson } from './loopback';

/**
 * Issue 11, class 5: a cancel is one request, retried at most once on a transient answer, waiting
 * at most a second whatever `retry-after` says, and aborted after a deadline: the process can exit
 * soon after an unsubscribe, whatever the cancel endpoint does. On fake timers (RxJS `timer` and
 * the SDK's own timeout run on them), so the waits are exact.
 */

const BASE = 'https://api.example.test/v1';
const cancelling = { id: 'run_1', object: 'thread.run', thread_id: 'thread_1', status: 'cancelling' };
const answerWith = (status: number, headers: Record<string, string> = {}) =>
  json({ error: { message: `cancel failed ${status}` } }, status, headers);
const settle = () => new Promise((resolve) => setImmediate(resolve));

type Make = (fetch: (url: string, init: RequestInit) => Promise<Response>) => AssistantsClient;
const clients: Record<string, Make> = {
  // The client's own retries are generous: the cancel's policy bounds them.
  fetchClient: (fetch) => fetchClient({ baseURL: BASE, fetch, maxRetries: 5 }),
  openaiClient: (fetch) =>
    // biome-ignore lint/suspicious/noExplicitAny: the SDK types its fetch option its own way
    openaiClient(new OpenAI({ apiKey: 'k', baseURL: BASE, fetch: fetch as any, maxRetries: 5 })),
};

/** Cancels with a fake fetch, recording the virtual time of each request and of the outcome. */
function cancel(make: Make, answer: Answer) {
  const t0 = Date.now();
  const times: number[] = [];
  const { fetch, calls } = fakeFetch((request, attempt) => {
    times.push(Date.now() - t0);
    return answer(request, attempt);
  });
  const outcome = firstValueFrom(make(fetch).runs.cancel('thread_1', 'run_1')).then(
    (value) => ({ value, at: Date.now() - t0 }),
    (error: unknown) => ({ error, at: Date.now() - t0 }),
  );
  return { calls, times, outcome };
}

/** Runs virtual time forward in small steps until `result` settles. */
async function finish<T>(result: Promise<T>, maxMs = 120_000): Promise<T> {
  let done = false;
  void result.then(() => {
    done = true;
  });
  for (let elapsed = 0; !done && elapsed <= maxMs; elapsed += 10) {
    await settle();
    await vi.advanceTimersByTimeAsync(10);
  }
  await settle();
  return result;
}

describe.each(Object.keys(clients))('%s: a bounded cancel', (name) => {
  const make = clients[name]!;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('is sent twice at most when it keeps failing with 500 (the README promises one request)', async () => {
    const { calls, outcome } = cancel(make, () => answerWith(500));
    const { error } = (await finish(outcome)) as { error: AssistantsApiError };
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect(error.status).toBe(500);
    expect(calls).toHaveLength(1 + CANCEL_MAX_RETRIES);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits at most 1 s for its retry, whatever retry-after asks', async () => {
    const { calls, times, outcome } = cancel(make, () => answerWith(429, { 'retry-after': '30' }));
    const { error, at } = (await finish(outcome)) as { error: AssistantsApiError; at: number };
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect(calls).toHaveLength(2);
    expect(times[1]! - times[0]!).toBe(CANCEL_MAX_RETRY_DELAY_MS);
    expect(at).toBeLessThan(2000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('succeeds on its one retry', async () => {
    const { calls, outcome } = cancel(make, (_, attempt) =>
      attempt === 0 ? answerWith(503) : json(cancelling),
    );
    await expect(finish(outcome)).resolves.toMatchObject({ value: cancelling });
    expect(calls).toHaveLength(2);
  });

  it('is retried once after a connection failure', async () => {
    const { calls, outcome } = cancel(make, () => Promise.reject(new TypeError('fetch failed')));
    const { error } = (await finish(outcome)) as { error: unknown };
    expect(error).toBeInstanceOf(AssistantsConnectionError);
    expect(calls).toHaveLength(2);
  });

  it('is aborted with RequestTimeoutError at the deadline when the server never answers', async () => {
    const { calls, outcome } = cancel(make, (request) => untilAborted(request.signal));
    await vi.advanceTimersByTimeAsync(CANCEL_DEADLINE_MS - 1);
    await settle();
    expect(calls.every((call) => call.signal?.aborted !== true)).toBe(true);
    const { error, at } = (await finish(outcome)) as { error: RequestTimeoutError; at: number };
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ method: 'POST', timeoutMs: CANCEL_DEADLINE_MS });
    expect(error.url).toContain('/threads/thread_1/runs/run_1/cancel');
    expect(at).toBe(CANCEL_DEADLINE_MS);
    expect(calls.every((call) => call.signal?.aborted === true)).toBe(true);
    await settle();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('other requests keep the client retries', async () => {
    const { fetch, calls } = fakeFetch(() => answerWith(500, { 'retry-after-ms': '0' }));
    const result = firstValueFrom(make(fetch).runs.retrieve('thread_1', 'run_1')).catch((e: unknown) => e);
    await finish(result);
    expect(calls).toHaveLength(6);
  });
});

describe('a cancel against a real server answering 429 with retry-after: 30', () => {
  afterEach(closeAll);

  it('ends within about a second, after two requests', async () => {
    const server = await loopback((req, res) => {
      req.resume();
      sendJson(res, 429, { error: { message: 'slow down' } }, { 'retry-after': '30' });
    });
    const started = performance.now();
    const error = await firstValueFrom(
      fetchClient({ baseURL: `${server.origin}/v1`, maxRetries: 2 }).runs.cancel('thread_1', 'run_1'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect(server.seen).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(4000); // was 30 s and more
  });
});
