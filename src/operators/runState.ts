import { type OperatorFunction, scan } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import { initialRunState, type RunState } from '../state/RunState';
import { reduceRunState } from '../state/reduceRunState';

/**
 * Folds run events into a UI snapshot and emits it after every event: status, steps with their
 * tool calls, messages with their text and annotations, required action, usage, last error.
 *
 * ```
 * events: --created--in_progress--delta("Hel")--delta("lo")--completed|
 * result: --s1-------s2------------s3-------------s4-----------s5-------|
 *                                  (text "Hel")   (text "Hello")
 * ```
 *
 * Each snapshot shares every unchanged message, step and array with the previous one (`===`), so a
 * UI re-renders only what changed; an event that changes nothing emits the same snapshot again.
 * The reducer is {@link reduceRunState}, exported for stores that fold events themselves.
 *
 * @example
 * ```ts
 * import { createRun, runState } from 'rxjs-assistants';
 *
 * createRun(client, { threadId, assistant_id })
 *   .pipe(runState())
 *   .subscribe((state) => render(state.messages, state.status));
 * ```
 */
export function runState(): OperatorFunction<RunEvent, RunState> {
  return scan(reduceRunState, initialRunState);
}
