import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { emulatorPerTest } from '../helpers/emulators';
import { eventually, rawApi, runFixture } from './helpers';

// Memory stays bounded however long the emulator runs: the request log is a ring of the newest
// entries, and each kind of stored object has a cap beyond which the oldest go (404 from then on).

const startEmulator = emulatorPerTest();

describe('the request log', () => {
  it('keeps the newest limits.requestLog entries', async () => {
    const emulator = await startEmulator({ limits: { requestLog: 10 } });
    const api = rawApi(emulator);
    for (let i = 0; i < 25; i++) await api.get(`/threads/thread_${i}`);
    expect(emulator.requests).toHaveLength(10);
    expect(emulator.requests.map((r) => r.path)).toEqual(
      Array.from({ length: 10 }, (_, i) => `/v1/threads/thread_${15 + i}`),
    );
  });

  it('keeps 1,000 entries by default', { timeout: 20_000 }, async () => {
    const emulator = await startEmulator();
    const api = rawApi(emulator);
    for (let i = 0; i < 1_050; i++) await api.get('/assistants');
    expect(emulator.requests).toHaveLength(1_000);
  });
});

describe('stored objects', () => {
  it('keeps the newest limits.runs runs: older ones answer 404, recent ones still work', async () => {
    const emulator = await startEmulator({ latencyMs: 0, limits: { runs: 5 } });
    const { api, thread, startRun, until } = await runFixture(emulator, []);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const run = await startRun(`${i} + 1`);
      await until(run.id, 'completed');
      ids.push(run.id);
      expect(emulator.runs().length).toBeLessThanOrEqual(5);
    }
    expect(emulator.runs().map((r) => r.id)).toEqual(ids.slice(-5));
    for (const id of ids.slice(0, 7))
      expect((await api.get(`/threads/${thread.id}/runs/${id}`)).status).toBe(404);
    for (const id of ids.slice(-5)) {
      expect((await api.get(`/threads/${thread.id}/runs/${id}`)).json.status).toBe('completed');
      expect((await api.get(`/threads/${thread.id}/runs/${id}/steps`)).json.data).toHaveLength(1);
    }
    expect((await api.get(`/threads/${thread.id}/runs?limit=100`)).json.data).toHaveLength(5);
    // the thread goes on working
    const run = await startRun('2 + 2');
    await until(run.id, 'completed');
  });

  it('never evicts an active run while a finished one can go', async () => {
    const brain = ({ lastUserText }: { lastUserText: string }) =>
      lastUserText === 'wait'
        ? [{ type: 'delay' as const, ms: 60_000 }]
        : [{ type: 'text' as const, text: 'ok' }];
    const emulator = await startEmulator({ latencyMs: 0, brain, limits: { runs: 3 } });
    const api = rawApi(emulator);
    const assistant = (await api.post('/assistants', { model: 'gpt-4o' })).json;
    const runIn = async (content: string) =>
      (
        await api.post('/threads/runs', {
          assistant_id: assistant.id,
          thread: { messages: [{ role: 'user', content }] },
        })
      ).json as { id: string; thread_id: string };
    const waiting = await runIn('wait');
    for (let i = 0; i < 6; i++) {
      const run = await runIn('hello');
      await eventually(() =>
        emulator.runs().find((r) => r.id === run.id)?.status === 'completed' ? 1 : undefined,
      );
    }
    expect(emulator.runs().map((r) => r.id)).toContain(waiting.id);
    expect(emulator.runs()).toHaveLength(3);
    const cancel = await api.post(`/threads/${waiting.thread_id}/runs/${waiting.id}/cancel`);
    expect(cancel.json.status).toBe('cancelling');
  });

  it('keeps the newest limits.threads threads, oldest idle first', async () => {
    const emulator = await startEmulator({ latencyMs: 0, limits: { threads: 3 } });
    const api = rawApi(emulator);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await api.post('/threads')).json.id);
    for (const id of ids.slice(0, 5)) expect((await api.get(`/threads/${id}`)).status).toBe(404);
    for (const id of ids.slice(-3)) expect((await api.get(`/threads/${id}`)).status).toBe(200);
    const assistant = (await api.post('/assistants', { model: 'gpt-4o' })).json;
    const last = ids.at(-1) ?? '';
    await api.post(`/threads/${last}/messages`, { role: 'user', content: '6 * 7' });
    const run = (await api.post(`/threads/${last}/runs`, { assistant_id: assistant.id })).json;
    await eventually(async () =>
      (await api.get(`/threads/${last}/runs/${run.id}`)).json.status === 'completed' ? 1 : undefined,
    );
  });

  it('keeps the newest limits.assistants assistants and limits.messagesPerThread messages', async () => {
    const emulator = await startEmulator({ latencyMs: 0, limits: { assistants: 2, messagesPerThread: 4 } });
    const api = rawApi(emulator);
    const assistants: string[] = [];
    for (let i = 0; i < 5; i++) assistants.push((await api.post('/assistants', { model: 'gpt-4o' })).json.id);
    expect((await api.get('/assistants')).json.data.map((a: { id: string }) => a.id)).toEqual(
      assistants.slice(-2).reverse(),
    );
    expect((await api.get(`/assistants/${assistants[0]}`)).status).toBe(404);
    const thread = (await api.post('/threads')).json;
    const messages: string[] = [];
    for (let i = 0; i < 7; i++)
      messages.push(
        (await api.post(`/threads/${thread.id}/messages`, { role: 'user', content: `m${i}` })).json.id,
      );
    const listed = (await api.get(`/threads/${thread.id}/messages?order=asc`)).json.data;
    expect(listed.map((m: { id: string }) => m.id)).toEqual(messages.slice(-4));
    expect((await api.get(`/threads/${thread.id}/messages/${messages[0]}`)).status).toBe(404);
  });

  it('refuses a malformed limit at startEmulator, and takes Infinity for "keep everything"', async () => {
    await expect(startEmulator({ limits: { runs: 0 } })).rejects.toThrow(/limits\.runs/);
    await expect(startEmulator({ limits: { threads: 1.5 } })).rejects.toThrow(/limits\.threads/);
    await expect(startEmulator({ limits: { requestLog: -1 } })).rejects.toThrow(/limits\.requestLog/);
    const emulator = await startEmulator({
      limits: { requestLog: Number.POSITIVE_INFINITY, runs: Infinity },
    });
    const api = rawApi(emulator);
    for (let i = 0; i < 5; i++) await api.get('/assistants');
    expect(emulator.requests).toHaveLength(5);
  });
});

