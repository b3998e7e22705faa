import OpenAI from 'openai';
import { firstValueFrom, lastValueFrom, type Observable, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import { fetchClient } from '../../src/client/fetchClient';
import { openaiClient } from '../../src/client/openaiClient';
import { isConnectPhaseFailure } from '../../src/client/retryRequest';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { AssistantsConnectionError } from '../../src/errors/AssistantsConnectionError';
import { RequestOutcomeUnknownError } from '../../src/errors/RequestOutcomeUnknownError';
import { fakeFetch, json } from './fakeFetch';
import { closeAll, loopback, refusedPort } from './loopback';

/**
 * Issue 11, class 2: a create whose connection dropped after its body was sent must not be sent
 * again (it made three billed runs); one that provably never left is retried as before.
 */

const run = { id: 'run_1', object: 'thread.run', thread_id: 'thread_1', status: 'queued' };
const body = { assistant_id: 'asst_1' };

/** Every endpoint that creates something, by name. */
const CREATES: Record<string, (client: AssistantsClient) => Observable<unknown>> = {
  'assistants.create': (c) => c.assistants.create({ model: 'gpt-4o' }),
  'threads.create': (c) => c.threads.create(),
  'threads.createAndRun': (c) => c.threads.createAndRun(body),
  'threads.createAndRunStream': (c) => c.threads.createAndRunStream(body).pipe(toArray()),
  'messages.create': (c) => c.messages.create('thread_1', { role: 'user', content: 'hi' }),
  'runs.create': (c) => c.runs.create('thread_1', body),
  'runs.createStream': (c) => c.runs.createStream('thread_1', body).pipe(toArray()),
};

const failureOf = (source: Observable<unknown>) => lastValueFrom(source).catch((e: unknown) => e);

/** A server that reads each request's whole body, then drops the connection without answering. */
const dropsAfterBody = () =>
  loopback((req) => {
    req.resume();
    req.on('end', () => req.socket.destroy());
  });

/** fetch, counting the calls that reached it. */
function counting() {
  const counter = { calls: 0 };
  const fetch = (url: string | URL | Request, init?: RequestInit) => {
    counter.calls++;
    return globalThis.fetch(url, init);
  };
  return { counter, fetch };
}

afterEach(closeAll);

describe('a create that may have reached the server', () => {
  it.each(Object.keys(CREATES))(
    'fetchClient %s: sent once, then RequestOutcomeUnknownError',
    async (name) => {
      const server = await dropsAfterBody();
      const client = fetchClient({ apiKey: 'k', baseURL: `${server.origin}/v1`, maxRetries: 2 });
      const error = await failureOf(CREATES[name]!(client));
      expect(error).toBeInstanceOf(RequestOutcomeUnknownError);
      expect(error).toMatchObject({ method: 'POST' });
      expect((error as Error).message).toContain('check before creating it again');
      expect((error as Error).cause).toBeDefined();
      expect(server.seen).toHaveLength(1);
    },
  );

  it('openaiClient runs.create: sent once, then RequestOutcomeUnknownError, whatever the SDK maxRetries', async () => {
    const server = await dropsAfterBody();
    const client = openaiClientOn(`${server.origin}/v1`, globalThis.fetch, 2);
    const error = await failureOf(client.runs.create('thread_1', body));
    expect(error).toBeInstanceOf(RequestOutcomeUnknownError);
    expect(server.seen).toHaveLength(1);
  });

  it('a read (runs.retrieve) that lost its connection is still retried', async () => {
    const server = await dropsAfterBody();
    const client = fetchClient({ apiKey: 'k', baseURL: `${server.origin}/v1`, maxRetries: 1 });
    const error = await failureOf(client.runs.retrieve('thread_1', 'run_1'));
    expect(error).toBeInstanceOf(AssistantsConnectionError);
    expect(server.seen).toHaveLength(2);
  });
});

describe('a create that provably never left', () => {
  it('fetchClient: a refused connection is retried, then AssistantsConnectionError', async () => {
    const port = await refusedPort();
    const { counter, fetch } = counting();
    const client = fetchClient({ apiKey: 'k', baseURL: `http://127.0.0.1:${port}/v1`, fetch, maxRetries: 1 });
    const error = await failureOf(client.runs.create('thread_1', body));
    expect(error).toBeInstanceOf(AssistantsConnectionError);
    expect(counter.calls).toBe(2);
  });

  it('openaiClient: a refused connection is retried up to the SDK maxRetries', async () => {
    const port = await refusedPort();
    const { counter, fetch } = counting();
    const client = openaiClientOn(`http://127.0.0.1:${port}/v1`, fetch, 1);
    const error = await failureOf(client.runs.create('thread_1', body));
    expect(error).toBeInstanceOf(AssistantsConnectionError);
    expect(counter.calls).toBe(2);
  });
});

describe('which answers retry a create', () => {
  const busy = (status: number, headers: Record<string, string> = {}) =>
    json({ error: { message: `busy ${status}` } }, status, { 'retry-after-ms': '0', ...headers });

  it.each([
    [429, {}, 2],
    [503, {}, 2],
    [500, { 'x-should-retry': 'true' }, 2],
    [500, {}, 1],
    [502, {}, 1],
    [504, {}, 1],
    [408, {}, 1],
    [409, {}, 1],
    [429, { 'x-should-retry': 'false' }, 1],
  ])('HTTP %i %j: %i request(s)', async (status, headers, requests) => {
    const { fetch, calls } = fakeFetch((_, attempt) => (attempt === 0 ? busy(status, headers) : json(run)));
    const client = fetchClient({ baseURL: 'https://api.example.test/v1', fetch, maxRetries: 2 });
    const result = await firstValueFrom(client.runs.create('thread_1', body)).catch((e: unknown) => e);
    expect(calls).toHaveLength(requests);
    if (requests === 1) expect(result).toBeInstanceOf(AssistantsApiError);
    else expect(result).toEqual(run);
  });

  it('a failure without a code in its cause chain is RequestOutcomeUnknownError, not retried', async () => {
    const { fetch, calls } = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const client = fetchClient({ baseURL: 'https://api.example.test/v1', fetch, maxRetries: 2 });
    const error = await failureOf(client.threads.create());
    expect(error).toBeInstanceOf(RequestOutcomeUnknownError);
    expect(calls).toHaveLength(1);
  });
});

describe('isConnectPhaseFailure', () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });
  const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });

  it.each([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'UND_ERR_CONNECT_TIMEOUT',
  ])('is true for %s in the cause chain', (code) => {
    expect(isConnectPhaseFailure(fetchFailed(coded(code)))).toBe(true);
  });

  it.each(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT'])(
    'is false for %s (the request may have been sent)',
    (code) => {
      expect(isConnectPhaseFailure(fetchFailed(coded(code)))).toBe(false);
    },
  );

  it('needs every address of an AggregateError to have been refused', () => {
    const all = new AggregateError([coded('ECONNREFUSED'), coded('EHOSTUNREACH')]);
    const mixed = new AggregateError([coded('ECONNREFUSED'), coded('ECONNRESET')]);
    expect(isConnectPhaseFailure(fetchFailed(all))).toBe(true);
    expect(isConnectPhaseFailure(fetchFailed(mixed))).toBe(false);
  });

  it('is false, without throwing, for cyclic chains, non-objects and throwing getters', () => {
    const cyclic: { cause?: unknown } = {};
    cyclic.cause = cyclic;
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
      },
    );
    for (const value of [cyclic, hostile, null, 'ECONNREFUSED', 42, undefined]) {
      expect(isConnectPhaseFailure(value)).toBe(false);
    }
  });
});

function openaiClientOn(baseURL: string, fetch: unknown, maxRetries: number) {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK types its fetch option its own way
  return openaiClient(new OpenAI({ apiKey: 'k', baseURL, fetch: fetch as any, maxRetries }));
}
