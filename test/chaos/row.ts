import { expect } from 'vitest';
import { describeFailures, monotonicMs, runSeeds, type SeedOutcome, seedList, writeSummary } from './harness';
import { HandlerLedger } from './plan';
import {
  activeResources,
  type Exchange,
  leakedResources,
  repeatedSubmits,
  type SubscriptionCount,
  submitMetrics,
} from './probes';

/** What every seed of a row shares: the counters the row checks at its end. */
export interface RowContext {
  /** Client endpoint subscriptions (every HTTP request or stream). */
  requests: SubscriptionCount;
  /** Run pipelines subscribed by the row. */
  pipelines: SubscriptionCount;
  /** The HTTP exchanges of every world the row opened. */
  exchanges: Exchange[][];
}

/** A row-wide check of a row's own, run after its seeds: a line of the summary that must hold. */
export interface RowCheck {
  name: string;
  value: string;
  ok: boolean;
}

/** One row of the fault matrix. */
export interface RowSpec {
  row: string;
  scenario: string;
  /** The test file, for the replay command. */
  file: string;
  /** Seeds run at once. */
  concurrency: number;
  /** One seed; throws (with a clear message) when an invariant breaks. */
  seed: (seed: number, context: RowContext, ledger: HandlerLedger) => Promise<SeedOutcome>;
  /** Set up shared things (a reference emulator) and return their teardown. */
  around?: () => Promise<() => Promise<void>>;
  /** Row-wide checks of the row's own (besides the ones every row makes), read after the seeds. */
  rowChecks?: () => RowCheck[];
}

/**
 * Runs a row: every seed, then the row-wide checks: no seed failed, every subscription (client
 * endpoints and pipelines) closed, no tool call id executed twice, and no handle or timer left
 * beyond the baseline taken before the row started. Writes the row's summary.
 */
export async function runRow(spec: RowSpec): Promise<void> {
  const baseline = activeResources();
  const started = monotonicMs();
  const context: RowContext = {
    requests: { opened: 0, closed: 0 },
    pipelines: { opened: 0, closed: 0 },
    exchanges: [],
  };
  const ledger = new HandlerLedger();
  const teardown = spec.around ? await spec.around() : async () => {};
  const seeds = seedList();
  let result: Awaited<ReturnType<typeof runSeeds>>;
  try {
    result = await runSeeds(seeds, spec.concurrency, (seed) => spec.seed(seed, context, ledger));
  } finally {
    await teardown();
  }
  const leaked = await leakedResources(baseline);
  const repeatedCalls = ledger.repeated();
  const submits = submitMetrics(context.exchanges.flat());
  const acceptedTwice = repeatedSubmits(context.exchanges.flat());
  const metrics = {
    ...result.metrics,
    ...submits,
    toolOutputsAcceptedTwice: acceptedTwice.length,
    handlerCalls: [...ledger.calls.values()].reduce((a, b) => a + b, 0),
    toolCallIdsExecuted: ledger.calls.size,
    toolCallIdsExecutedTwice: repeatedCalls.length,
    requestSubscriptions: context.requests.opened,
    requestSubscriptionsLeftOpen: context.requests.opened - context.requests.closed,
    pipelineSubscriptions: context.pipelines.opened,
    pipelineSubscriptionsLeftOpen: context.pipelines.opened - context.pipelines.closed,
  };
  const own = spec.rowChecks?.() ?? [];
  const checks = {
    'subscriptions closed': `${context.requests.closed}/${context.requests.opened} requests, ${context.pipelines.closed}/${context.pipelines.opened} pipelines`,
    'handles/timers left': Object.keys(leaked).length === 0 ? 'none' : JSON.stringify(leaked),
    'tool call ids executed twice': String(repeatedCalls.length),
    'tool call ids accepted twice by the server': String(acceptedTwice.length),
    'submit requests refused (400/404)': String(submits['submitsRefused']),
    ...Object.fromEntries(own.map((c) => [c.name, c.value])),
  };
  writeSummary({
    row: spec.row,
    scenario: spec.scenario,
    file: spec.file,
    seeds: seeds.length,
    outcomes: result.outcomes,
    metrics,
    failures: result.failures,
    checks,
    slowest: result.slowest,
    durationMs: Math.round(monotonicMs() - started),
    finishedAt: new Date().toISOString(),
  });
  expect(result.failures.length, describeFailures(spec.file, result.failures)).toBe(0);
  expect(repeatedCalls, 'tool call ids whose handler ran twice').toEqual([]);
  expect(acceptedTwice, 'tool call ids the server accepted twice').toEqual([]);
  expect(submits['submitsRefused'], 'submit requests the server refused (400/404)').toBe(0);
  expect(context.requests.closed, 'client subscriptions left open').toBe(context.requests.opened);
  expect(context.pipelines.closed, 'pipeline subscriptions left open').toBe(context.pipelines.opened);
  expect(leaked, 'handles or timers left after the row').toEqual({});
  for (const c of own) expect(c.ok, `${c.name}: ${c.value}`).toBe(true);
}
