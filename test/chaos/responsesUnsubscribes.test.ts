import { describe, it } from 'vitest';
import type { FaultRule } from '../../src/emulator';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { isTerminalResponseStatus } from '../../src/responses/ResponseEvent';
import { check, SeedError, waitFor } from './harness';
import { drawLeave, leaveAt } from './leave';
import { definePlans, drawSeed } from './plan';
import {
  driveResponses,
  openResponsesWorld,
  received,
  responseRequests,
  settledResponses,
  startedElsewhere,
} from './responsesKit';
import { byResponse, callsOf, checkAgainstServer, judgeResponses, noting } from './responsesProbes';
import { runRow } from './row';

// Row: the subscriber of a Responses pipeline (createResponse → handleFunctionCalls, or a watcher:
// watchResponse → handleFunctionCalls on a response another client started) leaves at a random
// moment: synchronously at subscribe, after the k-th event, after t ms (mid-stream, mid-poll,
// mid-continuation, after the end), or as a tool handler starts. Exactly one
// `POST /responses/{id}/cancel` when the id of the response running was known and it had not
// ended (as far as the pipeline read), none otherwise, and never one from a watcher; a refused
// cancel (the response ended first) reaches onCancelError; started handlers finished or were
// aborted; every response ends on the server; nothing was shown twice.

const ROW = 'responses-unsubscribes';
const FILE = 'test/chaos/responsesUnsubscribes.test.ts';
definePlans(ROW, { maxRounds: 2 });

