import { runChild } from './child';
import type { RoundTimes } from './stats';
import type { SuiteMeta } from './suites';

/** How many processes and rounds a throughput suite gets. */
export interface PassPlan {
  processes: number;
  warmup: number;
  rounds: number;
  gcWarmup: number;
  gcRounds: number;
}

/** Every process's times: steady state, and with a full GC before every pass. */
export interface SuitePasses {
  plan: PassPlan;
  meta: SuiteMeta;
  steady: RoundTimes[];
  gc: RoundTimes[];
}

/**
 * Times a suite of `suites.ts` in `plan.processes` child processes, one after another (never two
 * at once: they would share the two cores), each with its own shuffling seed, so one process's
 * JIT luck or heap layout is visible as spread instead of hiding in the median.
 */
export async function suitePasses(suite: string, plan: PassPlan): Promise<SuitePasses> {
  const steady: RoundTimes[] = [];
  const gc: RoundTimes[] = [];
  let meta: SuiteMeta | undefined;
  for (let p = 0; p < plan.processes; p++) {
    const { warmup, rounds, gcWarmup, gcRounds } = plan;
    const result = await runChild<{ meta: SuiteMeta; steady: RoundTimes; gc: RoundTimes }>('passesChild.ts', [
      suite,
      String(p + 1),
      ...[warmup, rounds, gcWarmup, gcRounds].map(String),
    ]);
    meta = result.meta;
    steady.push(result.steady);
    gc.push(result.gc);
  }
  if (!meta) throw new Error('bench: no process ran');
  return { plan, meta, steady, gc };
}
