import { table } from './stats';

/**
 * A model of poll schedules alone: polls at `0, d0, d0 + d1, …`, a run completing at `T` is seen at
 * the first poll at or after `T`. No request latency, and no change is seen after the first poll
 * (the run waits, then completes), which is the case the emulator benchmark measures.
 */

/** Next delay, given the number of polls so far and the time of the last one (ms since the create). */
export type Schedule = (polls: number, elapsedMs: number) => number;

const growing =
  (startMs: number, maxMs: number, factor = 1.5): Schedule =>
  (polls) =>
    // The first poll sees the run leave `queued` (a change), so growth starts one poll later.
    Math.min(maxMs, startMs * factor ** Math.max(0, polls - 1));

/** Unchanged polls kept at the first interval before backing off, in our default schedule (10 s at 500 ms). */
export const STEADY_POLLS = 20;

export const SCHEDULES: { name: string; next: Schedule }[] = [
  { name: 'our earlier default: 500 ms ×1.5 per unchanged poll, ≤ 3 s', next: growing(500, 3000) },
  { name: 'SDK default: 5 s fixed', next: () => 5000 },
  { name: 'SDK `pollIntervalMs: 1000`', next: () => 1000 },
  { name: 'ours with a 1 s cap: 500 ms ×1.5 per unchanged poll, ≤ 1 s', next: growing(500, 1000) },
  {
    name: `**ours (default)**: 500 ms for the first ${STEADY_POLLS} unchanged polls (10 s), then ×1.5 per unchanged poll, ≤ 3 s`,
    next: (polls) => Math.min(3000, 500 * 1.5 ** Math.max(0, polls - 1 - STEADY_POLLS)),
  },
  {
    name: 'elapsed ÷ 20, within [500 ms, 3 s]',
    next: (_, elapsed) => Math.min(3000, Math.max(500, elapsed / 20)),
  },
];

/** Poll times up to `untilMs` for a schedule. */
function pollTimes(next: Schedule, untilMs: number): number[] {
  const times = [0];
  while ((times.at(-1) as number) < untilMs) {
    const last = times.at(-1) as number;
    times.push(last + next(times.length, last));
  }
  return times;
}

interface Outcome {
  p50: number;
  p95: number;
  polls: number;
}

/** Detection delay percentiles and median polls for runs ending uniformly in `[lo, hi]`. */
function outcome(next: Schedule, lo: number, hi: number): Outcome {
  const times = pollTimes(next, hi + 60_000);
  const delays: number[] = [];
  const polls: number[] = [];
  const steps = 2000;
  for (let i = 0; i <= steps; i++) {
    const end = lo + ((hi - lo) * i) / steps;
    const k = times.findIndex((t) => t >= end);
    delays.push((times[k] as number) - end);
    polls.push(k + 1);
  }
  const pick = (values: number[], p: number) =>
    [...values].sort((a, b) => a - b)[Math.floor((p / 100) * (values.length - 1))] as number;
  return { p50: pick(delays, 50), p95: pick(delays, 95), polls: pick(polls, 50) };
}

/** The model's table for the given nominal durations, plus polls for long runs (30 s, 60 s). */
export function simulateSchedules(durations: readonly number[], spread: number): string[] {
  const long = [30_000, 60_000];
  const rows = SCHEDULES.map(({ name, next }) => {
    const cells: string[] = [name];
    for (const d of durations) {
      const o = outcome(next, d * (1 - spread), d * (1 + spread));
      cells.push(`${o.p50.toFixed(0)} / ${o.p95.toFixed(0)}`);
    }
    for (const d of [...durations, ...long])
      cells.push(String(outcome(next, d * (1 - spread), d * (1 + spread)).polls));
    return cells;
  });
  return table(
    [
      'schedule',
      ...durations.map((d) => `p50 / p95 ms @${d / 1000} s`),
      ...[...durations, ...long].map((d) => `polls @${d / 1000} s`),
    ],
    rows,
  );
}
