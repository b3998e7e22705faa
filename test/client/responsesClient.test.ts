import type { IncomingMessage, ServerResponse } from 'node:http';
import OpenAI from 'openai';
import OpenAIv4 from 'openai-v4';
import OpenAIv5 from 'openai-v5';
import OpenAIv7 from 'openai-v7';
import { firstValueFrom, lastValueFrom, type Observable, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import { fetchClient } from '../../src/client/fetchClient';
import { type OpenAILike, openaiClient } from '../../src/client/openaiClient';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { readRecording } from '../helpers/fixtures';
import { closeAll, loopback, sendJson } from './loopback';
import { recordedResponseStreams, referenceResponseEvents } from './responseRecordings';

/**
 * The Responses and Conversations endpoints over real HTTP (a loopback server answering with the
 * recorded payloads), through fetchClient and through openaiClient on every SDK major: each
 * method's verb, path, query and body as the server sees them, no `OpenAI-Beta` header on the
 * family (still on Assistants), the GET stream's `stream=true&starting_after=N`, and the answers.
 */

afterEach(closeAll);

const bodyOf = (file: string, entry: number) => readRecording(file).Entries[entry]?.ResponseBody;
const responseJson = bodyOf('openai-dotnet.FunctionCallWorks.json', 0) as { id: string };
const cancelled = bodyOf('openai-dotnet.CanCancelBackgroundResponses.json', 1);
const inputItems = bodyOf('openai-dotnet.FunctionCallWorks.json', 2);
const conversation = bodyOf('openai-dotnet.ResponseUsingConversations.json', 0) as { id: string };
const conversationItems = bodyOf('openai-dotnet.ResponseUsingConversations.json', 2) as {
  data: { id: string }[];
};
const [stream] = recordedResponseStreams();
if (!stream) throw new Error('no recorded Responses stream');
const streamed = referenceResponseEvents(stream.text);

/** A request as the server read it, body included. */
interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** The recorded stream's frames after sequence number `after` (all with `undefined`). */
const framesAfter = (after: number | undefined) =>
  stream.text
    .split(/(?<=\n\n)/)
    .filter((frame) => {
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      const sequence =
        data === undefined ? -1 : (JSON.parse(data) as { sequence_number: number }).sequence_number;
      return after === undefined || sequence > after;
    })
    .join('');

/** What the server answers a request with: JSON with a status, or an SSE body. */
type Answer = { status: number; json: unknown } | { sse: string };

function answer(req: IncomingMessage, body: string): Answer {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname.replace(/^\/v1/, '');
  const route = `${req.method} ${path.replace(/\/(resp|conv|msg)_[^/]+/g, '/$1_ID')}`;
  const ok = (json: unknown): Answer => ({ status: 200, json });
  if (route === 'POST /responses') {
    const { stream: streams } = JSON.parse(body) as { stream?: boolean };
    return streams ? { sse: framesAfter(undefined) } : ok(responseJson);
  }
  if (route === 'GET /responses/resp_ID') {
    if (url.searchParams.get('stream') !== 'true') return ok(responseJson);
    const after = url.searchParams.get('starting_after');
    if (after !== '0') return { sse: framesAfter(after === null ? undefined : Number(after)) };
    const error = { message: 'Too old to stream.', type: 'invalid_request_error', param: 'starting_after' };
    return { status: 400, json: { error: { ...error, code: null } } };
  }
  const answers: Record<string, unknown> = {
    'POST /responses/resp_ID/cancel': cancelled,
    'DELETE /responses/resp_ID': { id: 'resp_1', object: 'response', deleted: true },
    'GET /responses/resp_ID/input_items': inputItems,
    'POST /conversations': conversation,
    'GET /conversations/conv_ID': conversation,
    'POST /conversations/conv_ID': conversation,
    'DELETE /conversations/conv_ID': { id: conversation.id, object: 'conversation.deleted', deleted: true },
    'POST /conversations/conv_ID/items': conversationItems,
    'GET /conversations/conv_ID/items': conversationItems,
    'GET /conversations/conv_ID/items/msg_ID': conversationItems.data[0],
    'DELETE /conversations/conv_ID/items/msg_ID': conversation,
    'GET /threads/thread_1': { id: 'thread_1', object: 'thread' },
  };
  if (route in answers) return ok(answers[route]);
  return { status: 404, json: { error: { message: `No route ${route}`, type: 'invalid_request_error' } } };
}

function send(res: ServerResponse, reply: Answer): void {
  if ('json' in reply) {
    sendJson(res, reply.status, reply.json);
  } else {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    res.end(reply.sse);
  }
}

async function server() {
  const received: Received[] = [];
  const box = await loopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      send(res, answer(req, body));
    });
  });
  return { baseURL: `${box.origin}/v1`, received };
}

type SdkClass = new (options: { apiKey: string; baseURL: string; maxRetries: number }) => unknown;
const CLIENTS: [string, (baseURL: string) => AssistantsClient][] = [
  ['fetchClient', (baseURL) => fetchClient({ apiKey: 'k', baseURL, maxRetries: 0 })],
  ...(
    [
      ['openai@4', OpenAIv4],
      ['openai@5', OpenAIv5],
      ['openai@6', OpenAI],
      ['openai@7', OpenAIv7],
    ] as [string, SdkClass][]
  ).map(([name, SDK]): [string, (baseURL: string) => AssistantsClient] => [
    `openaiClient on ${name}`,
    (baseURL) => openaiClient(new SDK({ apiKey: 'k', baseURL, maxRetries: 0 }) as OpenAILike),
  ]),
];

const R = 'resp_1';
const C = 'conv_1';
const ask = { model: 'gpt-4o-mini', input: 'Hello', background: true, store: true };
const item = { type: 'message' as const, role: 'user' as const, content: 'tell me a joke' };
const include = ['reasoning.encrypted_content'];
const all = <T>(events$: Observable<T>) => lastValueFrom(events$.pipe(toArray()));

