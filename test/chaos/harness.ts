import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrng } from '../../src/emulator/prng';

/**
 * The seed machinery of the chaos suite: which seeds a row runs, a seeded PRNG per seed, a bounded
 * pool that runs seeds concurrently, and the tally of outcomes each row writes to
 * `test-results/chaos/<row>.json` (read by `report.ts` to build RELIABILITY.md).
 *
 * Environment:
 * - `CHAOS_SEEDS=n`: seeds per row (default 200).
 * - `CHAOS_SEED=17` (or `17,42`): run only these seeds, to reproduce a failure.
 */

/** Seeds per row unless `CHAOS_SEEDS` says otherwise. */
export const DEFAULT_SEEDS = 200;

/** The seeds a row runs: `1..CHAOS_SEEDS`, or exactly the ones in `CHAOS_SEED`. */
export function seedList(): number[] {
  const only = process.env['CHAOS_SEED'];
  if (only !== undefined && only.trim() !== '') {
    return only.split(',').map((s) => {
      const seed = Number(s.trim());
      if (!Number.isSafeInteger(seed) || seed < 1)
        throw new Error(`CHAOS_SEED: bad seed ${JSON.stringify(s)}`);
      return seed;
    });
  }
  const count = Number(process.env['CHAOS_SEEDS'] ?? DEFAULT_SEEDS);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`CHAOS_SEEDS must be a whole number ≥ 1`);
  return Array.from({ length: count }, (_, i) => i + 1);
}

/** A seeded random source with the helpers the rows need. */
export interface Rng {
  /** [0, 1) */
  next(): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** The PRNG of one seed in one row: the same (row, seed) always draws the same numbers. */
export function rngFor(row: string, seed: number): Rng {
  let salt = 0;
  for (const c of row) salt = (Math.imul(salt, 31) + c.charCodeAt(0)) >>> 0;
  const next = createPrng((seed * 0x9e3779b1) ^ salt);
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    chance: (p) => next() < p,
  };
  return rng;
}

/** What one seed ended with: a label for the outcome table, and numbers to add up. */
export interface SeedOutcome {
  outcome: string;
  metrics?: Record<string, number>;
}

/** One seed that broke an invariant. */
export interface SeedFailure {
  seed: number;
  /** The scenario of the seed and what broke. */
  message: string;
  /** What broke, without the scenario (for grouping alike failures). */
  detail?: string;
}

/** A seed's failure: where (the seed's scenario, in words) and what broke. */
export class SeedError extends Error {
  override readonly name = 'SeedError';
  constructor(
    readonly where: string,
    readonly detail: string,
  ) {
    super(`${where}: ${detail}`);
  }

  /** Wraps whatever a seed threw with its scenario. */
  static of(where: string, error: unknown): SeedError {
    return new SeedError(where, error instanceof Error ? error.message : String(error));
  }
}

/** The summary of one row, as written to `test-results/chaos/<row>.json`. */
export interface RowSummary {
  row: string;
  scenario: string;
  file: string;
  seeds: number;
  /** Outcome label → seeds. */
  outcomes: Record<string, number>;
  /** Metric → total over the seeds. */
  metrics: Record<string, number>;
  failures: SeedFailure[];
  /** Checks that hold for the whole row (leaks, subscriptions). */
  checks: Record<string, string>;
  /** The seed that took longest, and how long. */
  slowest: { seed: number; ms: number };
  durationMs: number;
  finishedAt: string;
}

/** A seed that takes longer than this is a hang: reported as a failure naming the seed. */
const SEED_LIMIT_MS = 60_000;

async function withinSeedLimit<T>(seed: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`seed ${seed} did not finish within ${SEED_LIMIT_MS / 1000} s (hang)`)),
      SEED_LIMIT_MS,
    );
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `run(seed)` for every seed, at most `concurrency` at once, and tallies the outcomes. A seed
 * that throws is a failure (its message names the seed); the others still run.
 */
export async function runSeeds(
  seeds: readonly number[],
  concurrency: number,
  run: (seed: number) => Promise<SeedOutcome>,
): Promise<{
  outcomes: Record<string, number>;
  metrics: Record<string, number>;
  failures: SeedFailure[];
  slowest: { seed: number; ms: number };
}> {
  const outcomes: Record<string, number> = {};
  const slowest = { seed: 0, ms: 0 };
  const metrics: Record<string, number> = {};
  const failures: SeedFailure[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const seed = seeds[next++];
      if (seed === undefined) return;
      const started = monotonicMs();
      try {
        const result = await withinSeedLimit(seed, run(seed));
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
        for (const [name, value] of Object.entries(result.metrics ?? {})) {
          metrics[name] = (metrics[name] ?? 0) + value;
        }
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        failures.push(
          error instanceof SeedError
            ? { seed, message: error.message, detail: error.detail }
            : { seed, message },
        );
        outcomes['FAILED'] = (outcomes['FAILED'] ?? 0) + 1;
      }
      const ms = Math.round(monotonicMs() - started);
      if (ms > slowest.ms) Object.assign(slowest, { seed, ms });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, seeds.length) }, worker));
  failures.sort((a, b) => a.seed - b.seed);
  return { outcomes, metrics, failures, slowest };
}

/** Where the rows write their summaries (gitignored). */
export const RESULTS_DIR = join(process.cwd(), 'test-results', 'chaos');

/** Writes a row's summary for `report.ts`. Skipped when only some seeds ran (`CHAOS_SEED`). */
export function writeSummary(summary: RowSummary): void {
  if (process.env['CHAOS_SEED']) return;
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${summary.row}.json`), `${JSON.stringify(summary, null, 2)}\n`);
}

/** A failure list as a readable assertion message, with the command that replays the first seeds. */
export function describeFailures(file: string, failures: readonly SeedFailure[]): string {
  if (failures.length === 0) return 'no failures';
  const seeds = failures.slice(0, 5).map((f) => f.seed);
  const lines = failures.slice(0, 10).map((f) => `  seed ${f.seed}: ${f.message}`);
  return [
    `${failures.length} seed(s) failed; replay with CHAOS_SEED=${seeds.join(',')} npx vitest run ${file}`,
    ...lines,
  ].join('\n');
}

/** Throws with `message` unless `condition` holds: the invariants of a seed. */
export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new Error(typeof message === 'string' ? message : message());
}

/** Milliseconds on a monotonic clock (for lower bounds on waits only; never used to decide an outcome). */
export const monotonicMs = (): number => performance.now();

/** Resolves after `ms` (the test's own waiting, never part of what is measured). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `probe` every few ms until it returns a value other than `undefined`, for at most `limitMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  limitMs = 10_000,
): Promise<T> {
  const start = monotonicMs();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (monotonicMs() - start > limitMs) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
