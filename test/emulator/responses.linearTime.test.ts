import { describe, expect, it } from 'vitest';
import { argumentChunks } from '../../src/emulator/brainActions';
import { emulatorPerTest } from '../helpers/emulators';
import { rawApi } from './helpers';

// The Responses endpoints are a server people run: checking a create whose input holds many items
// (calls answered in it, outputs answering them) is linear in its size, and so is splitting a
// call's arguments into the pieces they stream in.

const startEmulator = emulatorPerTest({ latencyMs: 0, brain: () => [{ type: 'text', text: 'ok' }] });

/** The fastest of a few runs of an async job, in ms. */
async function bestOf(work: () => Promise<unknown>, runs = 3): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** n calls made in the input, each answered by an output in it. */
const pairs = (n: number) =>
  Array.from({ length: n }, (_, i) => [
    { type: 'function_call', call_id: `call_${i}`, name: 'f', arguments: '{}' },
    { type: 'function_call_output', call_id: `call_${i}`, output: 'x' },
  ]).flat();

describe('linear request handling', () => {
  it('a create with twice the answered calls takes about twice as long, not four times', {
    timeout: 30_000,
  }, async () => {
    const api = rawApi(await startEmulator({ limits: { responses: 2 } }));
    const create = (n: number) => {
      const input = pairs(n);
      return () => api.post('/responses', { model: 'gpt-4o', input, background: true });
    };
    const first = await create(10)();
    expect(first.status).toBe(200);
    const t1 = await bestOf(create(5_000));
    const t2 = await bestOf(create(10_000));
    expect({ t1, t2, linear: t2 < 3 * t1 + 20 }).toMatchObject({ linear: true });
  });

  it('argument chunks: 4 MiB split at once, and joined they are the arguments', () => {
    const time = (n: number) => {
      const args = JSON.stringify({ text: 'a"b '.repeat(n) });
      const start = performance.now();
      const chunks = argumentChunks(args);
      const elapsed = performance.now() - start;
      expect(chunks.join('')).toBe(args);
      return elapsed;
    };
    // 4 MiB of arguments, half of them quotes: quadratic splitting would take minutes.
    expect(time(1 << 20)).toBeLessThan(1_000);
    expect(argumentChunks('{"city":"Paris"}')).toEqual(['{"', 'city"', ':"', 'Paris"', '}']);
    expect(argumentChunks('x'.repeat(40))).toEqual(['x'.repeat(16), 'x'.repeat(16), 'x'.repeat(8)]);
  });
});
