import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import OpenAI from 'openai';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AssistantsError } from '../../src/errors/AssistantsError';
import {
  type FlatRecordingEntry,
  type Recording,
  type RecordingEntry,
  ReplayMismatchError,
  replayFetch,
} from '../../src/testing';
import {
  fixturePath,
  readFixture,
  readRecording,
  recordedSseBody,
  referenceEvents,
} from '../helpers/fixtures';
import { seeded } from '../helpers/seeded';

const recordingFiles = readdirSync(fixturePath('recordings'))
  .filter((file) => file.endsWith('.json'))
  .sort();

/** The recording as openai-dotnet entries, whichever of the two stored forms the file has. */
const entriesOf = (file: string): RecordingEntry[] => {
  const value = JSON.parse(readFixture('recordings', file)) as Recording | FlatRecordingEntry[];
  return Array.isArray(value)
    ? value.map((flat) => ({
        RequestUri: flat.uri,
        RequestMethod: flat.method,
        RequestBody: flat.request_body,
        StatusCode: flat.status_code,
        ResponseBody: flat.response_body,
      }))
    : [...value.Entries];
};

/** The recorded URL moved to another origin, as a client with another base URL would send it. */
const elsewhere = (uri: string) => {
  const url = new URL(uri);
  return `http://127.0.0.1:9${url.pathname}${url.search}`;
};

const send = (fetch: typeof globalThis.fetch, entry: RecordingEntry, init: RequestInit = {}) =>
  fetch(elsewhere(entry.RequestUri), {
    method: entry.RequestMethod,
    headers: { 'content-type': 'application/json', authorization: 'Bearer test' },
    ...(entry.RequestBody === null || entry.RequestBody === undefined
      ? {}
      : { body: JSON.stringify(entry.RequestBody) }),
    ...init,
  });

const isStreamed = (entry: RecordingEntry): entry is RecordingEntry & { ResponseBody: string[] } =>
  Array.isArray(entry.ResponseBody);

const chunksOf = async (response: Response): Promise<Uint8Array[]> => {
  const chunks: Uint8Array[] = [];
  const reader = response.body?.getReader();
  if (!reader) return chunks;
  for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
  return chunks;
};

const concat = (chunks: readonly Uint8Array[]): Uint8Array => {
  const all = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
};

const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

const streaming = () => readRecording('openai-dotnet.StreamingToolCall.json');
const [assistantsEntry, createEntry, submitEntry] = streaming().Entries;
if (!assistantsEntry || !createEntry || !submitEntry) throw new Error('StreamingToolCall.json changed shape');

