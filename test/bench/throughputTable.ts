import type { SuitePasses } from './passes';
import { fmtMiB, fmtMs, fmtSpread, pairedRatio, pooledMedian, type Spread, table } from './stats';

/**
 * The tables of the throughput sections: one row per contender, steady-state figures first (the
 * headline), the forced-GC figures beside them.
 */

/** A contender's name in `suites.ts` and its label in the table. */
export interface RowSpec {
  name: string;
  label: string;
}

/** The two paired ratios of a contender in one phase: × the floor, and the SDK ÷ it. */
export interface Ratios {
  floor: Spread;
  sdk: Spread;
}

/** `name`'s ratios to the floor (`a`) and from the SDK (`b`), steady or with forced GC. */
export function ratios(passes: SuitePasses, name: string, gc = false): Ratios {
  const times = gc ? passes.gc : passes.steady;
  return { floor: pairedRatio(times, name, 'a'), sdk: pairedRatio(times, 'b', name) };
}

/** One sentence on how the passes were run, for the section's first paragraph. */
export function method(passes: SuitePasses): string {
  const { processes, warmup, rounds, gcWarmup, gcRounds } = passes.plan;
  return (
    `${processes} child processes, one after another (\`node --import tsx test/bench/passesChild.ts …\`); in each, every contender reads a fresh stream per pass, in a new shuffled order each round. ` +
    `Steady state (the headline): ${warmup} untimed rounds, then ${rounds} timed rounds with no forced GC (each pass pays for the garbage it makes when V8 collects it). ` +
    `Forced GC (the earlier method, beside it): then ${gcWarmup} + ${gcRounds} rounds with a full GC and 15 ms of sweeping before every pass, which measures V8 re-optimising after a major GC more than the cost per event. ` +
    `Ratios are paired: each pass is divided by the floor's (or the SDK's) pass of the same round, and the ratios of every round of every process pooled: median (lowest–highest per-process median).`
  );
}

/** The contenders' table. */
export function throughputTable(passes: SuitePasses, rows: readonly RowSpec[]): string[] {
  const { bytes, deltas } = passes.meta;
  const body = (spec: RowSpec): string[] => {
    const ms = pooledMedian(passes.steady, spec.name);
    const steady = ratios(passes, spec.name);
    const gc = ratios(passes, spec.name, true);
    const floorCell = (s: Spread): string => (spec.name === 'a' ? '1.00×' : fmtSpread(s));
    const sdkCell = (s: Spread): string => (spec.name === 'b' ? '1.00×' : fmtSpread(s));
    return [
      spec.label,
      fmtMs(ms),
      ((bytes / 1024 / 1024 / ms) * 1000).toFixed(1),
      ((ms * 1e6) / deltas).toFixed(0),
      floorCell(steady.floor),
      sdkCell(steady.sdk),
      Number.isNaN(gc.floor.median) ? '–' : floorCell(gc.floor),
      Number.isNaN(gc.sdk.median) ? '–' : sdkCell(gc.sdk),
    ];
  };
  return table(
    [
      'contender',
      'median ms',
      'MiB/s',
      'ns/delta',
      '× floor',
      'SDK ÷ this',
      '× floor, forced GC',
      'SDK ÷ this, forced GC',
    ],
    rows.map(body),
  );
}

/** "`x` MiB of SSE, n frames …, fed as a `ReadableStream` of k chunks of 16 KiB". */
export const bodyFacts = (passes: SuitePasses): string =>
  `${fmtMiB(passes.meta.bytes)} of SSE, ${passes.meta.frames} frames`;

/**
 * Where a collector's time goes, × the floor (steady-state paired medians): the SSE layer alone
 * (`p`), the whole source without a collector (`s`), and what the layers above the parser and the
 * collector (`d`) add (differences of medians, so a small one is within the noise).
 */
export function layers(passes: SuitePasses): {
  parser: number;
  source: number;
  above: number;
  collector: number;
} {
  const x = (name: string): number => pairedRatio(passes.steady, name, 'a').median;
  return { parser: x('p'), source: x('s'), above: x('s') - x('p'), collector: Math.max(0, x('d') - x('s')) };
}
