import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { type BrainContext, defaultBrain } from '../../src/emulator';
import type { AssistantTool, Run } from '../../src/events/types';
import { emulatorPerTest } from '../helpers/emulators';
import { runFixture } from './helpers';

// Request handling is linear in the input: inputs that made a regex or a scan go quadratic (seconds
// of a blocked event loop for a few hundred KB) are handled at once, and doubling them about
// doubles the work.

const startEmulator = emulatorPerTest();

const context = (lastUserText: string, tools: AssistantTool[] = []) =>
  ({
    api: 'assistants',
    assistant: { id: 'asst_1', model: 'gpt-4o' },
    thread: { id: 'thread_1' },
    run: { id: 'run_1', thread_id: 'thread_1', status: 'in_progress', tools } as Run,
    messages: [],
    lastUserText,
    toolResults: [],
    turn: 0,
    signal: new AbortController().signal,
  }) satisfies BrainContext;

const weather: AssistantTool = { type: 'function', function: { name: 'get_weather' } };

/** Inputs that were quadratic: a long run of spaces inside a message, and a long run of `{`. */
const SHAPES: Record<string, { input: (n: number) => string; tools: AssistantTool[] }> = {
  spaces: { input: (n) => `x${' '.repeat(n)}x`, tools: [] },
  'spaces before =': { input: (n) => `1 +${' '.repeat(n)}1 =`, tools: [] },
  braces: { input: (n) => `get_weather ${'{'.repeat(n)}`, tools: [weather] },
  'nested braces': { input: (n) => `get_weather ${'{'.repeat(n)}${'}'.repeat(n)}`, tools: [weather] },
  'open strings': { input: (n) => `get_weather ${'{"'.repeat(n)}`, tools: [weather] },
  'many small pairs': { input: (n) => `get_weather ${'{"a"}'.repeat(Math.floor(n / 5))}`, tools: [weather] },
};

/** The fastest of a few runs, in ms: the least noisy estimate of the work. */
function bestOf(work: () => unknown, runs = 5): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** A call slower than this on these sizes is quadratic (linear code takes a few ms at 4 Mi). */
const TOO_SLOW_MS = 500;

/**
 * Times `work(n)` and `work(2n)` for the smallest n from 16 Ki that takes a measurable time, failing
 * at once when a call is too slow (a blocked event loop cannot be interrupted by a test timeout).
 */
function doubling(work: (n: number) => () => unknown): { n: number; t1: number; t2: number } {
  for (let n = 1 << 14; ; n *= 2) {
    const small = work(n);
    const first = bestOf(small, 1);
    expect(first, `one call on ${n} characters took ${first} ms`).toBeLessThan(TOO_SLOW_MS);
    if (first < 5 && n < 1 << 22) continue;
    const runs = first > 50 ? 1 : 5;
    const t1 = bestOf(small, runs);
    const t2 = bestOf(work(2 * n), runs);
    return { n, t1, t2 };
  }
}

describe('the default brain is linear in the message', () => {
  for (const [name, { input, tools }] of Object.entries(SHAPES))
    it(`${name}: doubling the message does not quadruple the work`, { timeout: 20_000 }, () => {
      const { n, t1, t2 } = doubling((size) => {
        const ctx = context(input(size), tools);
        return () => defaultBrain(ctx);
      });
      // Linear work gives a ratio near 2, quadratic near 4; the constant absorbs timer noise.
      expect({ n, t1, t2, linear: t2 < 3 * t1 + 1 }).toMatchObject({ linear: true });
    });

  it('still finds the first JSON object and strips a trailing = or ?', () => {
    expect(defaultBrain(context(`x${' '.repeat(1000)}x`))).toEqual([
      { type: 'text', text: `You said: "x${' '.repeat(1000)}x"` },
    ]);
    expect(defaultBrain(context(`2 *${' '.repeat(100)}3 ?  `))).toEqual([
      { type: 'text', text: `2 *${' '.repeat(100)}3 = 6` },
    ]);
    expect(defaultBrain(context(`get_weather ${'{'.repeat(10_000)} {"city":"Oslo"}`, [weather]))).toEqual([
      { type: 'function_calls', calls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
    ]);
  });
});

describe('the emulator handles huge messages without blocking', () => {
  /** Runs `work` while measuring the longest event-loop stall, in ms. */
  async function longestStall(work: () => Promise<void>): Promise<number> {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    try {
      await work();
    } finally {
      histogram.disable();
    }
    return histogram.max / 1e6;
  }

  for (const size of [160_000, 1_000_000])
    it(`a ${size / 1000} KB message of spaces completes its run`, { timeout: 20_000 }, async () => {
      const emulator = await startEmulator({ latencyMs: 0 });
      const { thread, startRun, until, api } = await runFixture(emulator, []);
      const text = `x${' '.repeat(size)}x`;
      const stall = await longestStall(async () => {
        const run = await startRun(text);
        await until(run.id, 'completed');
      });
      const messages = (await api.get(`/threads/${thread.id}/messages?limit=1`)).json;
      expect(messages.data[0].content[0].text.value).toBe(`You said: "${text}"`);
      expect(stall).toBeLessThan(1_000);
    });

  for (const size of [100_000, 1_000_000])
    it(`a function-tool message of ${size} '{' calls the tool with {}`, { timeout: 20_000 }, async () => {
      const emulator = await startEmulator({ latencyMs: 0 });
      const { startRun, until, api, thread } = await runFixture(emulator);
      let runId = '';
      const stall = await longestStall(async () => {
        runId = (await startRun(`get_weather ${'{'.repeat(size)}`)).id;
        await until(runId, 'requires_action');
      });
      const run = (await api.get(`/threads/${thread.id}/runs/${runId}`)).json;
      expect(run.required_action.submit_tool_outputs.tool_calls).toMatchObject([
        { type: 'function', function: { name: 'get_weather', arguments: '{}' } },
      ]);
      expect(stall).toBeLessThan(1_000);
    });

  it('a message of 1 MB of `{` inside a JSON string is not refused as too deeply nested', async () => {
    const emulator = await startEmulator({ latencyMs: 0 });
    const { api, thread } = await runFixture(emulator, []);
    const answer = await api.post(`/threads/${thread.id}/messages`, {
      role: 'user',
      content: '{['.repeat(500_000),
    });
    expect(answer.status).toBe(200);
    expect((await api.get(`/threads/${thread.id}/messages`)).json.data).toHaveLength(1);
  });
});
