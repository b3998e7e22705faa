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
 * sweeping to finish. That measures V8 re-optimising after a major GC (a full GC throws away
 * optimised code whose weak references died), not the steady cost per event, so the headline
 * figures use `gc: false` (one GC before the warm-up, none after) and report the forced-GC figure
 * beside them. Times of round `i` are at index `i` of every contender's list, so ratios can be
 * paired per round.
 */
export async function roundRobin(
  contenders: readonly Contender[],
  { warmup, rounds, gc = false, seed = 1 }: { warmup: number; rounds: number; gc?: boolean; seed?: number },
): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const random = createPrng(seed);
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

/** A ratio over several processes: its median and the lowest and highest per-process median. */
export interface Spread {
  median: number;
  lo: number;
  hi: number;
}

/** Times per contender of one process's timed rounds (index = round), as a child reports them. */
export type RoundTimes = Record<string, number[]>;

/**
 * `num ÷ den` paired per round (both timed in the same round, so drift hits both), pooled over
 * every round of every process: the median, and the range of the per-process medians.
 */
export function pairedRatio(processes: readonly RoundTimes[], num: string, den: string): Spread {
  const ratiosOf = (times: RoundTimes): number[] => {
    const a = times[num] ?? [];
    const b = times[den] ?? [];
    return a.map((t, i) => t / (b[i] ?? Number.NaN)).filter(Number.isFinite);
  };
  const perProcess = processes.map((times) => median(ratiosOf(times)));
  return {
    median: median(processes.flatMap(ratiosOf)),
    lo: Math.min(...perProcess),
    hi: Math.max(...perProcess),
  };
}

/** Median of one contender's times pooled over every process. */
export const pooledMedian = (processes: readonly RoundTimes[], name: string): number =>
  median(processes.flatMap((times) => times[name] ?? []));

export const fmtSpread = (s: Spread): string =>
  `${s.median.toFixed(2)}× (${s.lo.toFixed(2)}–${s.hi.toFixed(2)})`;

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