describe('a stalled stream reader', () => {
  it('is cut off once it falls 8 MiB behind; the run goes on and can be polled', {
    timeout: 20_000,
  }, async () => {
    const chunk = 'x'.repeat(20_000);
    const emulator = await startEmulator({
      latencyMs: 0,
      brain: () => [{ type: 'text', text: Array.from({ length: 1_000 }, () => chunk) }],
    });
    const api = rawApi(emulator);
    const assistant = (await api.post('/assistants', { model: 'gpt-4o' })).json;
    const body = JSON.stringify({
      assistant_id: assistant.id,
      stream: true,
      thread: { messages: [{ role: 'user', content: 'a long answer, please' }] },
    });
    // A reader that takes the headers, then stops reading until the run is over: 20 MB of deltas
    // would pile up behind it.
    let resume: () => void = () => {};
    const received = new Promise<{ bytes: number; tail: string; complete: boolean }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: emulator.port, method: 'POST', path: '/v1/threads/runs' },
        (res) => {
          res.pause();
          let bytes = 0;
          let tail = '';
          res.on('data', (data: Buffer) => {
            bytes += data.length;
            tail = (tail + data.toString('latin1')).slice(-200);
          });
          const done = () => resolve({ bytes, tail, complete: res.complete });
          res.on('error', done);
          res.on('close', done);
          resume = () => res.resume();
        },
      );
      req.on('error', reject);
      req.setHeader('content-type', 'application/json');
      req.end(body);
    });
    const run = await eventually(() => emulator.runs().find((r) => r.status === 'completed'));
    resume();
    const { bytes, tail, complete } = await received;
    expect({ complete, done: tail.includes('event: done') }).toEqual({ complete: false, done: false });
    expect(bytes).toBeLessThan(16 * 1024 * 1024);
    const messages = (await api.get(`/threads/${run.thread_id}/messages?limit=1`)).json;
    expect(messages.data[0].content[0].text.value).toHaveLength(20_000_000);
  });
});