describe('fault matrix: Responses unsubscribes at random moments', () => {
  it('exactly one cancel iff the running response was known, none from a watcher', { timeout: 180_000 }, () =>
    runRow({
      row: ROW,
      scenario:
        'Responses: unsubscribe at a random moment (at subscribe, after the k-th event, after t ms, as a handler starts), creator or watcher, stream or poll mode',
      file: FILE,
      concurrency: 30,
      seed: noting(async (seed, context, ledger, note) => {
        const { plan, rng, mode } = drawSeed(ROW, seed);
        const watcher = rng.chance(0.35);
        const startedWith = rng.pick(['stream', 'poll'] as const);
        const idempotent = rng.chance(0.3);
        const conversation = rng.chance(0.2);
        const leave = drawLeave(rng, plan, { moment: 'subscribe', words: 'at subscribe' });
        const { moment, behaviour, when } = leave;
        // Some stream-mode seeds also break the first stream: the leave may land in a re-attach.
        const breakAfter = mode === 'stream' && rng.chance(0.3) ? rng.int(1, 10) : undefined;
        const breaks: FaultRule[] =
          breakAfter === undefined
            ? []
            : [
                {
                  type: 'error_event',
                  on: watcher ? 'responses.retrieve' : 'responses.create',
                  stream: true,
                  times: 1,
                  afterEvents: breakAfter,
                },
              ];
        // Some creators meet a cancel endpoint that fails (once, or on its one retry too).
        const cancelFault =
          !watcher && rng.chance(0.25)
            ? {
                status: rng.pick([429, 500, 503]),
                times: rng.pick([1, 2]),
                ...(rng.chance(0.5) ? { retryAfterMs: rng.int(5, 30) } : {}),
              }
            : undefined;
        if (cancelFault) breaks.push({ type: 'status', on: 'responses.cancel', ...cancelFault });
        const who = watcher
          ? `watcher (${mode}) of a response created in ${startedWith} mode`
          : `creator (${mode})`;
        const where = `${plan.shape} plan, ${who}, unsubscribe ${when}, ${behaviour} handlers${idempotent ? ', idempotent cancel' : ''}${conversation ? ', conversation' : ''}${breakAfter ? `, error frame after ${breakAfter} events` : ''}${cancelFault ? `, cancel answered ${cancelFault.status} ×${cancelFault.times}` : ''}`;
        // Slower responses, so that the moments land mid-response.
        const world = await openResponsesWorld(plan, {
          row: context,
          conversation,
          latencyMs: 3,
          idempotentResponseCancel: idempotent,
          faults: { seed, rules: breaks },
        });
        try {
          // A watcher follows a response someone else started (and left running).
          const watched = watcher ? await startedElsewhere(world, startedWith) : undefined;
          const result = await driveResponses(world, ledger, context.pipelines, {
            mode,
            watch: watched,
            behaviour: () => behaviour,
            ...leaveAt(leave),
          });
          check(result.error === undefined, () => `errored: ${String(result.error)}`);
          const judged = await judgeResponses(result.events, !result.unsubscribed, note);
          // A cancel sent as the pipeline left may still be on its way (the machine may be busy), or
          // waiting to retry: wait for the client's cancel requests to end, and to have arrived.
          await waitFor(
            'the cancel requests to end',
            () => (world.subscriptions.open?.has('responses.cancel') ? undefined : true),
            6_000,
          );
          const sent = responseRequests(world.exchanges).cancels.length;
          await waitFor('the cancels sent to arrive', () =>
            received(world, 'responses.cancel').length >= sent ? true : undefined,
          );
          const server = await settledResponses(world, 15_000);
          const { creates, cancels } = responseRequests(world.exchanges);
          check(
            received(world, 'responses.cancel').length === cancels.length,
            () =>
              `the server received ${received(world, 'responses.cancel').length} cancels, the client sent ${cancels.length}`,
          );
          check(creates.length <= plan.rounds.length + 1, `${creates.length} creates`);
          // Every handler that started either finished or was aborted.
          const calls = callsOf(judged.finals).map((c) => c.call_id);
          for (const id of calls.filter((id) => ledger.calls.has(id)))
            check(
              ledger.finished.has(id) || ledger.aborted.has(id),
              `handler of ${id} neither finished nor aborted`,
            );
          const aborted = calls.filter((id) => ledger.aborted.has(id)).length;
          const role = watcher ? 'watcher' : 'creator';

          if (!result.unsubscribed) {
            check(judged.finals.at(-1)?.status === 'completed', `ended ${judged.finals.at(-1)?.status}`);
            check(cancels.length === 0, `${cancels.length} cancels after the end`);
            await checkAgainstServer(world, judged.finals);
            return { outcome: `${role}: completed before the unsubscribe, no cancel` };
          }
          // The response running when the subscriber left: the last one shown, if it had not ended.
          const current = byResponse(result.events).at(-1);
          const running = current !== undefined && current.final === undefined;
          const readEnded = world.exchanges.some(
            (e) => e.path === `/v1/responses/${current?.id}` && isTerminalResponseStatus(e.runStatus),
          );
          const expected = !watcher && running && !readEnded ? 1 : 0;
          // A cancel answered 429/5xx is retried once, no more.
          const perCancel = cancelFault ? 2 : 1;
          // Leaving in the few ms between a poll's answer and its reading may still send one, refused.
          check(
            readEnded && !watcher ? cancels.length <= perCancel : cancels.length === expected * perCancel,
            `${cancels.length} cancel requests, expected ${expected * perCancel}`,
          );
          check(
            cancels.every((e) => e.path === `/v1/responses/${current?.id}/cancel`),
            'a cancel named another response',
          );
          const status = server.find((r) => r.id === current?.id)?.status ?? 'not created';
          if (cancels.length === 0) {
            const left =
              current === undefined
                ? `left before ${watcher ? 'any event' : 'the response id'}: no cancel, ${server.length === 0 ? 'nothing created' : 'the response completed on its own'}`
                : running
                  ? `left mid-response${readEnded ? ' after a poll read its end' : ''}: no cancel, the response ${status} on its own`
                  : moment === 'handler'
                    ? `left as a tool handler started: ${aborted > 0 ? 'handler aborted' : 'handler finished'}, no cancel (the answered response had ended)`
                    : 'left after a response ended: no cancel';
            return { outcome: `${role}: ${left}`, metrics: { handlersAborted: aborted } };
          }
          if (cancelFault?.times === 2) {
            // Both attempts refused: reported once, and the response runs on to its end.
            const [reported] = result.cancelErrors;
            check(
              result.cancelErrors.length === 1 &&
                reported?.error instanceof AssistantsApiError &&
                reported.error.status === cancelFault.status,
              () => `onCancelError saw ${result.cancelErrors.map((e) => String(e.error))}`,
            );
            check(status !== 'cancelled', 'cancelled although every cancel failed');
            return {
              outcome: `${role}: left mid-response: cancel answered ${cancelFault.status}, retried once, answered ${cancelFault.status} again: onCancelError called, the response ${status} on its own`,
            };
          }
          const retried = cancelFault ? ` (after a ${cancelFault.status}, retried once)` : '';
          if (status === 'cancelled') {
            check(result.cancelErrors.length === 0, `${result.cancelErrors.length} cancel errors`);
            return {
              outcome: `${role}: left mid-response${judged.responses.length > 1 ? ' (a continuation)' : ''}: 1 cancel${retried}, response cancelled`,
            };
          }
          // The response ended before the cancel arrived: refused (400), or answered as it is.
          check(
            idempotent
              ? result.cancelErrors.length === 0
              : result.cancelErrors.length === 1 &&
                  result.cancelErrors[0]?.error instanceof AssistantsApiError,
            () => `response ${status} first, onCancelError saw ${result.cancelErrors.length} errors`,
          );
          return {
            outcome: `${role}: left mid-response: 1 cancel${retried}, response ${status} first (${idempotent ? 'answered as it is' : 'refused, onCancelError called'})`,
          };
        } catch (error) {
          throw SeedError.of(where, error);
        } finally {
          await world.close();
        }
      }),
    }),
  );
});
