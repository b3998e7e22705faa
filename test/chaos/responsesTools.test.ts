import { firstValueFrom, retry } from 'rxjs';
import { describe, it } from 'vitest';
import { isTerminalResponseStatus } from '../../src/responses/ResponseEvent';
import { check, SeedError, waitFor } from './harness';
import { OPEN_BUGS } from './knownBugs';
import { definePlans, drawSeed, expectedOutput } from './plan';
import {
  driveResponses,
  openResponsesWorld,
  responseRequests,
  settledResponses,
  startedElsewhere,
} from './responsesKit';
import { callsOf, checkAgainstServer, judgeResponses, noting, outputTextOf } from './responsesProbes';
import { drawBehaviours, drawFault, failing, subscriptions } from './responsesToolFaults';
import { runRow } from './row';

// Row: handleFunctionCalls over one to three rounds of one to three parallel calls (some to a
// function without handler, some handlers throwing, under onError 'submit'), after createResponse
// or after a watcher (watchResponse on a response another client started; some come once it has
// ended), chained by previous_response_id or by a conversation, stream or poll mode, handler
// concurrency 1, 2 or unbounded, under a fault every round must survive (an error frame in a create
// stream, 429s on a continuation's create, 503s on polls, or, for a polling watcher, a poll burst
// that errors the pipeline, which retry() subscribes again). Each call_id is executed exactly once,
// its output shown once and submitted in exactly one accepted continuation, one continuation per
// round, chained to the response it answers; the final reply quotes every output.

const ROW = 'responses-tools';
const FILE = 'test/chaos/responsesTools.test.ts';
definePlans(ROW, { shapes: ['tools'], maxRounds: 3, unknownFunctions: true });

