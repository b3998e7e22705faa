import { firstValueFrom, type Observable, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import { clientFromTransport } from '../../src/client/clientFromTransport';
import { ENDPOINT_ENTRIES } from '../../src/client/endpoints';
import { CANCEL_POLICY } from '../../src/client/RequestPolicy';
import type { ApiRequest, Transport } from '../../src/client/Transport';
import {
  deletedProblem,
  idProblem,
  itemProblem,
  messageProblem,
  responseProblem,
  runProblem,
  stepProblem,
} from '../../src/events/shapes';

/**
 * What the table-driven client hands its transport, for every method: the same requests the
 * hand-written client sent (method, encoded path, body, query, `creates`, policy, and JSON or stream),
 * and for the Responses family the same, tagged `family: 'responses'`.
 */

interface Sent {
  via: 'request' | 'stream';
  request: ApiRequest;
}

function recordingClient(headers: Record<string, string> = {}): { client: AssistantsClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const transport: Transport = {
    request: <T>(request: ApiRequest) => {
      sent.push({ via: 'request', request });
      return of({ data: { id: 'x' } as T, headers });
    },
    stream: (request) => {
      sent.push({ via: 'stream', request });
      return of();
    },
  };
  return { client: clientFromTransport(transport), sent };
}

const T = 'thread/1'; // encoded in the path as thread%2F1
const R = 'run 1';
const run = { assistant_id: 'asst_1' };
const outputs = { tool_outputs: [] };
const include = { include: ['step_details.tool_calls[*].file_search.results[*].content'] };
const P = 'resp/1'; // encoded as resp%2F1
const C = 'conv 1';
const ask = { model: 'gpt-4o-mini', input: 'Hello' };
const message = { type: 'message' as const, role: 'user' as const, content: 'Hi' };

/** [method, call, how it is sent, the request], in table order. */
const ROWS: [string, (c: AssistantsClient) => Observable<unknown>, Sent['via'], ApiRequest][] = [
  [
    'assistants.create',
    (c) => c.assistants.create({ model: 'm' }),
    'request',
    {
      method: 'POST',
      path: '/assistants',
      shape: idProblem,
      body: { model: 'm' },
      creates: true,
      query: undefined,
    },
  ],
  [
    'assistants.retrieve',
    (c) => c.assistants.retrieve('a/1'),
    'request',
    { method: 'GET', path: '/assistants/a%2F1', shape: idProblem, query: undefined },
  ],
  [
    'assistants.list',
    (c) => c.assistants.list({ limit: 2 }),
    'request',
    { method: 'GET', path: '/assistants', shape: expect.any(Function), query: { limit: 2 } },
  ],
  [
    'assistants.update',
    (c) => c.assistants.update('a', { name: 'n' }),
    'request',
    { method: 'POST', path: '/assistants/a', shape: idProblem, body: { name: 'n' }, query: undefined },
  ],
  [
    'assistants.delete',
    (c) => c.assistants.delete('a'),
    'request',
    { method: 'DELETE', path: '/assistants/a', shape: deletedProblem, query: undefined },
  ],
  [
    'threads.create',
    (c) => c.threads.create(),
    'request',
    { method: 'POST', path: '/threads', shape: idProblem, body: {}, creates: true, query: undefined },
  ],
  [
    'threads.retrieve',
    (c) => c.threads.retrieve(T),
    'request',
    { method: 'GET', path: '/threads/thread%2F1', shape: idProblem, query: undefined },
  ],
  [
    'threads.update',
    (c) => c.threads.update(T, { metadata: {} }),
    'request',
    {
      method: 'POST',
      path: '/threads/thread%2F1',
      shape: idProblem,
      body: { metadata: {} },
      query: undefined,
    },
  ],
  [
    'threads.delete',
    (c) => c.threads.delete(T),
    'request',
    { method: 'DELETE', path: '/threads/thread%2F1', shape: deletedProblem, query: undefined },
  ],
  [
    'threads.createAndRun',
    (c) => c.threads.createAndRun(run),
    'request',
    { method: 'POST', path: '/threads/runs', shape: runProblem, body: run, creates: true, query: undefined },
  ],
  [
    'threads.createAndRunStream',
    (c) => c.threads.createAndRunStream(run),
    'stream',
    { method: 'POST', path: '/threads/runs', body: run, creates: true, query: undefined },
  ],
  [
    'messages.create',
    (c) => c.messages.create(T, { role: 'user', content: 'hi' }),
    'request',
    {
      method: 'POST',
      path: '/threads/thread%2F1/messages',
      shape: messageProblem,
      body: { role: 'user', content: 'hi' },
      creates: true,
      query: undefined,
    },
  ],
  [
    'messages.retrieve',
    (c) => c.messages.retrieve(T, 'm'),
    'request',
    { method: 'GET', path: '/threads/thread%2F1/messages/m', shape: messageProblem, query: undefined },
  ],
  [
    'messages.list',
    (c) => c.messages.list(T, { run_id: 'r' }),
    'request',
    {
      method: 'GET',
      path: '/threads/thread%2F1/messages',
      shape: expect.any(Function),
      query: { run_id: 'r' },
    },
  ],
  [
    'messages.update',
    (c) => c.messages.update(T, 'm', { metadata: {} }),
    'request',
    {
      method: 'POST',
      path: '/threads/thread%2F1/messages/m',
      shape: messageProblem,
      body: { metadata: {} },
      query: undefined,
    },
  ],
  [
    'messages.delete',
    (c) => c.messages.delete(T, 'm'),
    'request',
    { method: 'DELETE', path: '/threads/thread%2F1/messages/m', shape: deletedProblem, query: undefined },
  ],
  [
    'runs.create',
    (c) => c.runs.create(T, run, include),
    'request',
    {
      method: 'POST',
      path: '/threads/thread%2F1/runs',
      shape: runProblem,
      body: run,
      creates: true,
      query: include,
    },
  ],
  [
    'runs.createStream',
    (c) => c.runs.createStream(T, run, include),
    'stream',
    { method: 'POST', path: '/threads/thread%2F1/runs', body: run, creates: true, query: include },
  ],
  [
    'runs.retrieve',
    (c) => c.runs.retrieve(T, R),
    'request',
    { method: 'GET', path: '/threads/thread%2F1/runs/run%201', shape: runProblem, query: undefined },
  ],
  [
    'runs.poll',
    (c) => c.runs.poll(T, R),
    'request',
    { method: 'GET', path: '/threads/thread%2F1/runs/run%201', shape: runProblem, query: undefined },
  ],
  [
    'runs.list',
    (c) => c.runs.list(T, { order: 'asc' }),
    'request',
    { method: 'GET', path: '/threads/thread%2F1/runs', shape: expect.any(Function), query: { order: 'asc' } },
  ],
  [
    'runs.update',
    (c) => c.runs.update(T, R, { metadata: {} }),
    'request',
    {
      method: 'POST',
      path: '/threads/thread%2F1/runs/run%201',
      shape: runProblem,
      body: { metadata: {} },
      query: undefined,
    },
  ],
  [
    'runs.submitToolOutputs',
    (c) => c.runs.submitToolOutputs(T, R, outputs),
    'request',
    {
      method: 'POST',
      path: '/threads/thread%2F1/runs/run%201/submit_tool_outputs',
      shape: runProblem,
      body: outputs,
      query: undefined,
    },
  ],
  [
    'runs.submitToolOutputsStream',
    (c) => c.runs.submitToolOutputsStream(T, R, outputs),
    'stream',
    {
      method: 'POST',
      path: '/threads/thread%2F1/runs/run%201/submit_tool_outputs',
      body: outputs,
      creates: false,
      query: undefined,
    },
  ],
  [
    'runs.cancel',
    (c) => c.runs.cancel(T, R),
    'request',
    {
      method: 'POST',
      path: '/threads/thread%2F1/runs/run%201/cancel',
      shape: runProblem,
      body: {},
      policy: CANCEL_POLICY,
      query: undefined,
    },
  ],
  [
    'steps.list',
    (c) => c.steps.list(T, R, { limit: 1, ...include }),
    'request',
    {
      method: 'GET',
      path: '/threads/thread%2F1/runs/run%201/steps',
      shape: expect.any(Function),
      query: { limit: 1, ...include },
    },
  ],
  [
    'steps.retrieve',
    (c) => c.steps.retrieve(T, R, 's', include),
    'request',
    { method: 'GET', path: '/threads/thread%2F1/runs/run%201/steps/s', shape: stepProblem, query: include },
  ],
  [
    'responses.create',
    (c) => c.responses.create(ask),
    'request',
    {
      method: 'POST',
      path: '/responses',
      shape: responseProblem,
      body: ask,
      creates: true,
      family: 'responses',
      query: undefined,
    },
  ],
  [
    'responses.createStream',
    (c) => c.responses.createStream(ask),
    'stream',
    { method: 'POST', path: '/responses', body: ask, creates: true, family: 'responses', query: undefined },
  ],
  [
    'responses.retrieve',
    (c) => c.responses.retrieve(P, { include: ['reasoning.encrypted_content'] }),
    'request',
    {
      method: 'GET',
      path: '/responses/resp%2F1',
      shape: responseProblem,
      family: 'responses',
      query: { include: ['reasoning.encrypted_content'] },
    },
  ],
  [
    'responses.retrieveStream',
    (c) => c.responses.retrieveStream(P, { starting_after: 7 }),
    'stream',
    {
      method: 'GET',
      path: '/responses/resp%2F1',
      body: undefined,
      creates: false,
      family: 'responses',
      query: { starting_after: 7 },
    },
  ],
  [
    'responses.cancel',
    (c) => c.responses.cancel(P),
    'request',
    {
      method: 'POST',
      path: '/responses/resp%2F1/cancel',
      shape: responseProblem,
      policy: CANCEL_POLICY,
      family: 'responses',
      query: undefined,
    },
  ],
  [
    'responses.delete',
    (c) => c.responses.delete(P),
    'request',
    {
      method: 'DELETE',
      path: '/responses/resp%2F1',
      shape: deletedProblem,
      family: 'responses',
      query: undefined,
    },
  ],
  [
    'responses.inputItems',
    (c) => c.responses.inputItems(P, { limit: 5 }),
    'request',
    {
      method: 'GET',
      path: '/responses/resp%2F1/input_items',
      shape: expect.any(Function),
      family: 'responses',
      query: { limit: 5 },
    },
  ],
  [
    'conversations.create',
    (c) => c.conversations.create(),
    'request',
    {
      method: 'POST',
      path: '/conversations',
      shape: idProblem,
      body: {},
      creates: true,
      family: 'responses',
      query: undefined,
    },
  ],
  [
    'conversations.retrieve',
    (c) => c.conversations.retrieve(C),
    'request',
    {
      method: 'GET',
      path: '/conversations/conv%201',
      shape: idProblem,
      family: 'responses',
      query: undefined,
    },
  ],
  [
    'conversations.update',
    (c) => c.conversations.update(C, { metadata: { topic: 't' } }),
    'request',
    {
      method: 'POST',
      path: '/conversations/conv%201',
      shape: idProblem,
      body: { metadata: { topic: 't' } },
      family: 'responses',
      query: undefined,
    },
  ],
  [
    'conversations.delete',
    (c) => c.conversations.delete(C),
    'request',
    {
      method: 'DELETE',
      path: '/conversations/conv%201',
      shape: deletedProblem,
      family: 'responses',
      query: undefined,
    },
  ],
  [
    'conversationItems.create',
    (c) => c.conversationItems.create(C, { items: [message] }),
    'request',
    {
      method: 'POST',
      path: '/conversations/conv%201/items',
      shape: expect.any(Function),
      body: { items: [message] },
      creates: true,
      family: 'responses',
      query: undefined,
    },
  ],
  [
    'conversationItems.list',
    (c) => c.conversationItems.list(C, { order: 'asc' }),
    'request',
    {
      method: 'GET',
      path: '/conversations/conv%201/items',
      shape: expect.any(Function),
      family: 'responses',
      query: { order: 'asc' },
    },
  ],
  [
    'conversationItems.retrieve',
    (c) => c.conversationItems.retrieve(C, 'msg 1'),
    'request',
    {
      method: 'GET',
      path: '/conversations/conv%201/items/msg%201',
      shape: itemProblem,
      family: 'responses',
      query: undefined,
    },
  ],
  [
    'conversationItems.delete',
    (c) => c.conversationItems.delete(C, 'msg 1'),
    'request',
    {
      method: 'DELETE',
      path: '/conversations/conv%201/items/msg%201',
      shape: idProblem,
      family: 'responses',
      query: undefined,
    },
  ],
];

describe('clientFromTransport', () => {
  it('has one row here per table entry, in table order', () => {
    expect(ROWS.map(([name]) => name)).toEqual(ENDPOINT_ENTRIES.map(([name]) => name));
  });

  it.each(ROWS)('%s sends what it always sent', async (_name, call, via, request) => {
    const { client, sent } = recordingClient();
    await firstValueFrom(call(client), { defaultValue: undefined });
    expect(sent).toEqual([{ via, request }]);
    // Keys that were absent stay absent (not merely undefined).
    expect(Object.keys(sent[0]?.request ?? {}).sort()).toEqual(Object.keys(request).sort());
  });

  it('list endpoints check pages of their items', async () => {
    const { client, sent } = recordingClient();
    await firstValueFrom(client.runs.list('t'));
    const shape = sent[0]?.request.shape;
    expect(shape?.({ data: [{ id: 'r', thread_id: 't', status: 'queued' }] })).toBeUndefined();
    expect(shape?.({ data: [{ id: 'r' }] })).toBe('data[0]: "thread_id" is not a string');
  });

  it('sends a fresh default body per request (threads.create, runs.cancel)', async () => {
    const { client, sent } = recordingClient();
    await firstValueFrom(client.threads.create());
    await firstValueFrom(client.threads.create());
    await firstValueFrom(client.runs.cancel('t', 'r'));
    await firstValueFrom(client.runs.cancel('t', 'r'));
    const [a, b, c, d] = sent.map((s) => s.request.body);
    expect([a, b, c, d]).toEqual([{}, {}, {}, {}]);
    expect(a).not.toBe(b);
    expect(c).not.toBe(d);
  });

  it("runs.poll answers the run with the server's openai-poll-after-ms hint, when it is a number ≥ 0", async () => {
    const polled = (hint?: string) =>
      firstValueFrom(
        recordingClient(hint === undefined ? {} : { 'openai-poll-after-ms': hint }).client.runs.poll(
          't',
          'r',
        ),
      );
    expect(await polled('250')).toEqual({ run: { id: 'x' }, pollAfterMs: 250 });
    expect(await polled('0')).toEqual({ run: { id: 'x' }, pollAfterMs: 0 });
    expect(await polled()).toEqual({ run: { id: 'x' } });
    expect(await polled('soon')).toEqual({ run: { id: 'x' } });
    expect(await polled('-5')).toEqual({ run: { id: 'x' } });
  });
});
