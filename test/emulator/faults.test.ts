import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import type { EmulatorFaults } from '../../src/emulator';
import { emulatorPerTest } from '../helpers/emulators';
import { eventually, rawApi, sdkFor } from './helpers';
import { createValidator } from './openapiValidator';

// Seeded fault injection: HTTP errors with retry hints, latency, and streams dropped mid-way while
// the run goes on server-side.

const startEmulator = emulatorPerTest();
const start = (faults: EmulatorFaults, latencyMs = 0) => startEmulator({ faults, latencyMs });

describe('status faults', () => {
  it('429 carries retry-after-ms and retry-after; the SDK waits and retries', async () => {
    const emulator = await start({
      rules: [{ type: 'status', status: 429, retryAfterMs: 20, times: 1, on: 'assistants.create' }],
    });
    const raw = await rawApi(emulator).post('/assistants', { model: 'gpt-4o' });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after-ms')).toBe('20');
    expect(raw.headers.get('retry-after')).toBe('1');
    expect(raw.json.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' });
    // `times: 1` is spent: the SDK's call goes through at once
    const assistant = await sdkFor(emulator, { maxRetries: 2 }).beta.assistants.create({ model: 'gpt-4o' });
    expect(assistant.id).toMatch(/^asst_/);

    const again = await start({ rules: [{ type: 'status', status: 429, retryAfterMs: 5, times: 2 }] });
    const ok = await sdkFor(again, { maxRetries: 2 }).beta.assistants.create({ model: 'gpt-4o' });
    expect(ok.object).toBe('assistant');
    expect(again.requests.map((r) => [r.status, r.faults])).toEqual([
      [429, ['status']],
      [429, ['status']],
      [200, []],
    ]);
    // a refused request changed nothing: exactly one assistant exists
    expect((await rawApi(again).get('/assistants')).json.data).toHaveLength(1);
  });

  it('5xx is an OpenAI-shaped server_error; skip and on select which requests get it', async () => {
    const emulator = await start({
      rules: [{ type: 'status', status: 503, skip: 1, times: 1, on: ['assistants.list'] }],
    });
    const openai = sdkFor(emulator);
    await openai.beta.assistants.list();
    const error = await openai.beta.assistants.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 503, type: 'server_error', code: null });
    await openai.beta.assistants.create({ model: 'gpt-4o' });
    await openai.beta.assistants.list();
    expect(emulator.requests.map((r) => `${r.endpoint}:${r.status}`)).toEqual([
      'assistants.list:200',
      'assistants.list:503',
      'assistants.create:200',
      'assistants.list:200',
    ]);
  });

  it('is repeatable: the same seed gives the same faults, another seed other ones', async () => {
    const pattern = async (seed: number) => {
      const emulator = await start({ seed, rules: [{ type: 'status', status: 500, probability: 0.5 }] });
      const api = rawApi(emulator);
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await api.get('/assistants')).status);
      return statuses.join(',');
    };
    const first = await pattern(7);
    expect(await pattern(7)).toBe(first);
    expect(first).toMatch(/500/);
    expect(first).toMatch(/200/);
    expect(await pattern(8)).not.toBe(first);
  });

  it('rejects malformed rules with a TypeError naming the rule', async () => {
    await expect(startEmulator({ faults: { rules: [{ type: 'status', status: 200 }] } })).rejects.toThrow(
      /faults\.rules\[0\]\.status/,
    );
    await expect(
      startEmulator({ faults: { rules: [{ type: 'latency', ms: 1, probability: 2 }] } }),
    ).rejects.toThrow(/faults\.rules\[0\]\.probability/);
  });

  it('rejects what would silently never fire: a misspelt endpoint, rules that are not a list', async () => {
    const misspelt = {
      rules: [{ type: 'status', status: 503, on: 'runs.creat' }],
    } as unknown as EmulatorFaults;
    await expect(startEmulator({ faults: misspelt })).rejects.toThrow(
      /faults\.rules\[0\]\.on names no endpoint: 'runs\.creat'\. Endpoints: .*runs\.create/,
    );
    const notList = { rules: { type: 'status', status: 503 } } as unknown as EmulatorFaults;
    await expect(startEmulator({ faults: notList })).rejects.toThrow(/'rules' array/);
    const notObject = { rules: [503] } as unknown as EmulatorFaults;
    await expect(startEmulator({ faults: notObject })).rejects.toThrow(
      /faults\.rules\[0\] must be an object/,
    );
    const badSkip = { rules: [{ type: 'latency', ms: 1, skip: -1 }] } as EmulatorFaults;
    await expect(startEmulator({ faults: badSkip })).rejects.toThrow(/faults\.rules\[0\]\.skip/);
    await expect(startEmulator({ faults: { seed: 1.5, rules: [] } })).rejects.toThrow(/faults\.seed/);
  });
});

