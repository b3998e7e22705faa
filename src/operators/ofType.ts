import { filter, type OperatorFunction } from 'rxjs';
import type { RunEvent, RunEventName, RunEventOf } from '../events/RunEvent';

/**
 * Lets through only the events with one of the given names, typed as those members of the union.
 *
 * ```
 * events: --run.created--msg.delta--step.delta--msg.delta--run.completed|
 * ofType('thread.message.delta')
 * result: ---------------msg.delta--------------msg.delta---------------|
 * ```
 *
 * @example
 * ```ts
 * import { createRun, ofType } from 'rxjs-assistants';
 *
 * createRun(client, { threadId, assistant_id })
 *   .pipe(ofType('thread.run.step.completed', 'thread.run.step.failed'))
 *   .subscribe(({ data }) => console.log(data.step_details)); // data: RunStep
 * ```
 *
 * @throws {TypeError} when called without an event name.
 */
export function ofType<N extends RunEventName>(
  ...names: [N, ...N[]]
): OperatorFunction<RunEvent, RunEventOf<N>> {
  if (names.length === 0)
    throw new TypeError('ofType needs at least one event name, e.g. ofType("thread.message.delta").');
  const wanted: ReadonlySet<string> = new Set(names);
  return filter((event): event is RunEventOf<N> => wanted.has(event.event));
}
