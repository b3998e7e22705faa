import { describe, it } from 'vitest';
import type { FaultRule } from '../../src/emulator';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { isTerminalResponseStatus } from '../../src/responses/ResponseEvent';
import { check, rngFor, SeedError, waitFor } from './harness';
import { definePlans, drawLeave, planFor } from './plan';
import {
  driveResponses,
  openResponsesWorld,
  received,
  responseRequests,
  settledResponses,
  startedElsewhere,
} from './responsesKit';
import { byResponse, callsOf, checkAgainstServer, judgeResponses } from './responsesProbes';
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
      seed: async (seed, context, ledger) => {
        const plan = planFor(ROW, seed);
        const rng = rngFor(ROW, seed);
        const mode = rng.pick(['stream', 'poll'] as const);
        const watcher = rng.chance(0.35);
        const startedWith = rng.pick(['stream', 'poll'] as const);
        const idempotent = rng.chance(0.3);
        const conversation = rng.chance(0.2);
        const { moment, k, t, behaviour, when } = drawLeave(rng, plan, {
          moment: 'subscribe',
          words: 'at subscribe',
        });
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
        const who = watcher
          ? `watcher (${mode}) of a response created in ${startedWith} mode`
          : `creator (${mode})`;
        const where = `${plan.shape} plan, ${who}, unsubscribe ${when}, ${behaviour} handlers${idempotent ? ', idempotent cancel' : ''}${conversation ? ', conversation' : ''}${breakAfter ? `, error frame after ${breakAfter} events` : ''}`;
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
            ...(moment === 'event' ? { onEvent: (_e, i, stop) => i + 1 === k && stop() } : {}),
            ...(moment === 'time' ? { stopAfterMs: t } : {}),
            ...(moment === 'subscribe' ? { stopAfterMs: 0 } : {}),
            ...(moment === 'handler' ? { onHandler: (_call, stop) => stop() } : {}),
          });
          check(result.error === undefined, () => `errored: ${String(result.error)}`);
          const judged = await judgeResponses(result.events, !result.unsubscribed);
          // A cancel sent as the pipeline left may still be on its way (the machine may be busy).
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
          // Leaving in the few ms between a poll's answer and its reading may still send one, refused.
          check(
            readEnded && !watcher ? cancels.length <= 1 : cancels.length === expected,
            `${cancels.length} cancel requests, expected ${expected}`,
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
          if (status === 'cancelled') {
            check(result.cancelErrors.length === 0, `${result.cancelErrors.length} cancel errors`);
            return {
              outcome: `${role}: left mid-response${judged.responses.length > 1 ? ' (a continuation)' : ''}: 1 cancel, response cancelled`,
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
            outcome: `${role}: left mid-response: 1 cancel, response ${status} first (${idempotent ? 'answered as it is' : 'refused, onCancelError called'})`,
          };
        } catch (error) {
          throw SeedError.of(where, error);
        } finally {
          await world.close();
        }
      },
    }),
  );
});
