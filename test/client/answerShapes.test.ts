import OpenAI from 'openai';
import { lastValueFrom, type Observable, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import { fetchClient } from '../../src/client/fetchClient';
import { InvalidResponseError } from '../../src/client/InvalidResponseError';
import { openaiClient } from '../../src/client/openaiClient';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { StreamDisconnectedError } from '../../src/errors/StreamErrors';
import { fakeFetch, json } from './fakeFetch';

/**
 * Issue 11, class 4 (answers): a success answer that is not what the endpoint gives is an error
 * where it enters, with the server's text or message, never a value the types lie about.
 */

const BASE = 'https://api.example.test/v1';
type Fetch = (url: string, init: RequestInit) => Promise<Response>;
const clients: Record<string, (fetch: Fetch) => AssistantsClient> = {
  fetchClient: (fetch) => fetchClient({ baseURL: BASE, fetch, maxRetries: 0 }),
  openaiClient: (fetch) =>
    // biome-ignore lint/suspicious/noExplicitAny: the SDK types its fetch option its own way
    openaiClient(new OpenAI({ apiKey: 'k', baseURL: BASE, fetch: fetch as any, maxRetries: 0 })),
};

const failureOf = (source: Observable<unknown>) =>
  lastValueFrom(source.pipe(toArray())).then(
    (values) => ({ values }),
    (error: unknown) => error,
  );
const answering = (make: (fetch: Fetch) => AssistantsClient, answer: () => Response) =>
  make(fakeFetch(answer).fetch);

describe.each(Object.keys(clients))('%s checks the shape of every answer', (name) => {
  const make = clients[name]!;

  it('raises the API error a 200 body holds, with its message', async () => {
    const body = {
      error: { message: 'Thread thread_1 is locked', type: 'invalid_request_error', code: null },
    };
    const client = answering(make, () => json(body, 200, { 'x-request-id': 'req_1' }));
    const error = await failureOf(client.runs.create('thread_1', { assistant_id: 'a' }));
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect(error).toMatchObject({ status: 200, requestId: 'req_1', type: 'invalid_request_error', body });
    expect((error as Error).message).toContain('Thread thread_1 is locked');
  });

  it.each([
    ['[]', []],
    ['"str"', 'str'],
    ['null', null],
    ['42', 42],
    ['{}', {}],
    ['a run without thread_id', { id: 'run_1', status: 'queued' }],
    ['a run whose status is a number', { id: 'run_1', thread_id: 't', status: 3 }],
  ])('rejects %s as a created run with InvalidResponseError', async (_label, body) => {
    const client = answering(make, () => json(body));
    const error = await failureOf(client.runs.create('thread_1', { assistant_id: 'a' }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ status: 200, raw: JSON.stringify(body) });
    expect((error as Error).message).toContain('not the answer the endpoint gives');
  });

  it('rejects {} as a polled run, instead of a poll that never ends', async () => {
    const error = await failureOf(answering(make, () => json({})).runs.poll('thread_1', 'run_1'));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain('"id" is not a string');
  });

  it.each([
    ['no data', { object: 'list' }, '"data" is not an array'],
    ['data an object', { data: {} }, '"data" is not an array'],
    ['a step without step_details', { data: [{ id: 's', status: 'completed' }] }, 'data[0]: "step_details"'],
    [
      'tool_calls not an array',
      { data: [{ id: 's', status: 'completed', step_details: { type: 'tool_calls', tool_calls: {} } }] },
      'data[0]: "step_details.tool_calls" is not an array',
    ],
    ['a null step', { data: [null] }, 'data[0]: not a JSON object'],
    ['has_more a string', { data: [], has_more: 'yes' }, '"has_more" is not a boolean'],
    ['last_id a number', { data: [], last_id: 7 }, '"last_id" is not a string or null'],
  ])('rejects a steps page with %s', async (_label, body, reason) => {
    const error = await failureOf(answering(make, () => json(body)).steps.list('thread_1', 'run_1'));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain(reason);
  });

  it.each([
    ['content a string', { data: [{ id: 'm', content: 'hi' }] }, 'data[0]: "content" is not an array'],
    [
      'a null content part',
      { data: [{ id: 'm', content: [null] }] },
      'data[0]: "content[0]" is not an object',
    ],
  ])('rejects a messages page with %s', async (_label, body, reason) => {
    const error = await failureOf(answering(make, () => json(body)).messages.list('thread_1'));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain(reason);
  });

  it('accepts a page with extra fields and items with extra fields', async () => {
    const body = {
      object: 'list',
      data: [{ id: 'm', content: [{ type: 'text', text: { value: 'hi', annotations: [] } }], extra: 1 }],
      first_id: 'm',
      last_id: null,
      has_more: false,
      extra: true,
    };
    const result = await failureOf(answering(make, () => json(body)).messages.list('thread_1'));
    expect(result).toEqual({ values: [body] });
  });

  it('raises the API error of a stream request answered 200 with a JSON error body', async () => {
    const client = answering(make, () =>
      json({ error: { message: 'You exceeded your quota', code: 'quota' } }),
    );
    const error = await failureOf(client.runs.createStream('thread_1', { assistant_id: 'a' }));
    expect(error).not.toBeInstanceOf(StreamDisconnectedError);
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect(error).toMatchObject({ status: 200, code: 'quota' });
    expect((error as Error).message).toContain('You exceeded your quota');
  });

  it('errors a stream request answered 200 with an HTML page with InvalidResponseError naming the type', async () => {
    const page = '<html><body>Please sign in</body></html>';
    const client = answering(
      make,
      () => new Response(page, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } }),
    );
    const error = await failureOf(client.threads.createAndRunStream({ assistant_id: 'a' }));
    expect(error).not.toBeInstanceOf(StreamDisconnectedError);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ status: 200, raw: page });
    expect((error as Error).message).toContain('expected an event stream (text/event-stream), got text/html');
  });
});
