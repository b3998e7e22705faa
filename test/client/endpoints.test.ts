import OpenAI from 'openai';
import OpenAIv4 from 'openai-v4';
import OpenAIv5 from 'openai-v5';
import OpenAIv7 from 'openai-v7';
import { firstValueFrom, lastValueFrom, type Observable, toArray } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import { fetchClient } from '../../src/client/fetchClient';
import { openaiClient } from '../../src/client/openaiClient';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { chunkStream, fakeFetch, json, type SeenRequest, sse, untilAborted } from './fakeFetch';

/**
 * One endpoint matrix run against both clients: what goes on the wire (method, path, query, body,
 * headers), what comes back, HTTP errors, and abort on unsubscribe.
 */

const BASE = 'https://api.example.test/v1';
const API_VERSION = '2025-05-01';
const INCLUDE = 'step_details.tool_calls[*].file_search.results[*].content';

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The SDK majors `openaiClient` is checked with: v6 is the main devDependency, the others aliases. */
const SDKS = { 'openai@4': OpenAIv4, 'openai@5': OpenAIv5, 'openai@6': OpenAI, 'openai@7': OpenAIv7 };

const factories: Record<string, (fetch: FetchLike) => AssistantsClient> = {
  fetchClient: (fetch) =>
    fetchClient({ apiKey: 'k', baseURL: BASE, fetch, maxRetries: 0, query: { 'api-version': API_VERSION } }),
};
for (const [name, SDK] of Object.entries(SDKS)) {
  factories[`openaiClient on ${name}`] = (fetch) =>
    openaiClient(
      new SDK({
        apiKey: 'k',
        baseURL: BASE,
        // biome-ignore lint/suspicious/noExplicitAny: each major types its fetch option its own way
        fetch: fetch as any,
        maxRetries: 0,
        defaultQuery: { 'api-version': API_VERSION },
      }),
    );
}

interface Row {
  name: string;
  call: (client: AssistantsClient) => Observable<unknown>;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: [string, string][];
  body?: unknown;
  stream?: boolean;
}

const run = { assistant_id: 'asst_1', instructions: 'be brief' };
const outputs = { tool_outputs: [{ tool_call_id: 'call_1', output: '42' }] };

