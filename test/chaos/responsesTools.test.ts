import { firstValueFrom } from 'rxjs';
import { describe, it } from 'vitest';
import type { FaultRule } from '../../src/emulator';
import { check, type Rng, rngFor, SeedError } from './harness';
import { definePlans, expectedOutput, type HandlerBehaviour, type Plan, planFor } from './plan';
import { driveResponses, openResponsesWorld, responseRequests, settledResponses } from './responsesKit';
import { callsOf, checkAgainstServer, judgeResponses, outputTextOf } from './responsesProbes';
import { runRow } from './row';

// Row: handleFunctionCalls over one to three rounds of one to three parallel calls (some to a
// function without handler, some handlers throwing, under onError 'submit'), chained by
// previous_response_id or by a conversation, stream or poll mode, handler concurrency 1, 2 or
// unbounded, under a light fault that every round must survive (an error frame in a create
// stream, a 429 on a continuation's create, 503s on polls). Each call_id is executed exactly once,
// its output shown once and submitted in exactly one accepted continuation, one continuation per
// round, chained to the response it answers; the final reply quotes every output.

const ROW = 'responses-tools';
const FILE = 'test/chaos/responsesTools.test.ts';
definePlans(ROW, { shapes: ['tools'], maxRounds: 3, unknownFunctions: true });

const BEHAVIOURS: readonly HandlerBehaviour[] = ['ok', 'ok', 'async', 'slow', 'throw', 'reject'];
const failing = (name: string, behaviour: HandlerBehaviour) =>
  name === 'missing' || behaviour === 'throw' || behaviour === 'reject';

/** A fault every round survives, drawn for the mode. */
function drawFault(rng: Rng, plan: Plan, mode: 'stream' | 'poll'): { rules: FaultRule[]; name: string } {
  const kind = rng.pick(['none', 'error-frame', '429', ...(mode === 'poll' ? ['503-polls'] : [])]);
  const round = rng.int(0, plan.rounds.length);
  const times = rng.int(1, 2);
  if (kind === 'error-frame' && mode === 'stream')
    return {
      rules: [
        {
          type: 'error_event',
          on: 'responses.create',
          stream: true,
          skip: round,
          times: 1,
          afterEvents: rng.int(1, 10),
        },
      ],
      name: `error frame in create stream #${round}`,
    };
  if (kind === '429')
    return {
      rules: [
        {
          type: 'status',
          status: 429,
          on: 'responses.create',
          skip: Math.max(1, round),
          times,
          retryAfterMs: rng.int(5, 30),
        },
      ],
      name: `${times}× 429 on continuation create #${Math.max(1, round)}`,
    };
  if (kind === '503-polls')
    return {
      rules: [
        {
          type: 'status',
          status: 503,
          on: 'responses.retrieve',
          skip: rng.int(0, 4),
          times,
          retryAfterMs: rng.int(5, 20),
        },
      ],
      name: `${times}× 503 on a poll`,
    };
  return { rules: [], name: 'no fault' };
}

describe('fault matrix: Responses function calls over several rounds', () => {
  it('each call executed and submitted once, one continuation per round', { timeout: 180_000 }, () =>
    runRow({
      row: ROW,
      scenario:
        'Responses: handleFunctionCalls over 1–3 rounds of 1–3 parallel calls (some missing or throwing, onError submit), by previous_response_id or conversation, under a survivable fault',
      file: FILE,
      concurrency: 30,
      seed: async (seed, context, ledger) => {
        const plan = planFor(ROW, seed);
        const rng = rngFor(ROW, seed);
        const mode = rng.pick(['stream', 'poll'] as const);
        const conversation = rng.chance(0.4);
        const concurrency = rng.pick([1, 2, Number.POSITIVE_INFINITY]);
        const behaviours = new Map<string, HandlerBehaviour>();
        const key = (name: string, args: string) => `${name}(${args})`;
        for (const call of plan.rounds.flat()) {
          const k = key(call.name, JSON.stringify(call.args));
          if (!behaviours.has(k)) behaviours.set(k, rng.pick(BEHAVIOURS));
        }
        const behaviourOf = (name: string, args: string) => behaviours.get(key(name, args)) ?? 'ok';
        const fault = drawFault(rng, plan, mode);
        const where = `${plan.rounds.map((r) => r.map((c) => `${c.name}:${behaviourOf(c.name, JSON.stringify(c.args))}`).join(' ')).join(' | ')}; ${mode}, ${conversation ? 'conversation' : 'previous_response_id'}, concurrency ${concurrency}, ${fault.name}`;
        const reported: string[] = [];
        const world = await openResponsesWorld(plan, {
          row: context,
          conversation,
          faults: { seed, rules: fault.rules },
        });
        try {
          const result = await driveResponses(world, ledger, context.pipelines, {
            mode,
            behaviour: (call) => behaviourOf(call.name, call.arguments),
            tools: {
              onError: 'submit',
              concurrency,
              onToolError: (failure) => reported.push(failure.callId),
            },
          });
          check(result.error === undefined, () => `errored: ${String(result.error)}`);
          const judged = await judgeResponses(result.events, true);
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
          check(accepted.length === finals.length, `${accepted.length} creates accepted`);
          const shown = new Map(
            result.events.flatMap((e) =>
              e.type === 'response.function_call_output' ? [[e.item.call_id, e]] : [],
            ),
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
              JSON.stringify(accepted[round + 1]?.submitted) === JSON.stringify(ids),
              () => `continuation #${round + 1} answered ${accepted[round + 1]?.submitted}, asked ${ids}`,
            );
            for (const call of callsOf([response])) {
              const runs = ledger.calls.get(call.call_id) ?? 0;
              check(
                runs === (call.name === 'missing' ? 0 : 1),
                `handler of ${call.call_id} ran ${runs} times`,
              );
              const output = shown.get(call.call_id);
              check(
                output?.response_id === response.id,
                `output of ${call.call_id} not shown for ${response.id}`,
              );
              const fails = failing(call.name, behaviourOf(call.name, call.arguments));
              const want = fails ? 'Error: ' : expectedOutput(call.name, JSON.parse(call.arguments));
              check(
                fails ? output.item.output.startsWith(want) : output.item.output === want,
                () => `output of ${call.call_id}: ${JSON.stringify(output.item.output)}`,
              );
              const fragment = `${call.name}(${call.arguments}) = ${want}`;
              check(reply.includes(fragment), () => `the reply lacks ${JSON.stringify(fragment)}`);
            }
          });
          check(shown.size === callsOf(finals).length, `${shown.size} outputs shown`);
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
                ids.length === shown.size && new Set(ids).size === ids.length,
                `the conversation holds ${ids.length} ${type} items for ${shown.size} calls`,
              );
            }
          }
          return {
            outcome: `${mode}, ${conversation ? 'conversation' : 'previous_response_id'}, ${fault.name.replace(/ #\d+/, '').replace(/\d×/, 'n×')}: completed, each call once`,
            metrics: { rounds: plan.rounds.length, functionCalls: shown.size },
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
