import { concat, concatMap, defer, type OperatorFunction } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import type { RunStep, ToolCall } from '../events/types';
import { initialRunState, type RunState } from '../state/RunState';
import { reduceRunState } from '../state/reduceRunState';
import { isTerminalStep, stepPosition } from '../state/steps';

/**
 * Emits each tool call of the run once, complete: when its step reaches a terminal status
 * (`thread.run.step.completed | failed | cancelled | expired`), from that authoritative payload, so
 * a function call carries its `output` and a file_search call its `results` (which only arrive
 * there).
 *
 * ```
 * events: --step.created--step.delta--step.delta--step.completed--run.completed|
 * result: -----------------------------------------(call)------------------------|
 * ```
 *
 * When the events complete, the calls of steps that never reached a terminal status are emitted
 * from what their deltas built (for instance the function calls of a run that paused at
 * `requires_action`, whose `output` is still `null`). A call id is emitted at most once per
 * subscription.
 *
 * @example
 * ```ts
 * import { createRun, toolCalls } from 'rxjs-assistants';
 *
 * createRun(client, { threadId, assistant_id })
 *   .pipe(toolCalls())
 *   .subscribe((call) => console.log(call.type, call.id));
 * ```
 */
export function toolCalls(): OperatorFunction<RunEvent, ToolCall> {
  return (source) =>
    defer(() => {
      // Per subscription: the accumulated state (for the final flush) and the ids already emitted.
      let state: RunState = initialRunState;
      const emitted = new Set<string>();
      const fresh = (step: RunStep): ToolCall[] => {
        const details = step.step_details;
        if (details?.type !== 'tool_calls' || !Array.isArray(details.tool_calls)) return [];
        const out: ToolCall[] = [];
        for (const call of details.tool_calls) {
          if (typeof call !== 'object' || call === null) continue;
          if (typeof call.id === 'string') {
            if (emitted.has(call.id)) continue;
            emitted.add(call.id);
          }
          out.push(call);
        }
        return out;
      };
      const calls = source.pipe(
        concatMap((event) => {
          const before = state.steps;
          state = reduceRunState(state, event);
          // Only a step lifecycle event the reducer took can finish a step; deltas never do.
          if (state.steps === before || !isStepLifecycleEvent(event.event)) return NONE;
          const id = (event.data as { id?: unknown }).id;
          const at = typeof id === 'string' ? stepPosition(state.steps, id) : -1;
          const step = state.steps[at];
          return step !== undefined && isTerminalStep(step) ? fresh(step) : NONE;
        }),
      );
      const unfinished = defer(() => state.steps.filter((step) => !isTerminalStep(step)).flatMap(fresh));
      return concat(calls, unfinished);
    });
}

const NONE: readonly ToolCall[] = [];

function isStepLifecycleEvent(name: string): boolean {
  return name.startsWith('thread.run.step.') && name !== 'thread.run.step.delta';
}
