import { filter, type OperatorFunction } from 'rxjs';
import { isRunEventName } from '../events/guards';
import { RUN_EVENT_NAMES, type RunEvent, type RunEventName, type RunEventOf } from '../events/RunEvent';

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
 * @throws {TypeError} when called without an event name, or with a name that is not an event of
 *   the Assistants stream (a typo such as `'thread.message.deltas'` would otherwise filter out
 *   everything, silently). For a name newer than this version, use `filter(e => e.event === name)`.
 */
export function ofType<N extends RunEventName>(
  ...names: [N, ...N[]]
): OperatorFunction<RunEvent, RunEventOf<N>> {
  if (names.length === 0)
    throw new TypeError('ofType needs at least one event name, e.g. ofType("thread.message.delta").');
  for (const name of names as unknown[]) {
    if (typeof name === 'string' && isRunEventName(name)) continue;
    const near = typeof name === 'string' ? RUN_EVENT_NAMES.find((known) => close(known, name)) : undefined;
    throw new TypeError(
      `ofType: ${JSON.stringify(name)} is not an event of the Assistants stream${near === undefined ? '' : ` (did you mean "${near}"?)`}. ` +
        'For an event name newer than this version, filter(e => e.event === name) lets it through.',
    );
  }
  const wanted: ReadonlySet<string> = new Set(names);
  return filter((event): event is RunEventOf<N> => wanted.has(event.event));
}

/** `true` when two names differ by at most two characters (edits), for a "did you mean". */
function close(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return (row[b.length] ?? 3) <= 2;
}