const rows: Row[] = [
  {
    name: 'assistants.create',
    call: (c) => c.assistants.create({ model: 'gpt-4o', name: 'A' }),
    method: 'POST',
    path: '/assistants',
    body: { model: 'gpt-4o', name: 'A' },
  },
  {
    name: 'assistants.retrieve',
    call: (c) => c.assistants.retrieve('asst_1'),
    method: 'GET',
    path: '/assistants/asst_1',
  },
  {
    name: 'assistants.list',
    call: (c) => c.assistants.list({ limit: 2, order: 'asc', after: 'asst_0' }),
    method: 'GET',
    path: '/assistants',
    query: [
      ['limit', '2'],
      ['order', 'asc'],
      ['after', 'asst_0'],
    ],
  },
  {
    name: 'assistants.update',
    call: (c) => c.assistants.update('asst_1', { name: 'B' }),
    method: 'POST',
    path: '/assistants/asst_1',
    body: { name: 'B' },
  },
  {
    name: 'assistants.delete',
    call: (c) => c.assistants.delete('asst_1'),
    method: 'DELETE',
    path: '/assistants/asst_1',
  },
  { name: 'threads.create()', call: (c) => c.threads.create(), method: 'POST', path: '/threads', body: {} },
  {
    name: 'threads.create(body)',
    call: (c) => c.threads.create({ messages: [{ role: 'user', content: 'hi' }] }),
    method: 'POST',
    path: '/threads',
    body: { messages: [{ role: 'user', content: 'hi' }] },
  },
  {
    name: 'threads.retrieve (id needing encoding)',
    call: (c) => c.threads.retrieve('thread a/b'),
    method: 'GET',
    path: '/threads/thread%20a%2Fb',
  },
  {
    name: 'threads.update',
    call: (c) => c.threads.update('thread_1', { metadata: { k: 'v' } }),
    method: 'POST',
    path: '/threads/thread_1',
    body: { metadata: { k: 'v' } },
  },
  {
    name: 'threads.delete',
    call: (c) => c.threads.delete('thread_1'),
    method: 'DELETE',
    path: '/threads/thread_1',
  },
  {
    name: 'threads.createAndRun',
    call: (c) => c.threads.createAndRun({ ...run, thread: { messages: [] } }),
    method: 'POST',
    path: '/threads/runs',
    body: { ...run, thread: { messages: [] } },
  },
  {
    name: 'threads.createAndRunStream',
    call: (c) => c.threads.createAndRunStream(run),
    method: 'POST',
    path: '/threads/runs',
    body: { ...run, stream: true },
    stream: true,
  },
  {
    name: 'messages.create',
    call: (c) => c.messages.create('thread_1', { role: 'user', content: 'hi' }),
    method: 'POST',
    path: '/threads/thread_1/messages',
    body: { role: 'user', content: 'hi' },
  },
  {
    name: 'messages.retrieve',
    call: (c) => c.messages.retrieve('thread_1', 'msg_1'),
    method: 'GET',
    path: '/threads/thread_1/messages/msg_1',
  },
  {
    name: 'messages.list',
    call: (c) => c.messages.list('thread_1', { run_id: 'run_1', order: 'desc' }),
    method: 'GET',
    path: '/threads/thread_1/messages',
    query: [
      ['run_id', 'run_1'],
      ['order', 'desc'],
    ],
  },
  {
    name: 'messages.update',
    call: (c) => c.messages.update('thread_1', 'msg_1', { metadata: { a: 'b' } }),
    method: 'POST',
    path: '/threads/thread_1/messages/msg_1',
    body: { metadata: { a: 'b' } },
  },
  {
    name: 'messages.delete',
    call: (c) => c.messages.delete('thread_1', 'msg_1'),
    method: 'DELETE',
    path: '/threads/thread_1/messages/msg_1',
  },
  {
    name: 'runs.create',
    call: (c) => c.runs.create('thread_1', run, { include: [INCLUDE] }),
    method: 'POST',
    path: '/threads/thread_1/runs',
    query: [['include[]', INCLUDE]],
    body: run,
  },
  {
    name: 'runs.createStream',
    call: (c) => c.runs.createStream('thread_1', run, { include: [INCLUDE, 'other'] }),
    method: 'POST',
    path: '/threads/thread_1/runs',
    query: [
      ['include[]', INCLUDE],
      ['include[]', 'other'],
    ],
    body: { ...run, stream: true },
    stream: true,
  },
  {
    name: 'runs.retrieve',
    call: (c) => c.runs.retrieve('thread_1', 'run_1'),
    method: 'GET',
    path: '/threads/thread_1/runs/run_1',
  },
  {
    name: 'runs.list',
    call: (c) => c.runs.list('thread_1', { limit: 5 }),
    method: 'GET',
    path: '/threads/thread_1/runs',
    query: [['limit', '5']],
  },
  {
    name: 'runs.update',
    call: (c) => c.runs.update('thread_1', 'run_1', { metadata: { a: 'b' } }),
    method: 'POST',
    path: '/threads/thread_1/runs/run_1',
    body: { metadata: { a: 'b' } },
  },
  {
    name: 'runs.submitToolOutputs',
    call: (c) => c.runs.submitToolOutputs('thread_1', 'run_1', outputs),
    method: 'POST',
    path: '/threads/thread_1/runs/run_1/submit_tool_outputs',
    body: outputs,
  },
  {
    name: 'runs.submitToolOutputsStream',
    call: (c) => c.runs.submitToolOutputsStream('thread_1', 'run_1', outputs),
    method: 'POST',
    path: '/threads/thread_1/runs/run_1/submit_tool_outputs',
    body: { ...outputs, stream: true },
    stream: true,
  },
  {
    name: 'runs.cancel',
    call: (c) => c.runs.cancel('thread_1', 'run_1'),
    method: 'POST',
    path: '/threads/thread_1/runs/run_1/cancel',
    body: {},
  },
  {
    name: 'steps.list',
    call: (c) => c.steps.list('thread_1', 'run_1', { limit: 1, include: [INCLUDE] }),
    method: 'GET',
    path: '/threads/thread_1/runs/run_1/steps',
    query: [
      ['limit', '1'],
      ['include[]', INCLUDE],
    ],
  },
  {
    name: 'steps.retrieve',
    call: (c) => c.steps.retrieve('thread_1', 'run_1', 'step_1', { include: [INCLUDE] }),
    method: 'GET',
    path: '/threads/thread_1/runs/run_1/steps/step_1',
    query: [['include[]', INCLUDE]],
  },
];

const runCreated = { id: 'run_1', object: 'thread.run', thread_id: 'thread_1', status: 'queued' };
const runCompleted = { ...runCreated, status: 'completed' };
const sseBody = [
  ': keep-alive\n\n',
  `event: thread.run.created\ndata: ${JSON.stringify(runCreated)}\n\n`,
  `event: thread.run.completed\ndata: ${JSON.stringify(runCompleted)}\n\n`,
  'event: done\ndata: [DONE]\n\n',
];
/** An answer with the fields every endpoint's shape check needs (a page for the lists). */
const answerOf = (row: Row) => {
  const item = {
    id: 'obj_1',
    object: 'test',
    thread_id: 'thread_1',
    status: 'queued',
    content: [],
    step_details: { type: 'message_creation' },
    endpoint: row.name,
  };
  return row.name.endsWith('.list') ? { object: 'list', data: [item], has_more: false } : item;
};

const sortedEntries = (entries: Iterable<[string, string]>) =>
  [...entries].sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b)));

/** Waits until the fake fetch saw `count` calls (the SDK reaches fetch after a few awaits). */
const callsReach = (calls: SeenRequest[], count: number) =>
  vi.waitFor(() => expect(calls).toHaveLength(count), { timeout: 1000, interval: 1 });

