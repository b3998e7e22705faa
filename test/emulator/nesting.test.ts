import { createServer } from 'node:http';
import { Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultBrain, type Emulator } from '../../src/emulator';
import { createFaultInjector } from '../../src/emulator/faults';
import { RunEngine } from '../../src/emulator/runEngine';
import { createRequestListener } from '../../src/emulator/serve';
import { EmulatorStore, type RunRecord } from '../../src/emulator/store';
import { emulatorPerTest } from '../helpers/emulators';
import { rawApi, runFixture, strictFrames, testResponsesApp } from './helpers';

// A request body nested deeper than 64 levels is refused with a 400 before anything is stored, and
// a create that fails for any reason leaves no run behind: the thread stays usable.

const startEmulator = emulatorPerTest();

/** `{"type":{"type":…}}` nested `depth` levels deep, as JSON text. */
const deep = (depth: number): string => `${'{"type":'.repeat(depth)}"auto"${'}'.repeat(depth)}`;

/** POSTs raw JSON text (the bodies here are too deep for JSON.stringify on some stacks). */
async function postText(emulator: Emulator, path: string, text: string) {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  const body = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body };
}

const TOO_DEEP = {
  error: {
    message: expect.stringContaining('nested too deeply'),
    type: 'invalid_request_error',
    param: null,
    code: 'nesting_too_deep',
  },
};

describe('request bodies nested too deeply', () => {
  for (const stream of [false, true])
    it(`a ${stream ? 'streamed' : 'JSON'} run create nested 20,000 levels deep is a 400, and the thread stays usable`, async () => {
      const emulator = await startEmulator({ latencyMs: 0 });
      const { api, assistant, thread, startRun, until } = await runFixture(emulator, []);
      await api.post(`/threads/${thread.id}/messages`, { role: 'user', content: '2 + 2' });
      const text = `{"assistant_id":"${assistant.id}","stream":${stream},"truncation_strategy":${deep(20_000)}}`;
      const answer = await postText(emulator, `/threads/${thread.id}/runs`, text);
      expect(answer.status).toBe(400);
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body)).toEqual(TOO_DEEP);
      // nothing was stored: the list answers, the thread takes a message and a run that completes
      const runs = await api.get(`/threads/${thread.id}/runs`);
      expect([runs.status, runs.json.data]).toEqual([200, []]);
      expect(emulator.runs()).toEqual([]);
      const run = await startRun('3 * 3');
      await until(run.id, 'completed');
    });

  it('creates and runs a thread nested too deeply: a 400 and no thread left behind', async () => {
    const emulator = await startEmulator({ latencyMs: 0 });
    const { assistant } = await runFixture(emulator, []);
    for (const stream of [false, true]) {
      const text = `{"assistant_id":"${assistant.id}","stream":${stream},"thread":{"messages":[{"role":"user","content":"hi"}]},"tool_choice":${deep(5_000)}}`;
      const answer = await postText(emulator, '/threads/runs', text);
      expect([answer.status, JSON.parse(answer.body)]).toEqual([400, TOO_DEEP]);
    }
    expect(emulator.runs()).toEqual([]);
  });

  it('counts objects and arrays alike, ignores brackets inside strings, and allows 64 levels', async () => {
    const emulator = await startEmulator({ latencyMs: 0 });
    const api = rawApi(emulator);
    // the body itself is level 1: 63 arrays inside it make 64
    const at = (levels: number) =>
      `{"model":"gpt-4o","tool_resources":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    expect((await postText(emulator, '/assistants', at(63))).status).toBe(200);
    const tooDeep = await postText(emulator, '/assistants', at(64));
    expect([tooDeep.status, JSON.parse(tooDeep.body)]).toEqual([400, TOO_DEEP]);
    const brackets = await api.post('/assistants', { model: 'gpt-4o', instructions: '{['.repeat(10_000) });
    expect(brackets.status).toBe(200);
    // an escaped quote does not end the string
    const escaped = `{"model":"gpt-4o","instructions":"\\"${'['.repeat(100)}"}`;
    expect((await postText(emulator, '/assistants', escaped)).status).toBe(200);
    expect((await api.get('/assistants')).json.data).toHaveLength(3);
  });

  it('refuses deep tool outputs and keeps the run waiting for them', async () => {
    const emulator = await startEmulator({ latencyMs: 0 });
    const { api, thread, startRun, until } = await runFixture(emulator);
    const run = await startRun('get_weather');
    await until(run.id, 'requires_action');
    const calls = (await api.get(`/threads/${thread.id}/runs/${run.id}`)).json.required_action
      .submit_tool_outputs.tool_calls;
    const path = `/threads/${thread.id}/runs/${run.id}/submit_tool_outputs`;
    const text = `{"tool_outputs":[{"tool_call_id":"${calls[0].id}","output":"x"}],"extra":${deep(1_000)}}`;
    const refused = await postText(emulator, path, text);
    expect([refused.status, JSON.parse(refused.body)]).toEqual([400, TOO_DEEP]);
    expect(
      (await api.post(path, { tool_outputs: [{ tool_call_id: calls[0].id, output: 'sunny' }] })).status,
    ).toBe(200);
    await until(run.id, 'completed');
  });
});