describe('fault matrix: Responses function calls over several rounds', () => {
  it('each call executed and submitted once, one continuation per round', { timeout: 180_000 }, () =>
    runRow({
      row: ROW,
      scenario:
        'Responses: handleFunctionCalls over 1–3 rounds of 1–3 parallel calls (some missing or throwing, onError submit), after a create or a watch, by previous_response_id or conversation, under a survivable fault or a re-subscription',
      file: FILE,
      concurrency: 30,
      seed: noting(async (seed, context, ledger, note) => {
        const { plan, rng, mode } = drawSeed(ROW, seed);
        const conversation = rng.chance(0.4);
        // A watcher answers the calls of a response another client started (and its continuations).
        const watcher = rng.chance(0.3);
        const concurrency = rng.pick([1, 2, Number.POSITIVE_INFINITY]);
        const behaviourOf = drawBehaviours(rng, plan);
        const fault = drawFault(rng, plan, mode, watcher);
        const late = watcher && rng.chance(0.4);
        const attempts = subscriptions();
        const where = `${plan.rounds.map((r) => r.map((c) => `${c.name}:${behaviourOf(c.name, JSON.stringify(c.args))}`).join(' ')).join(' | ')}; ${watcher ? `${late ? 'late ' : ''}watcher, ` : ''}${mode}, ${conversation ? 'conversation' : 'previous_response_id'}, concurrency ${concurrency}, ${fault.name}`;
        const reported: string[] = [];
        const world = await openResponsesWorld(plan, {
          row: context,
          conversation,
          faults: { seed, rules: fault.rules },
        });
        try {
          const watch = watcher ? await startedElsewhere(world, 'stream') : undefined;
          // A late watcher comes once the response it watches has ended.
          if (late)
            await waitFor('the watched response to end', () =>
              world.emulator.responses().find((r) => r.id === watch && isTerminalResponseStatus(r.status)),
            );
          const result = await driveResponses(world, ledger, context.pipelines, {
            mode,
            watch,
            after: fault.resubscribe ? [attempts.track, retry({ count: 2 })] : [],
            behaviour: (call) => behaviourOf(call.name, call.arguments),
            tools: {
              onError: 'submit',
              concurrency,
              onToolError: (failure) => reported.push(failure.callId),
            },
          });
          check(result.error === undefined, () => `errored: ${String(result.error)}`);
          // A re-subscribed watch shows the chain again: judge the last subscription's events.
          const events = attempts.last(result.events);
          const judged = await judgeResponses(events, true, note);
          const { finals } = judged;
          check(
            finals.length === plan.rounds.length + 1,
            `${finals.length} responses, ${plan.rounds.length} rounds`,
          );
          check(finals.at(-1)?.status === 'completed', `ended ${finals.at(-1)?.status}`);
          const server = await settledResponses(world);
          check(server.length === finals.length, `${server.length} responses on the server`);
          check(
            server.every((r) => r.status === 'completed'),
            `server: ${server.map((r) => r.status)}`,
          );
          await checkAgainstServer(world, finals);
          // One accepted create per round, answering exactly the calls of the response before it.
          const accepted = responseRequests(world.exchanges).creates.filter((e) => e.status === 200);
          const offset = watcher ? 1 : 0;
          check(accepted.length === finals.length - offset, `${accepted.length} creates accepted`);
          const shown = new Map(
            events.flatMap((e) => (e.type === 'response.function_call_output' ? [[e.item.call_id, e]] : [])),
          );
          const reply = outputTextOf(finals.at(-1));
          finals.slice(0, -1).forEach((response, round) => {
            const next = finals[round + 1];
            check(
              conversation
                ? next?.conversation?.id === world.conversationId
                : next?.previous_response_id === response.id,
              `continuation #${round + 1} is not chained to ${response.id}`,
            );
            const ids = callsOf([response]).map((c) => c.call_id);
            check(
              JSON.stringify(accepted[round + 1 - offset]?.submitted) === JSON.stringify(ids),
              () =>
                `continuation #${round + 1} answered ${accepted[round + 1 - offset]?.submitted}, asked ${ids}`,
            );
            for (const call of callsOf([response])) {
              const runs = ledger.calls.get(call.call_id) ?? 0;
              check(
                runs === (call.name === 'missing' ? 0 : 1),
                `handler of ${call.call_id} ran ${runs} times`,
              );
              const fails = failing(call.name, behaviourOf(call.name, call.arguments));
              const want = fails ? 'Error: ' : expectedOutput(call.name, JSON.parse(call.arguments));
              const fragment = `${call.name}(${call.arguments}) = ${want}`;
              check(reply.includes(fragment), () => `the reply lacks ${JSON.stringify(fragment)}`);
              const output = shown.get(call.call_id);
              if (output === undefined) continue;
              check(
                output.response_id === response.id,
                `output of ${call.call_id} shown for ${output.response_id}`,
              );
              check(
                fails ? output.item.output.startsWith(want) : output.item.output === want,
                () => `output of ${call.call_id}: ${JSON.stringify(output.item.output)}`,
              );
            }
          });
          // Every output shown (a re-subscription that watches a continuation it created: open bug 5).
          const unshown = callsOf(finals).filter((c) => !shown.has(c.call_id));
          if (unshown.length > 0) {
            check(
              fault.resubscribe && attempts.count() > 1 && OPEN_BUGS[5],
              () => `outputs of ${unshown.map((c) => c.call_id)} not shown`,
            );
            note(5);
          }
          // Each failed call reported once to onToolError, no other.
          const failed = callsOf(finals).filter((c) => failing(c.name, behaviourOf(c.name, c.arguments)));
          check(
            JSON.stringify([...reported].sort()) === JSON.stringify(failed.map((c) => c.call_id).sort()),
            () => `onToolError got ${reported}, the failed calls are ${failed.map((c) => c.call_id)}`,
          );
          if (conversation) {
            // The conversation holds each call and each output once.
            const items = await firstValueFrom(
              world.admin.conversationItems.list(world.conversationId ?? '', { limit: 100 }),
            );
            for (const type of ['function_call', 'function_call_output']) {
              const ids = items.data.filter((i) => i.type === type).map((i) => String(i['call_id']));
              check(
                ids.length === callsOf(finals).length && new Set(ids).size === ids.length,
                `the conversation holds ${ids.length} ${type} items for ${callsOf(finals).length} calls`,
              );
            }
          }
          return {
            outcome: `${watcher ? `${late ? 'late ' : ''}watcher` : 'creator'}${fault.resubscribe ? ', errored mid-chain and re-subscribed' : ''} (${mode}): completed, each call once`,
            metrics: { rounds: plan.rounds.length, functionCalls: callsOf(finals).length },
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
