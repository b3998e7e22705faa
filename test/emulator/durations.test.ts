import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS } from '../../src/core/limits';
import type { EmulatorOptions } from '../../src/emulator';
import { buildRun } from '../../src/emulator/handlers/runs';
import { RunEngine } from '../../src/emulator/runEngine';
import { EmulatorStore } from '../../src/emulator/store';
import { emulatorPerTest } from '../helpers/emulators';
import { rawApi, runFixture, testResponsesApp } from './helpers';

// Durations longer than a timer can hold (2^31-1 ms, about 24.8 days) never fire early: as
// options they are refused at startEmulator, and the emulator waits out long ones in steps.

const startEmulator = emulatorPerTest();

const DAYS_30 = 30 * 24 * 3600 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('duration options', () => {
  const cases: [string, EmulatorOptions][] = [
    ['expiresAfterMs', { expiresAfterMs: DAYS_30 }],
    ['latencyMs', { latencyMs: DAYS_30 }],
    ['pollAfterMs', { pollAfterMs: DAYS_30 }],
    ['faults.rules[0].ms', { faults: { rules: [{ type: 'latency', ms: DAYS_30 }] } }],
    [
      'faults.rules[0].retryAfterMs',
      { faults: { rules: [{ type: 'status', status: 429, retryAfterMs: DAYS_30 }] } },
    ],
  ];
  for (const [name, options] of cases)
    it(`refuses ${name} above 2^31-1 ms with a TypeError naming it`, async () => {
      const error = await startEmulator(options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TypeError);
      expect(String(error)).toContain(name);
      expect(String(error)).toContain(String(MAX_TIMER_MS));
    });

  it('refuses NaN and negative durations, and takes the largest a timer holds', async () => {
    await expect(startEmulator({ latencyMs: Number.NaN })).rejects.toThrow(/latencyMs/);
    await expect(startEmulator({ expiresAfterMs: -1 })).rejects.toThrow(/expiresAfterMs/);
    const emulator = await startEmulator({ expiresAfterMs: MAX_TIMER_MS, latencyMs: 0 });
    const { startRun, statusOf } = await runFixture(emulator);
    const run = await startRun('get_weather');
    await sleep(50);
    expect(await statusOf(run.id)).toBe('requires_action');
  });
});

describe('long waits never fire early', () => {
  it('a brain delay of 30 days keeps the run in progress', async () => {
    const emulator = await startEmulator({
      latencyMs: 0,
      brain: () => [
        { type: 'delay', ms: DAYS_30 },
        { type: 'text', text: 'too early' },
      ],
    });
    const { startRun, statusOf } = await runFixture(emulator, []);
    const run = await startRun('hello');
    await sleep(100);
    expect(await statusOf(run.id)).toBe('in_progress');
  });

  it('latency faults that add up past 2^31-1 ms hold the request', async () => {
    const twentyDays = 20 * 24 * 3600 * 1000;
    const emulator = await startEmulator({
      faults: {
        rules: [
          { type: 'latency', ms: twentyDays, on: 'threads.retrieve' },
          { type: 'latency', ms: twentyDays, on: 'threads.retrieve' },
        ],
      },
    });
    const api = rawApi(emulator);
    const thread = (await api.post('/threads')).json;
    const held = api.get(`/threads/${thread.id}`).then(
      (answer) => answer.status,
      () => 'closed',
    );
    const first = await Promise.race([held, sleep(100).then(() => 'held')]);
    expect(first).toBe('held');
  });

  it('a run whose expires_at is weeks ahead does not expire at once', async () => {
    // Beyond what startEmulator accepts, as a stored time could be: the engine alone.
    const store = new EmulatorStore();
    const engine = new RunEngine(store, () => [{ type: 'function_calls', calls: [{ name: 'f' }] }], 0);
    try {
      const app = {
        store,
        engine,
        expiresAfterMs: DAYS_30,
        pollAfterMs: undefined,
        responses: testResponsesApp(),
      };
      const thread = {
        thread: {
          id: 'thread_1',
          object: 'thread' as const,
          created_at: 0,
          metadata: {},
          tool_resources: {},
        },
        messages: [],
        runs: [],
      };
      store.threads.set('thread_1', thread);
      const assistant = { ...emptyAssistant, instructions: 'be brief' };
      const { record } = buildRun(app, thread, assistant, {});
      store.addRun(thread, record);
      engine.start(record);
      await sleep(100);
      expect(record.run.status).toBe('requires_action');
    } finally {
      engine.dispose();
    }
  });
});

const emptyAssistant = {
  id: 'asst_1',
  object: 'assistant' as const,
  created_at: 0,
  name: null,
  description: null,
  model: 'gpt-4o',
  instructions: null,
  tools: [{ type: 'function' as const, function: { name: 'f' } }],
  top_p: 1,
  temperature: 1,
  reasoning_effort: null,
  tool_resources: {},
  metadata: {},
  response_format: 'auto',
};