describe('a create that fails after validation', () => {
  /** A RunEngine whose next start throws, as a bug or a broken invariant would. */
  class FailingEngine extends RunEngine {
    failNext = true;
    override start(record: RunRecord): void {
      if (this.failNext) {
        this.failNext = false;
        throw new Error('engine broke');
      }
      super.start(record);
    }
  }

  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  /** The emulator's request listener on a real server, with an engine that fails once. */
  async function failingEmulator(): Promise<{
    emulator: Emulator;
    engine: FailingEngine;
    store: EmulatorStore;
  }> {
    const store = new EmulatorStore();
    const engine = new FailingEngine(store, defaultBrain, 0);
    const lifetime = new Subscription();
    const requests: Emulator['requests'][number][] = [];
    const server = createServer(
      createRequestListener({
        app: {
          store,
          engine,
          expiresAfterMs: 600_000,
          pollAfterMs: undefined,
          responses: testResponsesApp(),
        },
        apiKey: undefined,
        faults: createFaultInjector(undefined),
        requests,
        lifetime,
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          lifetime.unsubscribe();
          engine.dispose();
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const emulator: Emulator = {
      url: `http://127.0.0.1:${port}/v1`,
      port,
      requests,
      runs: () => [...store.runs.values()].map((r) => structuredClone(r.run)),
      responses: () => [],
      close: async () => {},
    };
    return { emulator, engine, store };
  }

  for (const stream of [false, true])
    it(`${stream ? 'streamed: ends the stream with an error frame' : 'JSON: answers 500'}, stores no run, and the thread stays usable`, async () => {
      const { emulator } = await failingEmulator();
      const { api, assistant, thread, startRun, until } = await runFixture(emulator, []);
      await api.post(`/threads/${thread.id}/messages`, { role: 'user', content: '1 + 1' });
      const answer = await api.call('POST', `/threads/${thread.id}/runs`, {
        assistant_id: assistant.id,
        stream,
        additional_messages: [{ role: 'user', content: 'extra' }],
      });
      if (stream) {
        expect(answer.status).toBe(200);
        const frames = strictFrames(answer.text);
        expect(frames.at(-1)?.event).toBe('error');
        expect(JSON.parse(frames.at(-1)?.data ?? '')).toMatchObject({
          code: 'server_error',
          message: expect.stringContaining('engine broke'),
        });
      } else {
        expect(answer.status).toBe(500);
        expect(answer.json.error).toMatchObject({
          type: 'server_error',
          message: expect.stringContaining('engine broke'),
        });
      }
      expect((await api.get(`/threads/${thread.id}/runs`)).json.data).toEqual([]);
      expect(emulator.runs()).toEqual([]);
      // the additional message went with the failed run
      const texts = (await api.get(`/threads/${thread.id}/messages?order=asc`)).json.data.map(
        (m: { content: { text: { value: string } }[] }) => m.content[0]?.text.value,
      );
      expect(texts).toEqual(['1 + 1']);
      const run = await startRun('2 + 2');
      await until(run.id, 'completed');
    });

  it('a failed create-thread-and-run leaves no thread behind, streamed or not', async () => {
    const { emulator, engine, store } = await failingEmulator();
    const api = rawApi(emulator);
    const assistant = (await api.post('/assistants', { model: 'gpt-4o' })).json;
    const body = { assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'hi' }] } };
    expect((await api.post('/threads/runs', body)).status).toBe(500);
    engine.failNext = true;
    const streamed = await api.stream('/threads/runs', body);
    expect(streamed.frames.map((f) => f.event)).toEqual(['thread.created', 'error']);
    expect([store.threads.size, store.runs.size]).toEqual([0, 0]);
    const ok = await api.post('/threads/runs', body);
    expect([ok.status, store.threads.size, store.runs.size]).toEqual([200, 1, 1]);
  });
});