/** [method, call, verb, path and query as sent, JSON body (undefined: none), the answer]. */
const ROWS: [string, (c: AssistantsClient) => Promise<unknown>, string, string, unknown, unknown][] = [
  [
    'responses.create',
    (c) => firstValueFrom(c.responses.create(ask)),
    'POST',
    '/v1/responses',
    ask,
    responseJson,
  ],
  [
    'responses.createStream',
    (c) => all(c.responses.createStream(ask)),
    'POST',
    '/v1/responses',
    { ...ask, stream: true },
    streamed,
  ],
  [
    'responses.retrieve',
    (c) => firstValueFrom(c.responses.retrieve(R, { include })),
    'GET',
    `/v1/responses/${R}?include[]=reasoning.encrypted_content`,
    undefined,
    responseJson,
  ],
  [
    'responses.retrieveStream',
    (c) => all(c.responses.retrieveStream(R, { starting_after: 7 })),
    'GET',
    `/v1/responses/${R}?stream=true&starting_after=7`,
    undefined,
    streamed.filter((event) => (event.sequence_number ?? -1) > 7),
  ],
  [
    'responses.cancel',
    (c) => firstValueFrom(c.responses.cancel(R)),
    'POST',
    `/v1/responses/${R}/cancel`,
    undefined,
    cancelled,
  ],
  [
    'responses.delete',
    (c) => firstValueFrom(c.responses.delete(R)),
    'DELETE',
    `/v1/responses/${R}`,
    undefined,
    { id: 'resp_1', object: 'response', deleted: true },
  ],
  [
    'responses.inputItems',
    (c) => firstValueFrom(c.responses.inputItems(R, { limit: 5, order: 'asc' })),
    'GET',
    `/v1/responses/${R}/input_items?limit=5&order=asc`,
    undefined,
    inputItems,
  ],
  [
    'conversations.create',
    (c) => firstValueFrom(c.conversations.create({ items: [item], metadata: { topic: 'test' } })),
    'POST',
    '/v1/conversations',
    { items: [item], metadata: { topic: 'test' } },
    conversation,
  ],
  [
    'conversations.retrieve',
    (c) => firstValueFrom(c.conversations.retrieve(C)),
    'GET',
    `/v1/conversations/${C}`,
    undefined,
    conversation,
  ],
  [
    'conversations.update',
    (c) => firstValueFrom(c.conversations.update(C, { metadata: { topic: 'jokes' } })),
    'POST',
    `/v1/conversations/${C}`,
    { metadata: { topic: 'jokes' } },
    conversation,
  ],
  [
    'conversations.delete',
    (c) => firstValueFrom(c.conversations.delete(C)),
    'DELETE',
    `/v1/conversations/${C}`,
    undefined,
    { id: conversation.id, object: 'conversation.deleted', deleted: true },
  ],
  [
    'conversationItems.create',
    (c) => firstValueFrom(c.conversationItems.create(C, { items: [item] })),
    'POST',
    `/v1/conversations/${C}/items`,
    { items: [item] },
    conversationItems,
  ],
  [
    'conversationItems.list',
    (c) => firstValueFrom(c.conversationItems.list(C, { after: 'msg_0' })),
    'GET',
    `/v1/conversations/${C}/items?after=msg_0`,
    undefined,
    conversationItems,
  ],
  [
    'conversationItems.retrieve',
    (c) => firstValueFrom(c.conversationItems.retrieve(C, 'msg_1')),
    'GET',
    `/v1/conversations/${C}/items/msg_1`,
    undefined,
    conversationItems.data[0],
  ],
  [
    'conversationItems.delete',
    (c) => firstValueFrom(c.conversationItems.delete(C, 'msg_1')),
    'DELETE',
    `/v1/conversations/${C}/items/msg_1`,
    undefined,
    conversation,
  ],
];

describe.each(CLIENTS)('%s against a loopback server', (_name, clientAt) => {
  it.each(ROWS)('%s: sends the request, without OpenAI-Beta, and gives the answer', async (...row) => {
    const [, call, method, url, body, expected] = row;
    const { baseURL, received } = await server();
    await expect(call(clientAt(baseURL))).resolves.toEqual(expected);
    expect(received).toHaveLength(1);
    const [request] = received;
    // fetchClient sends `include[]`, the SDKs `include%5B%5D`: the same query to a server.
    expect({ method: request?.method, url: decodeURIComponent(request?.url ?? '') }).toEqual({ method, url });
    expect(request?.body === '' ? undefined : JSON.parse(request?.body ?? '')).toEqual(body);
    expect(request?.headers['openai-beta']).toBeUndefined();
    expect(request?.headers['authorization']).toBe('Bearer k');
    if (body === undefined) expect(request?.headers['content-type']).toBeUndefined();
    const streams = row[0].endsWith('Stream');
    expect(request?.headers['accept']).toContain(streams ? 'text/event-stream' : 'application/json');
  });

  it('still sends OpenAI-Beta: assistants=v2 on the Assistants endpoints', async () => {
    const { baseURL, received } = await server();
    await firstValueFrom(clientAt(baseURL).threads.retrieve('thread_1'));
    expect(received[0]?.headers['openai-beta']).toBe('assistants=v2');
  });

  it('maps a refused re-attach (HTTP 400) to AssistantsApiError with the server message', async () => {
    const { baseURL } = await server();
    const error = await all(clientAt(baseURL).responses.retrieveStream(R, { starting_after: 0 })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect(error).toMatchObject({
      status: 400,
      param: 'starting_after',
      message: expect.stringContaining('Too old'),
    });
  });
});
