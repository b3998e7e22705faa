import type { FaultRule } from '../../src/emulator';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { retryRun } from '../../src/operators/retryRun';
import { isTerminalResponseStatus } from '../../src/responses/ResponseEvent';
import type { BurstKind } from './burstRows';
import { checkWaits, RETRY_RUN_COUNT } from './burstWaits';
import { check, type Rng, SeedError, type SeedOutcome } from './harness';
import { definePlans, drawSeed, type HandlerLedger, type Plan } from './plan';
import type { Exchange } from './probes';
import {
  driveResponses,
  openResponsesWorld,
  received,
  responseRequests,
  settledResponses,
} from './responsesKit';
import {
  type BugNote,
  byResponse,
  callsOf,
  checkAgainstServer,
  judgeResponses,
  noting,
} from './responsesProbes';
import type { RowContext, RowSpec } from './row';

/**
 * Bursts of HTTP errors on one Responses endpoint, in stream or poll mode, half the seeds with
 * `retryRun`: the create (or a continuation's create), a poll, or the re-attach after a stream broke
 * (an `error` frame after 1–8 events). fetchClient absorbs a burst within its retries (2); a create
 * is retried only on answers that say nothing was done (429, 503), a 500/502 errors after one
 * attempt; `retryRun` starts the response again only while nothing was emitted. A refused
 * re-attach falls back to polling. Never a response created twice; one cancel when a poll's error
 * ended a response still running.
 */

type Target = 'create' | 'poll' | 're-attach';

function drawTarget(rng: Rng, plan: Plan, mode: 'stream' | 'poll') {
  const target = rng.pick<Target>(mode === 'poll' ? ['create', 'poll'] : ['create', 're-attach']);
  const skip = target === 'create' ? rng.int(0, plan.rounds.length) : target === 'poll' ? rng.int(0, 2) : 0;
  return { target, skip };
}

/** The rules of a burst of `times` answers `status` on the target. */
function burstRules(
  target: Target,
  mode: 'stream' | 'poll',
  skip: number,
  rng: Rng,
  status: { status: number; times: number; retryAfterMs?: number },
): FaultRule[] {
  const burst = { type: 'status', skip, ...status } as const;
  if (target === 'create') return [{ ...burst, on: 'responses.create', stream: mode === 'stream' }];
  if (target === 'poll') return [{ ...burst, on: 'responses.retrieve', stream: false }];
  return [
    { type: 'error_event', on: 'responses.create', stream: true, times: 1, afterEvents: rng.int(1, 8) },
    { ...burst, on: 'responses.retrieve', stream: true },
  ];
}

/** Which requests are retries of one another: the same method, path and query kind (a re-attach is not a poll). */
const keyOf = (e: Exchange) => `${e.method} ${e.path}${e.query?.includes('stream=true') ? ' (stream)' : ''}`;

