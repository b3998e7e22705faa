import { describe, it } from 'vitest';
import type { Run } from '../../src/events/types';
import { ToolCallError } from '../../src/operators/handleRequiresAction';
import { drive, lastStatus } from './drive';
import { check, rngFor, SeedError } from './harness';
import { judgeEmissions, withBug } from './knownBugs';
import { definePlans, expectedOutput, type HandlerBehaviour, planFor } from './plan';
import { collect, repeatedSubmits, textOf } from './probes';
import { runRow } from './row';
import { exchangesTo, openWorld, PATHS, settledRuns, threadAcceptsMessages } from './world';

// Row: tool handlers that return, resolve, throw, reject, or hang (cut by `timeoutMs`), and calls
// to a function that has no handler, under each `onError` policy, in stream or poll mode, over one
// or two rounds. 'submit' sends an error string for each failed call and the run completes;
// 'cancel' cancels the run and completes with `thread.run.cancelled`; 'error' cancels the run and
// errors with ToolCallError. Every run ends terminal, each call's handler runs at most once (exactly
// once under 'submit'), hung handlers are aborted, and the thread takes messages.

const ROW = 'tool-failures';
const FILE = 'test/chaos/tools.test.ts';
definePlans(ROW, { shapes: ['tools'], unknownFunctions: true, maxRounds: 2 });

const BEHAVIOURS: readonly HandlerBehaviour[] = ['ok', 'ok', 'async', 'throw', 'reject', 'hang'];
const failing = (name: string, behaviour: HandlerBehaviour): boolean =>
  name === 'missing' || behaviour === 'throw' || behaviour === 'reject' || behaviour === 'hang';

describe('fault matrix: tool handlers that throw or hang', () => {
  it('the configured policy applies and the run ends terminal', { timeout: 180_000 }, () =>
    runRow({
      row: ROW,
      scenario:
        'Tool handlers throw, reject, hang past `timeoutMs`, or are missing; onError submit | cancel | error',
      file: FILE,
      concurrency: 30,
      seed: async (seed, context, ledger) => {
        const plan = planFor(ROW, seed);
        const rng = rngFor(ROW, seed);
        const policy = rng.pick(['submit', 'cancel', 'error'] as const);
        const mode = rng.pick(['stream', 'poll'] as const);
        const timeoutMs = rng.int(10, 40);
        // Each planned call's behaviour, keyed by what the handler sees: name and arguments.
        const behaviours = new Map<string, HandlerBehaviour>();
        const key = (name: string, args: string) => `${name}(${args})`;
        for (const round of plan.rounds) {
          for (const call of round) {
            const k = key(call.name, JSON.stringify(call.args));
            if (!behaviours.has(k)) behaviours.set(k, rng.pick(BEHAVIOURS));
          }
        }
        const behaviourOf = (name: string, args: string) => behaviours.get(key(name, args)) ?? 'ok';
        // What the policy should lead to: the first round with a failure stops the run, unless 'submit'.
        const stopRound = plan.rounds.findIndex((round) =>
          round.some((c) => failing(c.name, behaviourOf(c.name, JSON.stringify(c.args)))),
        );
        const expected = policy === 'submit' || stopRound < 0 ? 'completed' : policy;
        const where = `${plan.rounds.length} round(s) [${plan.rounds.map((r) => r.map((c) => `${c.name}:${behaviourOf(c.name, JSON.stringify(c.args))}`).join(' ')).join(' | ')}], onError ${policy}, ${mode}, timeoutMs ${timeoutMs}`;

        const world = await openWorld(plan, { row: context });
        try {
          const result = await drive(world, ledger, context.pipelines, {
            run: { mode },
            behaviour: (call) => behaviourOf(call.function.name, call.function.arguments),
            tools: { onError: policy, timeoutMs },
          });
          const runs = await settledRuns(world);
          check(runs.length === 1, `${runs.length} runs`);
          const cancels = exchangesTo(world, 'POST', PATHS.cancel).length;
          const calls = result.events
            .filter((e) => e.event === 'thread.run.requires_action')
            .flatMap((e) => (e.data as Run).required_action?.submit_tool_outputs.tool_calls ?? []);
          const uniqueCalls = [...new Map(calls.map((c) => [c.id, c])).values()];
          for (const call of uniqueCalls) {
            const behaviour = behaviourOf(call.function.name, call.function.arguments);
            const runs = ledger.calls.get(call.id) ?? 0;
            if (call.function.name === 'missing') check(runs === 0, `the missing function ${call.id} ran`);
            else if (expected === 'completed') check(runs === 1, `handler of ${call.id} ran ${runs} times`);
            if (behaviour === 'hang' && runs > 0)
              check(ledger.aborted.has(call.id), `hung handler ${call.id} not aborted`);
          }
          const submits = repeatedSubmits(world.exchanges);
          check(submits.length === 0, () => submits.join(', '));
          const got = await collect(result.events);
          const bug = judgeEmissions({
            plan,
            events: result.events,
            collected: got,
            exchanges: world.exchanges,
            complete: expected === 'completed',
          });

          if (expected === 'completed') {
            check(result.error === undefined, () => `errored: ${String(result.error)}`);
            check(
              lastStatus(result.events) === 'completed' && runs[0]?.status === 'completed',
              `ended ${runs[0]?.status}`,
            );
            check(cancels === 0, `${cancels} cancels`);
            const reply = textOf(got.messages.at(-1) ?? ({ content: [] } as never));
            for (const call of uniqueCalls) {
              const name = call.function.name;
              const output = failing(name, behaviourOf(name, call.function.arguments))
                ? 'Error: '
                : expectedOutput(name, JSON.parse(call.function.arguments));
              const fragment = `${name}(${call.function.arguments}) = ${output}`;
              check(
                reply.includes(fragment),
                () => `the reply lacks ${JSON.stringify(fragment)}: ${JSON.stringify(reply)}`,
              );
            }
          } else {
            check(runs[0]?.status === 'cancelled', `server run ${runs[0]?.status}`);
            check(cancels === 1, `${cancels} cancel requests`);
            if (expected === 'cancel') {
              check(result.error === undefined, () => `errored: ${String(result.error)}`);
              check(lastStatus(result.events) === 'cancelled', `last status ${lastStatus(result.events)}`);
            } else {
              check(
                result.error instanceof ToolCallError,
                () => `expected ToolCallError, got ${String(result.error)}`,
              );
              const name = result.error.functionName;
              check(
                failing(name, behaviourOf(name, result.error.toolCall.function.arguments)),
                `ToolCallError names ${name}, which did not fail`,
              );
            }
          }
          const locked = await threadAcceptsMessages(world);
          check(locked === undefined, `thread locked: ${locked}`);
          const failures = uniqueCalls.filter((c) =>
            failing(c.function.name, behaviourOf(c.function.name, c.function.arguments)),
          ).length;
          return {
            outcome: withBug(
              expected === 'completed'
                ? `onError ${policy}: completed${failures > 0 ? ', error strings submitted for failed calls' : ' (no call failed)'}`
                : expected === 'cancel'
                  ? 'onError cancel: run cancelled, stream ends thread.run.cancelled'
                  : 'onError error: ToolCallError, run cancelled',
              bug,
            ),
            metrics: { toolCalls: uniqueCalls.length, failedCalls: failures, cancels },
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
