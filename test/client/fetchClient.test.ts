import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { InvalidResponseError } from '../../src/client/InvalidResponseError';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { AssistantsConnectionError } from '../../src/errors/AssistantsConnectionError';
import { StreamDisconnectedError, StreamParseError } from '../../src/errors/StreamErrors';
import { fakeFetch, json, sse } from './fakeFetch';

const BASE = 'https://api.example.test/v1';
const run = { id: 'run_1', object: 'thread.run', thread_id: 'thread_1', status: 'queued' };
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

describe('fetchClient options', () => {
  it('defaults apiKey and baseURL from the environment and uses the global fetch looked up at call time', async () => {
    vi.stubEnv('OPENAI_API_KEY', 'env-key');
    vi.stubEnv('OPENAI_BASE_URL', 'https://env.example.test/api/');
    const client = fetchClient();
    const { fetch, calls } = fakeFetch(() => json(run));
    vi.stubGlobal('fetch', fetch);

    await firstValueFrom(client.runs.retrieve('thread_1', 'run_1'));

    expect(calls[0]!.url.href).toBe('https://env.example.test/api/threads/thread_1/runs/run_1');
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer env-key');
  });

  it("defaults to OpenAI's URL and sends no Authorization without a key", async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    vi.stubEnv('OPENAI_BASE_URL', '');
    const { fetch, calls } = fakeFetch(() => json(run));
    await firstValueFrom(fetchClient({ fetch }).runs.retrieve('thread_1', 'run_1'));
    expect(calls[0]!.url.href).toBe('https://api.openai.com/v1/threads/thread_1/runs/run_1');
    expect(calls[0]!.headers.has('authorization')).toBe(false);
    expect(calls[0]!.headers.get('openai-beta')).toBe('assistants=v2');
  });

  it('keeps a query of the baseURL, adds the client query, and encodes include as include[]', async () => {
    const { fetch, calls } = fakeFetch(() => json(run));
    const client = fetchClient({
      apiKey: 'k',
      baseURL: 'https://res.example.test/openai/?tenant=t1',
      query: { 'api-version': '2025-05-01', skipped: undefined },
      fetch,
    });
    await firstValueFrom(
      client.runs.create('thread_1', { assistant_id: 'asst_1' }, { include: ['a[*].b', 'c'] }),
    );
    expect(calls[0]!.url.href).toBe(
      'https://res.example.test/openai/threads/thread_1/runs?tenant=t1&api-version=2025-05-01&include[]=a%5B*%5D.b&include[]=c',
    );
  });

  it('merges user headers last, case-insensitively; null removes a default', async () => {
    const { fetch, calls } = fakeFetch(() => json(run));
    const client = fetchClient({
      apiKey: 'k',
      baseURL: BASE,
      fetch,
      headers: { 'openai-beta': 'assistants=v2,extra', Authorization: null, 'api-key': 'azure-key' },
    });
    await firstValueFrom(client.runs.cancel('thread_1', 'run_1'));
    const { headers } = calls[0]!;
    expect(headers.get('openai-beta')).toBe('assistants=v2,extra');
    expect(headers.has('authorization')).toBe(false);
    expect(headers.get('api-key')).toBe('azure-key');
    expect(headers.get('content-type')).toBe('application/json');
  });

  it('copies its options: changing them afterwards changes nothing', async () => {
    const { fetch, calls } = fakeFetch(() => json(run));
    const options = { apiKey: 'k', baseURL: BASE, fetch, query: { v: '1' }, headers: { 'x-a': 'a' } };
    const client = fetchClient(options);
    options.query.v = '2';
    options.headers['x-a'] = 'b';
    await firstValueFrom(client.runs.retrieve('thread_1', 'run_1'));
    expect(calls[0]!.url.searchParams.get('v')).toBe('1');
    expect(calls[0]!.headers.get('x-a')).toBe('a');
  });

  it('is cold: nothing is sent before subscription, and each subscription sends its own request', async () => {
    const { fetch, calls } = fakeFetch(() => json(run));
    const run$ = fetchClient({ baseURL: BASE, fetch }).runs.retrieve('thread_1', 'run_1');
    expect(calls).toHaveLength(0);
    await firstValueFrom(run$);
    await firstValueFrom(run$);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.signal).not.toBe(calls[1]!.signal);
  });

  it.each([
    [{ baseURL: 'not a url' }, /baseURL must be an absolute http\(s\) URL/],
    [{ baseURL: 'ftp://files.example.test' }, /baseURL/],
    [{ maxRetries: -1 }, /maxRetries must be a whole number ≥ 0/],
    [{ maxRetries: 1.5 }, /maxRetries/],
    [{ maxEventBytes: 0 }, /maxEventBytes must be a positive whole number/],
    [{ fetch: 'fetch' }, /fetch must be a function/],
    [{ headers: { 'x-n': 1 } }, /header "x-n" must be a string/],
    [{ headers: ['x'] }, /headers must be an object/],
    [{ query: 'api-version=1' }, /query must be an object/],
    [{ apiKey: 42 }, /apiKey must be a string/],
  ])('rejects %j at once with a TypeError saying how to fix it', (options, message) => {
    expect(() => fetchClient(options as never)).toThrow(TypeError);
    expect(() => fetchClient(options as never)).toThrow(message);
  });

  it('errors the Observable, without throwing at the call, for a query value that cannot be encoded', async () => {
    const { fetch, calls } = fakeFetch(() => json(run));
    const run$ = fetchClient({ baseURL: BASE, fetch }).runs.create(
      't',
      { assistant_id: 'a' },
      { include: ['\uD800'] },
    );
    const error = await failureOf(firstValueFrom(run$));
    expect(error).toBeInstanceOf(URIError);
    expect(calls).toHaveLength(0);
  });

  it('errors with a TypeError when no fetch exists at call time', async () => {
    vi.stubGlobal('fetch', undefined);
    const error = await failureOf(firstValueFrom(fetchClient({ baseURL: BASE }).runs.retrieve('t', 'r')));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('fetchClient({ fetch })');
  });
});