describe('replayFetch', () => {
  it('is a fetch', () => {
    expectTypeOf(replayFetch(streaming())).toExtend<typeof globalThis.fetch>();
  });

  it('finds the recordings to replay', () => {
    expect(recordingFiles).toContain('openai-dotnet.StreamingToolCall.json');
    expect(recordingFiles.length).toBeGreaterThanOrEqual(4);
  });

  it.each(recordingFiles)(
    'replays every entry of %s in order with the recorded status and body',
    async (file) => {
      const entries = entriesOf(file);
      const fetch = replayFetch(readFixture('recordings', file));
      for (const [n, entry] of entries.entries()) {
        const response = await send(fetch, entry);
        expect(response.status, `entry ${n}`).toBe(entry.StatusCode);
        if (isStreamed(entry)) {
          expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
          expect(await response.text()).toBe(entry.ResponseBody.join(''));
        } else {
          expect(response.headers.get('content-type')).toMatch(/^application\/json/);
          expect(await response.json(), `entry ${n}`).toEqual(entry.ResponseBody);
        }
      }
      expect(fetch.pending()).toEqual([]);
      expect(fetch.requests.map((r) => r.entry)).toEqual(entries.map((_, n) => n));
      expect(fetch.requests.map((r) => r.body ?? null)).toEqual(entries.map((e) => e.RequestBody ?? null));
      expect(fetch.requests[0]?.headers['authorization']).toBe('Bearer test');
    },
  );

  it('serves concurrent requests in call order', async () => {
    const entries = entriesOf('openai-dotnet.FunctionToolsWork.json');
    const fetch = replayFetch(readFixture('recordings', 'openai-dotnet.FunctionToolsWork.json'));
    const [first, second] = entries;
    if (!first || !second) throw new Error('FunctionToolsWork.json changed shape');
    await send(fetch, first).then((r) => r.json());
    await send(fetch, second).then((r) => r.json());
    const polls = entries.slice(2, 6);
    expect(new Set(polls.map((e) => `${e.RequestMethod} ${e.RequestUri}`)).size).toBe(1);
    const answers = await Promise.all(polls.map((entry) => send(fetch, entry).then((r) => r.json())));
    expect(answers).toEqual(polls.map((e) => e.ResponseBody));
    expect(fetch.requests.slice(2).map((r) => r.entry)).toEqual([2, 3, 4, 5]);
  });

  it('serves the recorded headers, without the ones that described the recorded bytes', async () => {
    const fetch = replayFetch(streaming());
    const response = await send(fetch, assistantsEntry);
    expect(response.headers.get('openai-processing-ms')).toBe(
      assistantsEntry.ResponseHeaders?.['openai-processing-ms'],
    );
    expect(response.headers.get('content-length')).toBeNull();
    await response.body?.cancel();
  });

  it('accepts the recording as an object or as JSON text', async () => {
    for (const recording of [
      streaming(),
      readFixture('recordings', 'openai-dotnet.StreamingToolCall.json'),
    ]) {
      const fetch = replayFetch(recording);
      expect(await (await send(fetch, assistantsEntry)).json()).toEqual(assistantsEntry.ResponseBody);
      expect(fetch.pending()).toHaveLength(2);
    }
    expect(() => replayFetch('{"entries": []}')).toThrow(/expected a recording \{ Entries: \[/);
  });

  it('compares the query, decoded, so include[] may be encoded either way', async () => {
    const recording = readRecording('openai-dotnet.FileSearchStreamingWorks.json');
    const run = recording.Entries[3];
    if (!run) throw new Error('FileSearchStreamingWorks.json changed shape');
    expect(run.RequestUri).toContain('?include[]=step_details.tool_calls%5B%2A%5D');
    const path = new URL(run.RequestUri).pathname;
    const query = new URLSearchParams([
      ['include[]', 'step_details.tool_calls[*].file_search.results[*].content'],
    ]);
    expect(query.toString()).toContain('include%5B%5D=');

    const fetch = replayFetch(recording);
    const response = await fetch(`https://example.test${path}?${query}&api-version=2025-01-01`, {
      method: 'POST',
    });
    expect(await response.text()).toBe(recordedSseBody(run));

    const other = replayFetch(recording);
    const error = await rejection(other(`https://example.test${path}?include[]=other`, { method: 'POST' }));
    expect(error).toBeInstanceOf(ReplayMismatchError);
    expect((error as Error).message).toContain('but the query differs');
    expect(other.pending()).toHaveLength(4);
  });

  it('matches with the base paths of both sides removed', async () => {
    const fetch = replayFetch(streaming(), {
      baseURL: 'https://example.openai.azure.com/openai',
      recordedBaseURL: 'https://api.openai.com/v1',
    });
    const response = await fetch(
      'https://example.openai.azure.com/openai/assistants?api-version=2024-05-01-preview',
      {
        method: 'POST',
      },
    );
    expect(response.status).toBe(200);
    expect(fetch.requests[0]).toMatchObject({ path: '/assistants', entry: 0 });
  });

  it('rejects a request the recording does not have, naming it and what was expected', async () => {
    const fetch = replayFetch(streaming());
    const error = await rejection(fetch('http://localhost/v1/threads/thread_x/messages', { method: 'GET' }));
    expect(error).toBeInstanceOf(ReplayMismatchError);
    expect(error).toBeInstanceOf(AssistantsError);
    const submitPath = new URL(submitEntry.RequestUri).pathname;
    expect((error as Error).message).toBe(
      'replayFetch: no recorded answer for GET /v1/threads/thread_x/messages: expected one of POST /v1/assistants, ' +
        `POST /v1/threads/runs, POST ${submitPath}.`,
    );
    expect(error).toMatchObject({ method: 'GET', path: '/v1/threads/thread_x/messages' });
    expect(fetch.requests).toMatchObject([{ method: 'GET', entry: undefined }]);
    expect(fetch.pending()).toHaveLength(3);
  });

  it('rejects a request once its recorded answers are used up', async () => {
    const fetch = replayFetch(streaming());
    await send(fetch, assistantsEntry);
    const error = await rejection(send(fetch, assistantsEntry));
    expect((error as Error).message).toMatch(
      /^replayFetch: no recorded answer for POST \/v1\/assistants: expected one of POST \/v1\/threads\/runs, .* The recording has 1 such request, all served already\.$/,
    );
  });

  it('with strictOrder, rejects a request out of order', async () => {
    const fetch = replayFetch(streaming(), { strictOrder: true });
    const error = await rejection(send(fetch, submitEntry));
    expect((error as Error).message).toBe(
      `replayFetch: no recorded answer for POST ${new URL(submitEntry.RequestUri).pathname}: expected POST /v1/assistants. ` +
        'It is recorded later (strictOrder is on).',
    );
    expect((error as ReplayMismatchError).expected).toEqual(['POST /v1/assistants']);
    // Without strictOrder the same request is served from further on.
    const lenient = replayFetch(streaming());
    expect((await send(lenient, submitEntry)).status).toBe(200);
    expect(lenient.pending()).toEqual([assistantsEntry, createEntry]);
  });

  it('can answer an unmatched request with an OpenAI-shaped 404 instead', async () => {
    const fetch = replayFetch(streaming(), { unmatched: 'respond' });
    const response = await fetch('http://localhost/v1/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining('no recorded answer for GET /v1/nope'),
        type: 'invalid_request_error',
        code: 'replay_unmatched',
        param: null,
      },
    });
  });

  it('serves a streamed body one recorded line per chunk by default', async () => {
    const fetch = replayFetch(streaming());
    const chunks = await chunksOf(await send(fetch, createEntry));
    const lines = createEntry.ResponseBody as string[];
    expect(chunks.map((chunk) => new TextDecoder().decode(chunk))).toEqual(lines);
  });

  it('serves any body in chunks of chunkSize bytes that reassemble to the same bytes', async () => {
    const expected = new TextEncoder().encode(recordedSseBody(submitEntry));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: expected.length + 10 }), async (chunkSize) => {
        const fetch = replayFetch(streaming(), { chunkSize });
        await send(fetch, assistantsEntry).then((r) => r.body?.cancel());
        await send(fetch, createEntry).then((r) => r.body?.cancel());
        const chunks = await chunksOf(await send(fetch, submitEntry));
        expect(chunks.every((chunk) => chunk.length <= chunkSize)).toBe(true);
        expect(chunks.slice(0, -1).every((chunk) => chunk.length === chunkSize)).toBe(true);
        expect(concat(chunks)).toEqual(expected);
      }),
      seeded(25),
    );
  });

  it('splits inside UTF-8 characters when told to, and the text still decodes whole', async () => {
    const recording: Recording = {
      Entries: [
        {
          RequestUri: 'https://api.openai.com/v1/x',
          RequestMethod: 'GET',
          StatusCode: 200,
          ResponseBody: ['data: {"v":"héllo ☀"}\n\n'],
        },
      ],
    };
    const fetch = replayFetch(recording, { chunkSize: 1 });
    const response = await fetch('http://localhost/v1/x');
    const chunks = await chunksOf(response);
    expect(chunks).toHaveLength(new TextEncoder().encode('data: {"v":"héllo ☀"}\n\n').length);
    expect(new TextDecoder().decode(concat(chunks))).toBe('data: {"v":"héllo ☀"}\n\n');
    expect(() => replayFetch(recording, { chunkSize: 0 })).toThrow(
      'chunkSize must be a positive integer, got 0',
    );
  });

  it('rejects with an AbortError when the signal is already aborted, serving nothing', async () => {
    const fetch = replayFetch(streaming());
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(send(fetch, assistantsEntry, { signal: controller.signal }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(fetch.pending()).toHaveLength(3);
    const reason = new Error('gone');
    const withReason = new AbortController();
    withReason.abort(reason);
    expect(await rejection(send(fetch, assistantsEntry, { signal: withReason.signal }))).toBe(reason);
  });

  it('errors the body being read with an AbortError when the signal aborts mid-stream', async () => {
    const fetch = replayFetch(streaming());
    await send(fetch, assistantsEntry).then((r) => r.json());
    const controller = new AbortController();
    const response = await send(fetch, createEntry, { signal: controller.signal });
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(first?.done).toBe(false);
    controller.abort();
    const error = await rejection(reader?.read() ?? Promise.resolve());
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  it('accepts a Request as input and logs its body', async () => {
    const fetch = replayFetch(streaming());
    const request = new Request('http://localhost/v1/threads/runs', {
      method: 'POST',
      body: JSON.stringify({ assistant_id: 'asst_1', stream: true }),
    });
    const response = await fetch(request);
    expect(response.status).toBe(200);
    expect(fetch.requests[0]).toMatchObject({ entry: 1, body: { assistant_id: 'asst_1', stream: true } });
    await response.body?.cancel();
  });

  it('works as the fetch of the official openai SDK, streamed and not', async () => {
    const recording = streaming();
    const fetch = replayFetch(recording, { chunkSize: 100 });
    const openai = new OpenAI({ apiKey: 'test', fetch, maxRetries: 0 });
    const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' });
    expect(assistant).toEqual(assistantsEntry.ResponseBody);
    const stream = await openai.beta.threads.createAndRun({ assistant_id: assistant.id, stream: true });
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    expect(events).toEqual(referenceEvents(recordedSseBody(createEntry)));
    expect(fetch.pending()).toEqual([submitEntry]);
    expect(fetch.requests[1]?.body).toEqual({ assistant_id: assistant.id, stream: true });
  });
});
