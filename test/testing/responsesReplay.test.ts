import OpenAI from 'openai';
import { firstValueFrom, lastValueFrom, type Observable, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import { fetchClient } from '../../src/client/fetchClient';
import { type OpenAILike, openaiClient } from '../../src/client/openaiClient';
import { type RecordingEntry, replayFetch } from '../../src/testing';
import { referenceResponseEvents } from '../client/responseRecordings';
import { readFixture, readRecording } from '../helpers/fixtures';

/**
 * The shared Responses recordings replayed through the clients: each recorded request is made with
 * the client method that sends it, answered from the recording in order (strictOrder), and the
 * client gives the recorded answer (a JSON body as recorded; a stream as the JSON of its data lines).
 */

const RECORDINGS = [
  'openai-dotnet.StreamingResponses.json',
  'openai-dotnet.FunctionCallStreamingWorks.json',
  'openai-dotnet.ReasoningStreamingWorks.json',
  'openai-dotnet.FunctionCallWorks.json',
  'openai-dotnet.CanCancelBackgroundResponses.json',
  'openai-dotnet.ResponseUsingConversations.json',
];
const BASE = 'https://api.openai.com/v1';

const all = <T>(events$: Observable<T>): Promise<T[]> => lastValueFrom(events$.pipe(toArray()));

/** The client call that sends a recorded request, and what it gives. */
function call(client: AssistantsClient, entry: RecordingEntry): Promise<unknown> {
  const path = new URL(entry.RequestUri).pathname.replace(/^\/v1/, '');
  const body = entry.RequestBody as Record<string, unknown> | null;
  const [, namespace, id, tail] = path.split('/');
  const route = `${entry.RequestMethod} ${namespace}${id === undefined ? '' : '/{id}'}${tail === undefined ? '' : `/${tail}`}`;
  switch (route) {
    case 'POST responses': {
      const { stream, ...params } = body ?? {};
      return stream === true
        ? all(client.responses.createStream(params))
        : firstValueFrom(client.responses.create(params));
    }
    case 'POST responses/{id}/cancel':
      return firstValueFrom(client.responses.cancel(id ?? ''));
    case 'GET responses/{id}/input_items':
      return firstValueFrom(client.responses.inputItems(id ?? ''));
    case 'POST conversations':
      return firstValueFrom(client.conversations.create(body ?? {}));
    case 'GET conversations/{id}/items':
      return firstValueFrom(client.conversationItems.list(id ?? ''));
    default:
      throw new Error(`No client call for ${route}`);
  }
}

/** What the client must give for a recorded answer. */
const expected = (entry: RecordingEntry): unknown =>
  Array.isArray(entry.ResponseBody)
    ? referenceResponseEvents((entry.ResponseBody as string[]).join(''))
    : entry.ResponseBody;

const CLIENTS: [string, (fetch: typeof globalThis.fetch) => AssistantsClient][] = [
  ['fetchClient', (fetch) => fetchClient({ apiKey: 'test', baseURL: BASE, fetch, maxRetries: 0 })],
  [
    'openaiClient (openai@6)',
    (fetch) =>
      openaiClient(new OpenAI({ apiKey: 'test', baseURL: BASE, fetch, maxRetries: 0 }) as OpenAILike),
  ],
];

describe.each(CLIENTS)('replayFetch with %s', (_name, clientOf) => {
  describe.each(RECORDINGS)('%s', (file) => {
    const entries = readRecording(file).Entries as RecordingEntry[];

    it.each([
      ['one recorded line per chunk', undefined],
      ['chunks of 7 bytes', 7],
    ])('replays every entry in order through the client (%s)', async (_chunks, chunkSize) => {
      const fetch = replayFetch(readFixture('recordings', file), {
        strictOrder: true,
        ...(chunkSize === undefined ? {} : { chunkSize }),
      });
      const client = clientOf(fetch);
      for (const [n, entry] of entries.entries()) {
        await expect(call(client, entry), `entry ${n}`).resolves.toEqual(expected(entry));
      }
      expect(fetch.pending()).toEqual([]);
      // The client sent the recorded bodies (a stream's with `stream: true`, as recorded).
      expect(fetch.requests.map((r) => r.body ?? null)).toEqual(entries.map((e) => e.RequestBody ?? null));
      for (const request of fetch.requests) expect(request.headers['openai-beta']).toBeUndefined();
    });
  });
});

describe('replayFetch', () => {
  it('serves a header recorded as a list joined with ", "', async () => {
    const fetch = replayFetch(readFixture('recordings', 'openai-dotnet.ReasoningStreamingWorks.json'));
    const response = await fetch(`${BASE}/responses`, { method: 'POST', body: '{}' });
    expect(response.headers.get('access-control-expose-headers')).toBe('X-Request-ID, CF-Ray, CF-Ray');
    await response.body?.cancel();
  });
});
