import OpenAI, { AzureOpenAI } from 'openai';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { InvalidResponseError } from '../../src/client/InvalidResponseError';
import { type OpenAILike, openaiClient } from '../../src/client/openaiClient';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { AssistantsConnectionError } from '../../src/errors/AssistantsConnectionError';
import { readFixture, referenceEvents } from '../helpers/fixtures';
import { fakeFetch, json, sse } from './fakeFetch';

const BASE = 'https://api.example.test/v1';
const run = { id: 'run_1', object: 'thread.run', thread_id: 'thread_1', status: 'queued' };
type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
const sdk = (fetch: FetchLike, maxRetries = 0) =>
  new OpenAI({ apiKey: 'k', baseURL: BASE, fetch, maxRetries });
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );

describe('openaiClient', () => {
  it('accepts the SDK clients by their shape', () => {
    expectTypeOf<OpenAI>().toMatchTypeOf<OpenAILike>();
    expectTypeOf<AzureOpenAI>().toMatchTypeOf<OpenAILike>();
  });

  it('rejects something that is not an SDK instance at once', () => {
    expect(() => openaiClient({} as never)).toThrow(TypeError);
    expect(() => openaiClient(null as never)).toThrow(/instance of the openai SDK/);
    expect(() => openaiClient(sdk(fakeFetch(() => json(run)).fetch), { maxEventBytes: -1 })).toThrow(
      TypeError,
    );
  });

  it("applies the SDK's own retries", async () => {
    const { fetch, calls } = fakeFetch((_, attempt) =>
      attempt === 0 ? json({ error: { message: 'busy' } }, 503, { 'retry-after-ms': '1' }) : json(run),
    );
    await expect(
      firstValueFrom(openaiClient(sdk(fetch, 1)).runs.retrieve('thread_1', 'run_1')),
    ).resolves.toEqual(run);
    expect(calls).toHaveLength(2);
  });

  it('maps a connection failure to AssistantsConnectionError with the original cause', async () => {
    const cause = new TypeError('fetch failed');
    const client = openaiClient(sdk(() => Promise.reject(cause)));
    const error = await failureOf(firstValueFrom(client.runs.retrieve('thread_1', 'run_1')));
    expect(error).toBeInstanceOf(AssistantsConnectionError);
    expect(error).toMatchObject({ method: 'GET', url: `${BASE}/threads/thread_1/runs/run_1`, cause });
  });

  it('maps an error status without a JSON body, keeping the text as the message', async () => {
    const { fetch } = fakeFetch(
      () => new Response('upstream connect error', { status: 503, headers: { 'x-ms-request-id': 'ms_1' } }),
    );
    const error = await failureOf(firstValueFrom(openaiClient(sdk(fetch)).runs.retrieve('t', 'r')));
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect(error).toMatchObject({ status: 503, requestId: 'ms_1', code: null });
    expect((error as Error).message).toContain('failed with HTTP 503: upstream connect error');
  });

  it('turns a 2xx answer that is not JSON into InvalidResponseError', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>ok</html>', { status: 200 }));
    const error = await failureOf(firstValueFrom(openaiClient(sdk(fetch)).runs.retrieve('t', 'r')));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ status: 200, raw: '<html>ok</html>' });
  });

  it('streams a recorded body through the SDK', async () => {
    const text = readFixture('sse', 'dotnet-StreamingToolCall.02.submit_tool_outputs.sse');
    const { fetch } = fakeFetch(() => sse([text]));
    const events = await lastValueFrom(
      openaiClient(sdk(fetch))
        .runs.submitToolOutputsStream('thread_1', 'run_1', { tool_outputs: [] })
        .pipe(toArray()),
    );
    expect(events).toEqual(referenceEvents(text));
  });

  it('reads a Node stream body (SDK v4 on node-fetch) through the async-iterator adapter', async () => {
    const text = readFixture('sse', 'dotnet-StreamingToolCall.01.create_thread_and_run.sse');
    async function* nodeBody() {
      const bytes = new TextEncoder().encode(text);
      for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
    }
    const answer = { status: 200, url: `${BASE}/threads/runs`, headers: new Headers(), body: nodeBody() };
    const legacy: OpenAILike = {
      get: () => ({ asResponse: () => Promise.resolve(answer) }),
      post: () => ({ asResponse: () => Promise.resolve(answer) }),
      delete: () => ({ asResponse: () => Promise.resolve(answer) }),
    };
    const events = await lastValueFrom(
      openaiClient(legacy).threads.createAndRunStream({ assistant_id: 'asst_1' }).pipe(toArray()),
    );
    expect(events).toEqual(referenceEvents(text));
  });

  it('maps a v4-style error (request_id, plain-object headers)', async () => {
    const v4Error = Object.assign(new Error('429 Rate limit reached'), {
      status: 429,
      headers: { 'retry-after': '1', 'x-request-id': 'ignored-when-request_id-set' },
      error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded', param: null },
      request_id: 'req_v4',
    });
    const legacy: OpenAILike = {
      baseURL: 'https://legacy.example.test/v1/',
      get: () => ({ asResponse: () => Promise.reject(v4Error) }),
      post: () => ({ asResponse: () => Promise.reject(v4Error) }),
      delete: () => ({ asResponse: () => Promise.reject(v4Error) }),
    };
    const error = await failureOf(firstValueFrom(openaiClient(legacy).runs.retrieve('t', 'r')));
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect(error).toMatchObject({
      status: 429,
      url: 'https://legacy.example.test/v1/threads/t/runs/r',
      code: 'rate_limit_exceeded',
      type: 'requests',
      param: null,
      requestId: 'req_v4',
      headers: { 'retry-after': '1', 'x-request-id': 'ignored-when-request_id-set' },
    });
    expect((error as Error).message).toContain('HTTP 429: Rate limit reached');
  });

  it('passes other SDK errors through unchanged', async () => {
    const configError = new Error('The OPENAI_API_KEY environment variable is missing');
    const broken: OpenAILike = {
      get: () => ({ asResponse: () => Promise.reject(configError) }),
      post: () => ({ asResponse: () => Promise.reject(configError) }),
      delete: () => ({ asResponse: () => Promise.reject(configError) }),
    };
    await expect(firstValueFrom(openaiClient(broken).runs.retrieve('t', 'r'))).rejects.toBe(configError);
  });

  it("works with AzureOpenAI: the SDK's Azure URL, api-version and api-key apply", async () => {
    const { fetch, calls } = fakeFetch(() => json(run));
    const azure = new AzureOpenAI({
      apiKey: 'azure-key',
      endpoint: 'https://res.openai.azure.com',
      apiVersion: '2025-05-01',
      fetch,
      maxRetries: 0,
    });
    await firstValueFrom(openaiClient(azure).runs.retrieve('thread_1', 'run_1'));
    const seen = calls[0]!;
    expect(`${seen.url.origin}${seen.url.pathname}`).toBe(
      'https://res.openai.azure.com/openai/threads/thread_1/runs/run_1',
    );
    expect(seen.url.searchParams.get('api-version')).toBe('2025-05-01');
    expect(seen.headers.get('api-key')).toBe('azure-key');
    expect(seen.headers.get('openai-beta')).toBe('assistants=v2');
  });
});