describe('latency', () => {
  it('delays the answer by at least the given time, and logs it', async () => {
    const emulator = await start({ rules: [{ type: 'latency', ms: 40, on: 'assistants.list' }] });
    const t0 = performance.now();
    expect((await rawApi(emulator).get('/assistants')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(39);
    expect(emulator.requests[0]?.faults).toEqual(['latency']);
  });
});

describe('dropped streams', () => {
  async function readUntilDropped(url: string, body: unknown) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const reader = response.body?.getReader();
    const chunks: Uint8Array[] = [];
    let error: unknown;
    try {
      for (;;) {
        const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
        if (done) break;
        chunks.push(value);
      }
    } catch (e) {
      error = e;
    }
    return { text: Buffer.concat(chunks).toString('utf8'), error };
  }

  it('cuts the stream after N bytes; the run completes server-side and polling finds the reply', async () => {
    const emulator = await start({ rules: [{ type: 'drop', afterBytes: 1500, on: 'threads.createAndRun' }] });
    const api = rawApi(emulator);
    const assistant = (await api.post('/assistants', { model: 'gpt-4o' })).json;
    const { text, error } = await readUntilDropped(`${emulator.url}/threads/runs`, {
      assistant_id: assistant.id,
      stream: true,
      thread: { messages: [{ role: 'user', content: '3 * 3' }] },
    });
    expect(error).toBeInstanceOf(Error);
    expect(Buffer.byteLength(text)).toBe(1500);
    expect(text.startsWith('event: thread.created\ndata: ')).toBe(true);
    expect(text).not.toContain('event: done');
    expect(emulator.requests.at(-1)).toMatchObject({
      endpoint: 'threads.createAndRun',
      stream: true,
      faults: ['drop'],
    });
    const [run] = emulator.runs();
    const final = await eventually(async () => {
      const polled = (await api.get(`/threads/${run?.thread_id}/runs/${run?.id}`)).json;
      return polled.status === 'completed' ? polled : undefined;
    });
    expect(final.id).toBe(run?.id);
    const messages = (await api.get(`/threads/${run?.thread_id}/messages?run_id=${run?.id}`)).json.data;
    expect(messages[0].content[0].text.value).toBe('3 * 3 = 9');
  });

  it('with only a probability, drops at a seeded offset, the same for the same seed', async () => {
    const cut = async () => {
      const emulator = await start({ seed: 42, rules: [{ type: 'drop', probability: 1 }] });
      const api = rawApi(emulator);
      const assistant = (await api.post('/assistants', { model: 'gpt-4o' })).json;
      const thread = (await api.post('/threads', { messages: [{ role: 'user', content: 'hello' }] })).json;
      return Buffer.byteLength(
        (
          await readUntilDropped(`${emulator.url}/threads/${thread.id}/runs`, {
            assistant_id: assistant.id,
            stream: true,
          })
        ).text,
      );
    };
    const first = await cut();
    expect(first).toBeLessThan(4096);
    expect(await cut()).toBe(first);
  });

  it('error_event ends the stream with an SSE error frame after N events; the run goes on', async () => {
    const emulator = await start({ rules: [{ type: 'error_event', afterEvents: 3, on: 'runs.create' }] });
    const api = rawApi(emulator);
    const assistant = (await api.post('/assistants', { model: 'gpt-4o' })).json;
    const thread = (await api.post('/threads', { messages: [{ role: 'user', content: '5 - 7' }] })).json;
    const { frames } = await api.stream(`/threads/${thread.id}/runs`, { assistant_id: assistant.id });
    expect(frames.map((f) => f.event)).toEqual([
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
      'error',
    ]);
    expect(JSON.parse(frames[3]?.data ?? '{}')).toEqual({
      code: 'server_error',
      message: expect.stringContaining('emulated fault'),
      param: null,
      type: 'server_error',
    });
    expect(createValidator().frame(frames[3] ?? { event: '', data: '' })).toEqual([]);
    const runId = JSON.parse(frames[0]?.data ?? '{}').id;
    await eventually(async () =>
      (await api.get(`/threads/${thread.id}/runs/${runId}`)).json.status === 'completed' ? true : undefined,
    );
    expect((await api.get(`/threads/${thread.id}/messages?limit=1`)).json.data[0].content[0].text.value).toBe(
      '5 - 7 = -2',
    );
    expect(emulator.requests.find((r) => r.endpoint === 'runs.create')?.faults).toEqual(['error_event']);
  });

  it('never drops JSON answers', async () => {
    const emulator = await start({ rules: [{ type: 'drop', afterBytes: 0 }] });
    expect((await rawApi(emulator).post('/assistants', { model: 'gpt-4o' })).status).toBe(200);
    expect(emulator.requests[0]?.faults).toEqual([]);
  });
});