async function burstSeed(
  kind: BurstKind,
  row: string,
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
  note: BugNote,
): Promise<SeedOutcome> {
  const { plan, rng, mode } = drawSeed(row, seed);
  const { target, skip } = drawTarget(rng, plan, mode);
  const times = rng.pick(kind.bursts);
  const status = rng.pick(kind.statuses);
  const retryAfterMs = kind.retryAfterMs(rng);
  const withRetryRun = rng.chance(0.5);
  // fetchClient's own retries: an error it retried that often is not retried again by retryRun
  // (one budget), so retryRun restarts a refused create only over a client that does not retry.
  const maxRetries = rng.pick([0, 2, 2]);
  const conversation = rng.chance(0.2);
  const name = target === 'create' && skip > 0 ? `continuation #${skip} create` : target;
  const where = `${plan.shape} plan (${mode}${conversation ? ', conversation' : ''}), ${times}× ${status} on the ${name}, retry-after-ms ${retryAfterMs ?? 'none'}${withRetryRun ? ', retryRun' : ''}, maxRetries ${maxRetries}`;
  const rules = burstRules(target, mode, skip, rng, {
    status,
    times,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
  const world = await openResponsesWorld(plan, {
    row: context,
    conversation,
    maxRetries,
    faults: { seed, rules },
  });
  // A create is retried (by the client, and by retryRun) only on answers that say nothing was done.
  const nothingDone = status === 429 || status === 503;
  const clientRetries = target === 'create' && !nothingDone ? 0 : maxRetries;
  const attempts = clientRetries + 1;
  const restarts = withRetryRun && target === 'create' && skip === 0 && nothingDone && maxRetries === 0;
  try {
    const result = await driveResponses(world, ledger, context.pipelines, {
      mode,
      after: withRetryRun ? [retryRun({ count: RETRY_RUN_COUNT, delay: 5 })] : [],
    });
    const fired = world.exchanges.filter((e) => e.status === status).length;
    const longest = checkWaits(world.exchanges, status, retryAfterMs, maxRetries, keyOf);
    check(longest <= attempts || restarts, `${longest} attempts in a row got ${status}: retries not bounded`);
    const polls = received(world, 'responses.retrieve', false).length;
    const judged = await judgeResponses(result.events, result.error === undefined, note);
    const server = await settledResponses(world);
    const requests = responseRequests(world.exchanges);
    const created = requests.creates.filter((e) => e.status === 200).length;
    check(
      server.length === created,
      `${created} creates answered 200, ${server.length} responses on the server`,
    );
    check(created <= plan.rounds.length + 1, `${created} responses created for ${plan.rounds.length} rounds`);
    for (const { call_id: id } of callsOf(judged.finals))
      check((ledger.calls.get(id) ?? 0) <= 1, `handler of ${id} ran ${ledger.calls.get(id)} times`);
    const cancels = requests.cancels.length;
    const reached = fired > 0 ? '' : ' (burst not reached)';
    const mustComplete =
      target === 're-attach' ||
      times <= clientRetries ||
      (restarts && times < attempts * (RETRY_RUN_COUNT + 1));
    if (result.error === undefined) {
      check(mustComplete || fired === 0, `completed through a burst of ${times}`);
      check(judged.finals.at(-1)?.status === 'completed', `ended ${judged.finals.at(-1)?.status}`);
      check(
        server.every((r) => r.status === 'completed'),
        `server: ${server.map((r) => r.status)}`,
      );
      check(cancels === 0, `${cancels} cancels for a completed chain`);
      check(
        server.length === plan.rounds.length + 1,
        `${server.length} responses for ${plan.rounds.length} rounds`,
      );
      await checkAgainstServer(world, judged.finals);
      const how =
        target === 're-attach' && times > maxRetries
          ? 're-attach refused: fell back to polling, completed'
          : restarts && times > clientRetries
            ? 'completed (retryRun started it again)'
            : 'completed';
      if (how.startsWith('re-attach refused')) check(polls > 0, 'no poll after the refused re-attach');
      return {
        outcome: `${target === 'create' && skip > 0 ? 'continuation create' : target}, burst ${times <= clientRetries ? '≤' : '>'} retries: ${how}${reached}`,
        metrics: { faultAnswers: fired, polls },
      };
    }
    check(!mustComplete, () => `errored: ${String(result.error)}`);
    check(
      result.error instanceof AssistantsApiError && result.error.status === status,
      () => `expected AssistantsApiError ${status}, got ${String(result.error)}`,
    );
    const tries = restarts ? attempts * (RETRY_RUN_COUNT + 1) : attempts;
    check(fired === tries, `errored after ${fired} faulted answers, expected ${tries}`);
    // The response whose poll failed was left running: one cancel, unless a poll read it ended.
    const current = byResponse(result.events).at(-1);
    const readEnded = world.exchanges.some(
      (e) => e.path === `/v1/responses/${current?.id}` && isTerminalResponseStatus(e.runStatus),
    );
    const expected = target === 'poll' && current && !current.final && !readEnded ? 1 : 0;
    check(cancels === expected, `${cancels} cancel requests, expected ${expected}`);
    const refused = server.find((r) => r.id === current?.id)?.status !== 'cancelled';
    check(
      result.cancelErrors.length === (expected === 1 && refused ? 1 : 0),
      `${result.cancelErrors.length} cancel errors reported`,
    );
    const label =
      target === 'poll'
        ? `poll burst > retries: AssistantsApiError after ${tries} attempt${tries === 1 ? '' : 's'}, ${expected} cancel`
        : `${skip > 0 ? 'continuation create' : 'create'} answered ${status}${nothingDone ? '' : ' (not retried: it may have been applied)'}: AssistantsApiError after ${tries} attempt${tries === 1 ? '' : 's'}${restarts ? ' (retryRun)' : ''}, nothing created`;
    return { outcome: label, metrics: { faultAnswers: fired, cancels } };
  } catch (error) {
    throw SeedError.of(where, error);
  } finally {
    await world.close();
  }
}

/** The row: bursts within the retries complete, longer ones error typed and bounded, nothing twice. */
export function responseBurstRow(kind: BurstKind, row: string, scenario: string, file: string): RowSpec {
  definePlans(row, { maxRounds: 2 });
  return {
    row,
    scenario,
    file,
    concurrency: 40,
    seed: noting((seed, context, ledger, note) => burstSeed(kind, row, seed, context, ledger, note)),
  };
}