describe.each(Object.keys(factories))('%s endpoint matrix', (clientName) => {
  const make = factories[clientName]!;

  describe.each(rows)('$name', (row) => {
    it('sends the method, path, query, body and headers', async () => {
      const { fetch, calls } = fakeFetch(() => (row.stream ? sse(sseBody) : json(answerOf(row))));
      await lastValueFrom(row.call(make(fetch)).pipe(toArray()));

      expect(calls).toHaveLength(1);
      const seen = calls[0]!;
      expect(seen.method).toBe(row.method);
      expect(`${seen.url.origin}${seen.url.pathname}`).toBe(`${BASE}${row.path}`);
      expect(sortedEntries(seen.url.searchParams)).toEqual(
        sortedEntries([...(row.query ?? []), ['api-version', API_VERSION]]),
      );
      expect(seen.body).toEqual(row.body);
      expect(seen.headers.get('authorization')).toBe('Bearer k');
      expect(seen.headers.get('openai-beta')).toBe('assistants=v2');
      expect(seen.headers.get('content-type')).toBe(row.body === undefined ? null : 'application/json');
      if (row.stream) expect(seen.headers.get('accept')).toBe('text/event-stream');
      else expect(seen.headers.get('accept')).toContain('application/json');
    });

    it('emits the parsed answer and completes', async () => {
      const { fetch } = fakeFetch(() => (row.stream ? sse(sseBody) : json(answerOf(row))));
      const values = await lastValueFrom(row.call(make(fetch)).pipe(toArray()));
      if (row.stream) {
        expect(values).toEqual([
          { event: 'thread.run.created', data: runCreated },
          { event: 'thread.run.completed', data: runCompleted },
        ]);
      } else {
        expect(values).toEqual([answerOf(row)]);
      }
    });

    it('turns an HTTP error answer into an AssistantsApiError with every field', async () => {
      const error = {
        message: `No such thing for ${row.name}`,
        type: 'invalid_request_error',
        param: 'thread_id',
        code: 'not_found',
      };
      const { fetch } = fakeFetch(() => json({ error }, 404, { 'x-request-id': 'req_404' }));
      const failure = await firstValueFrom(row.call(make(fetch))).catch((e: unknown) => e);

      expect(failure).toBeInstanceOf(AssistantsApiError);
      const apiError = failure as AssistantsApiError;
      expect(apiError).toMatchObject({
        status: 404,
        method: row.method,
        code: 'not_found',
        type: 'invalid_request_error',
        param: 'thread_id',
        requestId: 'req_404',
        body: { error },
      });
      expect(apiError.url).toContain(`${BASE}${row.path}`);
      expect(apiError.headers['x-request-id']).toBe('req_404');
      expect(apiError.message).toContain(error.message);
      expect(apiError.message).toContain('404');
    });

    it('aborts the request when unsubscribed before the answer', async () => {
      const { fetch, calls } = fakeFetch((request) => untilAborted(request.signal));
      const values: unknown[] = [];
      const errors: unknown[] = [];
      const subscription = row.call(make(fetch)).subscribe({
        next: (v) => values.push(v),
        error: (e) => errors.push(e),
      });
      await callsReach(calls, 1);
      expect(calls[0]!.signal?.aborted).toBe(false);

      subscription.unsubscribe();

      expect(calls[0]!.signal?.aborted).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(values).toEqual([]);
      expect(errors).toEqual([]);
    });
  });

  it('reads the request id from Azure headers and tolerates a non-JSON error body', async () => {
    const { fetch } = fakeFetch(
      () =>
        new Response('<html>Bad gateway</html>', {
          status: 400,
          headers: { 'content-type': 'text/html', 'apim-request-id': 'apim_1' },
        }),
    );
    const failure = await firstValueFrom(make(fetch).runs.retrieve('thread_1', 'run_1')).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(AssistantsApiError);
    expect(failure).toMatchObject({ status: 400, requestId: 'apim_1', code: null, param: null });
    expect((failure as Error).message).toContain('<html>Bad gateway</html>');
  });

  it('emits the openai-poll-after-ms hint with a polled run', async () => {
    const { fetch } = fakeFetch(() => json(runCreated, 200, { 'openai-poll-after-ms': '250' }));
    await expect(firstValueFrom(make(fetch).runs.poll('thread_1', 'run_1'))).resolves.toEqual({
      run: runCreated,
      pollAfterMs: 250,
    });
  });

  it('cancels the stream body when unsubscribed after the first event', async () => {
    const cancelled = vi.fn();
    const { fetch, calls } = fakeFetch(
      () =>
        new Response(chunkStream([sseBody[1]!], { onCancel: cancelled, end: 'hang' }), {
          headers: { 'content-type': 'text/event-stream' },
        }),
    );
    const values: unknown[] = [];
    const subscription = make(fetch)
      .runs.createStream('thread_1', run)
      .subscribe((v) => values.push(v));
    await vi.waitFor(() => expect(values).toHaveLength(1), { timeout: 1000, interval: 1 });

    subscription.unsubscribe();

    expect(calls[0]!.signal?.aborted).toBe(true);
    await vi.waitFor(() => expect(cancelled).toHaveBeenCalled(), { timeout: 1000, interval: 1 });
  });
});
