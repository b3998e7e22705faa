import type { EndpointName } from '../../src/emulator';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { retryRun } from '../../src/operators/retryRun';
import { checkWaits, RETRY_RUN_COUNT } from './burstWaits';
import { drive, lastStatus, runIdOf } from './drive';
import { check, type Rng, SeedError, type SeedOutcome } from './harness';
import { judgeEmissions, withBug } from './knownBugs';
import { definePlans, drawSeed, type HandlerLedger, type Plan } from './plan';
import { collect, comparable, pollReadEnded, repeatedSubmits } from './probes';
import type { RowContext, RowSpec } from './row';
import {
  type ClientKind,
  exchangesTo,
  openWorld,
  PATHS,
  serverMessages,
  settledRuns,
  threadAcceptsMessages,
  threadRuns,
} from './world';

/**
 * Bursts of HTTP errors on one endpoint of the run, in stream or poll mode, half the seeds with
 * `retryRun`: shared by the rows of `fetchClient` (statusBursts.test.ts) and `openaiClient`
 * (openaiClient.test.ts). A burst within the client's own retries is absorbed; a longer one errors
 * with the typed AssistantsApiError after exactly maxRetries + 1 attempts, or, when the client
 * made one attempt only (`maxRetries: 0`), is retried by `retryRun` when nothing of the run was
 * emitted yet. A create answered 500 or 502 is never retried
 * (it may have been applied): it errors after one attempt. Every wait honours the server's
 * `retry-after-ms` (or the documented backoff), no run is created twice, and every run ends
 * terminal with its thread unlocked.
 */

/** One kind of burst. */
export interface BurstKind {
  /** The row's name for `fetchClient`; other clients prefix it. */
  name: string;
  scenario: string;
  statuses: readonly number[];
  bursts: readonly number[];
  retryAfterMs: (rng: Rng) => number | undefined;
}

export const RATE_LIMIT: BurstKind = {
  name: '429-bursts',
  scenario: 'Bursts of HTTP 429 with `retry-after-ms` on one run endpoint (stream or poll mode)',
  statuses: [429],
  bursts: [1, 2, 3, 5],
  retryAfterMs: (rng) => rng.int(5, 50),
};

export const SERVER_ERROR: BurstKind = {
  name: '5xx-bursts',
  scenario: 'Bursts of HTTP 500/502/503 (half with `retry-after-ms`, half on the default backoff)',
  statuses: [500, 502, 503],
  bursts: [1, 2, 3],
  retryAfterMs: (rng) => (rng.chance(0.5) ? rng.int(5, 50) : undefined),
};

/** The endpoints a plan's run calls in a mode, with how many of their calls a burst may skip. */
function targets(plan: Plan, mode: 'stream' | 'poll'): { on: EndpointName; maxSkip: number }[] {
  const out: { on: EndpointName; maxSkip: number }[] = [{ on: 'runs.create', maxSkip: 0 }];
  if (plan.shape === 'tools') out.push({ on: 'runs.submitToolOutputs', maxSkip: plan.rounds.length - 1 });
  if (mode === 'poll') {
    out.push({ on: 'runs.retrieve', maxSkip: 2 }, { on: 'steps.list', maxSkip: 1 });
    if (plan.shape !== 'tools' || plan.preface) out.push({ on: 'messages.retrieve', maxSkip: 0 });
  }
  return out;
}

/** A row of bursts: which kind, under which name, through which client. */
export interface BurstRow {
  kind: BurstKind;
  row: string;
  scenario: string;
  file: string;
  client: ClientKind;
}