describe('fetchClient answers', () => {
  it('turns a failure before any answer into AssistantsConnectionError with the cause', async () => {
    const cause = new TypeError('fetch failed');
    const client = fetchClient({ baseURL: BASE, maxRetries: 0, fetch: () => Promise.reject(cause) });
    const error = await failureOf(firstValueFrom(client.runs.retrieve('thread_1', 'run_1')));
    expect(error).toBeInstanceOf(AssistantsConnectionError);
    expect(error).toMatchObject({ method: 'GET', url: `${BASE}/threads/thread_1/runs/run_1`, cause });
    expect((error as Error).message).toContain('fetch failed');
  });

  it('still gives AssistantsConnectionError when fetch rejects with a value that cannot be printed', async () => {
    // Found by the hostile-input suite: `String({ toString: null })` throws a TypeError.
    const cause = { toString: null };
    const client = fetchClient({ baseURL: BASE, maxRetries: 0, fetch: () => Promise.reject(cause) });
    const error = await failureOf(firstValueFrom(client.runs.retrieve('thread_1', 'run_1')));
    expect(error).toBeInstanceOf(AssistantsConnectionError);
    expect(error).toMatchObject({ cause });
    expect((error as Error).message).toContain('[object Object]');
  });

  it('turns a 2xx answer that is not JSON into InvalidResponseError with its facts', async () => {
    const { fetch } = fakeFetch(
      () => new Response('<html>maintenance</html>', { status: 200, headers: { 'x-request-id': 'req_9' } }),
    );
    const error = await failureOf(
      firstValueFrom(fetchClient({ baseURL: BASE, fetch }).runs.retrieve('t', 'r')),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({
      status: 200,
      method: 'GET',
      requestId: 'req_9',
      raw: '<html>maintenance</html>',
    });
    expect((error as Error).message).toContain('invalid JSON');
  });

  it('turns an empty 200 body into InvalidResponseError, and a 204 into null', async () => {
    const empty = fakeFetch(() => new Response('', { status: 200 }));
    const error = await failureOf(
      firstValueFrom(fetchClient({ baseURL: BASE, fetch: empty.fetch }).threads.delete('t')),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain('empty body');

    const noContent = fakeFetch(() => new Response(null, { status: 204 }));
    await expect(
      firstValueFrom(fetchClient({ baseURL: BASE, fetch: noContent.fetch }).threads.delete('t')),
    ).resolves.toBeNull();
  });

  it('reads an error body of the { error: "text" } and { message } shapes', async () => {
    for (const body of [{ error: 'Run is locked' }, { message: 'Run is locked' }]) {
      const { fetch } = fakeFetch(() => json(body, 400));
      const error = await failureOf(
        firstValueFrom(fetchClient({ baseURL: BASE, fetch }).runs.cancel('t', 'r')),
      );
      expect(error).toBeInstanceOf(AssistantsApiError);
      expect((error as Error).message).toBe(
        `POST ${BASE}/threads/t/runs/r/cancel failed with HTTP 400: Run is locked`,
      );
    }
  });

  it('errors a stream answer without a body with StreamDisconnectedError', async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 200 }));
    const error = await failureOf(
      lastValueFrom(fetchClient({ baseURL: BASE, fetch }).runs.createStream('t', { assistant_id: 'a' })),
    );
    expect(error).toBeInstanceOf(StreamDisconnectedError);
  });

  it('passes maxEventBytes to streams', async () => {
    const big = `event: thread.message.delta\ndata: {"v":"${'x'.repeat(500)}"}\n\n`;
    const { fetch } = fakeFetch(() => sse([big, 'event: done\ndata: [DONE]\n\n']));
    const client = fetchClient({ baseURL: BASE, fetch, maxEventBytes: 100 });
    const error = await failureOf(
      lastValueFrom(client.runs.createStream('t', { assistant_id: 'a' }).pipe(toArray())),
    );
    expect(error).toBeInstanceOf(StreamParseError);
    expect((error as Error).message).toContain('maxEventBytes (100)');
  });
});
