import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator';
import { emulatorPerTest } from '../helpers/emulators';
import { rawApi, runFixture, slowBrain } from './helpers';

// OpenAI-shaped errors (400, 401, 404) with the service's messages, and CORS for browsers (opt-in).

const startEmulator = emulatorPerTest();

async function setup(options: EmulatorOptions = {}, tools?: unknown[]) {
  const emulator = await startEmulator({ brain: slowBrain, ...options });
  return { emulator, ...(await runFixture(emulator, tools)) };
}

describe('errors', () => {
  it('answers 404 in the service words for every kind of missing object and for unknown URLs', async () => {
    const { api, thread, startRun, until } = await setup();
    const run = await startRun('2 * 3');
    await until(run.id, 'completed');
    const other = (await api.post('/threads')).json;
    const cases: [string, string][] = [
      ['/assistants/asst_x', "No assistant found with id 'asst_x'."],
      ['/threads/thread_x', "No thread found with id 'thread_x'."],
      [`/threads/${thread.id}/messages/msg_x`, "No message found with id 'msg_x'."],
      [`/threads/${thread.id}/runs/run_x`, "No run found with id 'run_x'."],
      [`/threads/${other.id}/runs/${run.id}`, `No run found with id '${run.id}'.`],
      [`/threads/${thread.id}/runs/${run.id}/steps/step_x`, "No run step found with id 'step_x'."],
      ['/threads/thread_x/messages', "No thread found with id 'thread_x'."],
      ['/files', 'Invalid URL (GET /v1/files)'],
    ];
    for (const [path, message] of cases) {
      const answer = await api.get(path);
      expect([path, answer.status, answer.json]).toEqual([
        path,
        404,
        { error: { message, type: 'invalid_request_error', param: null, code: null } },
      ]);
    }
    expect((await api.del('/assistants/asst_x')).status).toBe(404);
  });

  it('answers 400 for unknown arguments, missing or ill-typed parameters, bad JSON and bad list queries', async () => {
    const { emulator, api, assistant, thread } = await setup();
    const unknownArg = await api.post(`/threads/${thread.id}/runs`, {
      assistant_id: assistant.id,
      threadId: thread.id,
    });
    expect(unknownArg.json.error).toMatchObject({
      message: 'Unrecognized request argument supplied: threadId',
      param: 'threadId',
    });
    expect((await api.post('/assistants', {})).json.error).toMatchObject({
      message: "Missing required parameter: 'model'.",
      param: 'model',
      code: 'missing_required_parameter',
    });
    expect((await api.post('/assistants', { model: 4 })).json.error.param).toBe('model');
    const badRole = await api.post(`/threads/${thread.id}/messages`, { role: 'system', content: 'x' });
    expect(badRole.json.error).toMatchObject({ param: 'role', code: 'invalid_value' });
    const emptyBody = await api.call('POST', '/threads', undefined, {});
    expect(emptyBody.status).toBe(200); // an empty body is {}
    const broken = await fetch(`${emulator.url}/threads`, { method: 'POST', body: '{"metadata":' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    expect((await api.get(`/threads/${thread.id}/messages?limit=0`)).json.error.param).toBe('limit');
    expect((await api.get(`/threads/${thread.id}/messages?order=up`)).json.error.param).toBe('order');
    const empty = await api.post(`/threads/${thread.id}/runs`, { assistant_id: assistant.id });
    expect(empty.json.error).toMatchObject({
      message: 'Run creation requires a Thread with a user message or an assistant with instructions.',
      code: 'invalid_thread',
    });
    expect(
      (await api.post('/threads/runs', { assistant_id: assistant.id, thread: { messages: [] } })).status,
    ).toBe(400);
    expect((await api.post('/threads/runs', { assistant_id: 'asst_missing' })).status).toBe(404);
  });

  it('answers 401 without the right key when apiKey is set, and accepts Bearer or api-key', async () => {
    const emulator = await startEmulator({ apiKey: 'sk-secret-key' });
    const none = await rawApi(emulator).get('/assistants');
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringContaining("didn't provide an API key"),
    });
    const wrong = await rawApi(emulator, { authorization: 'Bearer sk-wrong-key-123' }).get('/assistants');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatchObject({
      code: 'invalid_api_key',
      message: 'Incorrect API key provided: sk-*****-123.',
    });
    expect(
      (await rawApi(emulator, { authorization: 'Bearer sk-secret-key' }).get('/assistants')).status,
    ).toBe(200);
    expect((await rawApi(emulator, { 'api-key': 'sk-secret-key' }).get('/assistants')).status).toBe(200);
    expect(emulator.requests.map((r) => r.status)).toEqual([401, 401, 200, 200]);
  });
});

describe('browsers', () => {
  it('answers CORS preflights and sends CORS headers when cors is on', async () => {
    const emulator = await startEmulator({ pollAfterMs: 1, cors: true });
    const preflight = await fetch(`${emulator.url}/threads/runs`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const answer = await rawApi(emulator, { origin: 'http://localhost:5173' }).get('/assistants');
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-expose-headers')).toContain('openai-poll-after-ms');
  });
});