async function burstSeed(
  spec: BurstRow,
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
): Promise<SeedOutcome> {
  const { kind, row, client } = spec;
  const { plan, rng, mode } = drawSeed(row, seed);
  const target = rng.pick(targets(plan, mode));
  const skip = rng.int(0, target.maxSkip);
  const burst = rng.pick(kind.bursts);
  const status = rng.pick(kind.statuses);
  const retryAfterMs = kind.retryAfterMs(rng);
  const withRetryRun = rng.chance(0.5);
  // A third of the fetchClient seeds turn the client's retries off, so retryRun's own are used.
  const noClientRetries = client === 'fetchClient' && rng.chance(1 / 3);
  const where = `${plan.shape} run (${mode}), ${burst}× ${status} on ${target.on} after ${skip} calls, retry-after-ms ${retryAfterMs ?? 'none'}${withRetryRun ? ', retryRun' : ''}${noClientRetries ? ', maxRetries 0' : ''}`;
  const world = await openWorld(plan, {
    row: context,
    client,
    ...(noClientRetries ? { maxRetries: 0 } : {}),
    faults: {
      seed,
      rules: [
        {
          type: 'status',
          status,
          on: target.on,
          skip,
          times: burst,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
      ],
    },
  });
  const { maxRetries } = world;
  // A create is retried (by the client, and by retryRun) only on answers that say nothing was
  // done: 429 and 503. A 500 or 502 may mean the run was created: one attempt, never retried.
  const createTarget = target.on === 'runs.create';
  const nothingDone = status === 429 || status === 503;
  const clientRetries = createTarget && !nothingDone ? 0 : maxRetries;
  const attempts = clientRetries + 1;
  // retryRun restarts a refused create only when the client did not retry it already: the client's
  // retries are the budget of a request error (one budget, not the product of two).
  const restarts = withRetryRun && createTarget && nothingDone && clientRetries === 0;
  try {
    const result = await drive(world, ledger, context.pipelines, {
      run: { mode },
      after: withRetryRun ? [retryRun({ count: RETRY_RUN_COUNT, delay: 5 })] : [],
    });
    const fired = world.exchanges.filter((e) => e.status === status).length;
    const longest = checkWaits(world.exchanges, status, retryAfterMs, clientRetries);
    check(
      longest <= attempts || withRetryRun,
      `${longest} attempts in a row got ${status}: retries not bounded`,
    );
    const runs = await settledRuns(world);
    check(runs.length <= 1, `${runs.length} runs created`);
    const locked = await threadAcceptsMessages(world);
    check(locked === undefined, `thread locked: ${locked}`);
    const cancels = exchangesTo(world, 'POST', PATHS.cancel).length;
    const repeated = repeatedSubmits(world.exchanges);
    check(repeated.length === 0, () => repeated.join(', '));

    // retryRun starts the run again only while nothing was emitted: after a refused create.
    const mustComplete = burst <= clientRetries || (restarts && burst < attempts * (RETRY_RUN_COUNT + 1));
    if (result.error === undefined) {
      check(lastStatus(result.events) === 'completed', `ended ${lastStatus(result.events)}`);
      check(runs[0]?.status === 'completed', `server run ${runs[0]?.status}`);
      check(cancels === 0, `${cancels} cancels for a completed run`);
      const got = await collect(result.events);
      const bug = judgeEmissions({
        plan,
        events: result.events,
        collected: got,
        exchanges: world.exchanges,
        complete: true,
      });
      const stored = (await serverMessages(world, runs[0]?.id ?? '')).filter((m) => m.role === 'assistant');
      check(
        JSON.stringify(comparable(got.messages)) === JSON.stringify(comparable(stored)) &&
          got.messages.every((m, i) => m.id === stored[i]?.id),
        "final messages differ from the server's",
      );
      const label =
        fired === 0
          ? 'burst not reached'
          : burst <= clientRetries
            ? 'burst ≤ maxRetries'
            : 'burst > maxRetries';
      return {
        outcome: withBug(
          `${label}: completed${restarts && burst > clientRetries && fired > 0 ? ' (retryRun started it again)' : ''}`,
          bug,
        ),
        metrics: { faultAnswers: fired, runsCreated: runs.length },
      };
    }
    check(!mustComplete, () => `errored: ${String(result.error)}`);
    check(
      result.error instanceof AssistantsApiError && result.error.status === status,
      () => `expected AssistantsApiError ${status}, got ${String(result.error)}`,
    );
    // A run that existed when the pipeline errored was cancelled once (unless it had already ended).
    const runId = runIdOf(result.events);
    // retryRun started the run again after each refused create, until its retries were spent.
    const tries = restarts && runId === undefined ? attempts * (RETRY_RUN_COUNT + 1) : attempts;
    check(fired === tries, `errored after ${fired} faulted answers, expected ${tries}`);
    const endedBefore = ['completed', 'failed', 'cancelled', 'expired', 'incomplete'].includes(
      lastStatus(result.events) ?? '',
    );
    // A poll that read the run ended leaves nothing to cancel, even if what followed it failed.
    const expectedCancels = runId !== undefined && !endedBefore && !pollReadEnded(world.exchanges) ? 1 : 0;
    check(cancels === expectedCancels, `${cancels} cancel requests, expected ${expectedCancels}`);
    check(runId === undefined || threadRuns(world).length === 1, 'the run was created twice');
    const bug = judgeEmissions({
      plan,
      events: result.events,
      collected: await collect(result.events),
      exchanges: world.exchanges,
      complete: false,
    });
    return {
      outcome: withBug(
        `${createTarget && !nothingDone ? `create answered ${status}: not retried (it may have been applied)` : 'burst > maxRetries'}: AssistantsApiError ${kind.statuses.length > 1 && !createTarget ? '5xx' : status} after ${tries} attempt${tries === 1 ? '' : 's'}${tries > attempts ? ' (retryRun)' : ''}, ${runs.length === 0 ? 'no run created' : `run ${runs[0]?.status}`}`,
        bug,
      ),
      metrics: { faultAnswers: fired, runsCreated: runs.length, cancels },
    };
  } catch (error) {
    throw SeedError.of(where, error);
  } finally {
    await world.close();
  }
}

/** The row: runs complete within the retry budget, waits are honoured, retries are bounded. */
export function burstRow(spec: BurstRow): RowSpec {
  definePlans(spec.row, {});
  return {
    row: spec.row,
    scenario: spec.scenario,
    file: spec.file,
    concurrency: 40,
    seed: (seed, context, ledger) => burstSeed(spec, seed, context, ledger),
  };
}
