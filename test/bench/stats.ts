import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { lastValueFrom, timer } from 'rxjs';
import { createPrng } from '../../src/emulator/prng';

/**
 * Measurement helpers of the benchmarks: wall-clock timing, medians, percentiles and formatting.
 * Benchmarks measure real time on purpose, so they read `performance.now()` directly; the library
 * itself never does (it reads time through RxJS).
 */

setFlagsFromString('--expose-gc');
/** A full garbage collection, so one measured run does not pay for the previous run's garbage. */
export const collectGarbage: () => void = runInNewContext('gc') as () => void;

export const now = (): number => performance.now();

/** Median (nearest rank) of `values`; `NaN` for none. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (`p` in 0–100) of `values`; `NaN` for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** One timed contender: `run` does one complete pass and resolves when it is done. */
export interface Contender {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Runs the contenders in rounds, each round in a new (seeded) shuffled order, so drift in the
 * machine's speed, and whatever one contender leaves behind for the next, hit all of them alike:
 * `warmup` untimed rounds, then `rounds` timed ones. Returns each contender's times in ms.
 *
 * With `gc`, every pass starts after a full GC and a short pause for the collector's background
 * sweeping to finish; use it for passes of tens of ms or more. For short passes it does more harm
 * than good (the sweeping left behind lands in the pass), so without it only one GC runs first.
 */
export async function roundRobin(
  contenders: readonly Contender[],
  { warmup, rounds, gc = false }: { warmup: number; rounds: number; gc?: boolean },
): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const random = createPrng(1);
  collectGarbage();
  for (let round = 0; round < warmup + rounds; round++) {
    const order = [...contenders];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as Contender, order[i] as Contender];
    }
    for (const contender of order) {
      if (gc) {
        collectGarbage();
        await lastValueFrom(timer(SETTLE_MS));
      }
      const start = now();
      await contender.run();
      const elapsed = now() - start;
      if (round >= warmup) times.get(contender.name)?.push(elapsed);
    }
  }
  return times;
}

const SETTLE_MS = 15;

export const fmtMs = (ms: number): string =>
  ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
export const fmtRatio = (r: number): string => `${r.toFixed(2)}×`;
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fmtKiB = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KiB`;
export const fmtMiB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const verdict = (met: boolean): string => (met ? '**target met**' : '**target not met**');

/** A markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}
