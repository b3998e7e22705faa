import { type OperatorFunction, scan } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import { initialRunState, type RunState } from '../state/RunState';
import { reduceRunState } from '../state/reduceRunState';
import { pace } from '../ui/pace';

/** Options of {@link runState}. */
export interface RunStateOptions {
  /**
   * How often a snapshot is emitted: `'event'` after every event; `'frame'` at most once per
   * animation frame in a browser (once per macrotask elsewhere), the latest one, and always the
   * last one when the events end (see `pace()`): for UIs that should not render once per delta.
   * @default 'event'
   */
  pace?: 'event' | 'frame' | undefined;
}

/**
 * Folds run events into a UI snapshot and emits it after every event: status, steps with their
 * tool calls, messages with their text and annotations, required action, usage, last error.
 *
 * ```
 * events: --created--in_progress--delta("Hel")--delta("lo")--completed|
 * result: --s1-------s2------------s3-------------s4-----------s5-------|
 *                                  (text "Hel")   (text "Hello")
 * with { pace: 'frame' } (F: an animation frame, or a macrotask outside browsers):
 * events: --a--b--c---F---d--F--e|
 * result: ------------s3-----s4-(s5|)
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
 *   .pipe(runState({ pace: 'frame' }))
 *   .subscribe((state) => render(state.messages, state.status));
 * ```
 *
 * @throws {TypeError} at once for a `pace` other than `'event'` or `'frame'`.
 */
export function runState(options: RunStateOptions = {}): OperatorFunction<RunEvent, RunState> {
  return paced('runState', options, scan(reduceRunState, initialRunState));
}

/** `snapshots`, paced as `options.pace` says (see {@link RunStateOptions}). Internal. */
export function paced<E, S>(
  where: string,
  options: RunStateOptions,
  snapshots: OperatorFunction<E, S>,
): OperatorFunction<E, S> {
  const { pace: every = 'event' } = options ?? {};
  if (every !== 'event' && every !== 'frame') {
    throw new TypeError(`${where}: pace must be 'event' or 'frame', got ${JSON.stringify(every)}.`);
  }
  return every === 'frame' ? (events$) => events$.pipe(snapshots, pace()) : snapshots;
}
