import type * as fc from 'fast-check';

/**
 * fast-check parameters with a fixed seed, so that every run of the suite (CI included) checks the
 * same inputs and a red run replays. `FC_SEED=random` explores fresh inputs instead (fast-check
 * prints the seed of any failure; `FC_SEED=<that seed>` then replays it).
 */
export const DEFAULT_SEED = 20_261_122;

export function seeded<T>(numRuns: number): fc.Parameters<T> {
  const seed = process.env['FC_SEED'];
  if (seed === 'random') return { numRuns };
  return { numRuns, seed: seed === undefined ? DEFAULT_SEED : Number(seed) };
}
