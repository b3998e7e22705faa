import { distinctUntilChanged, filter, map, type OperatorFunction, scan } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import type { Run, RunStatus } from '../events/types';
import { nextRun } from '../state/nextRun';

/**
 * Emits the run's status at each transition, read from `data.status` of run events (never from the
 * event name), without repeats.
 *
 * ```
 * events: --created(queued)--queued--in_progress--delta--delta--completed|
 * result: --queued-------------------in_progress----------------completed|
 * ```
 *
 * A late non-terminal replay after a terminal status is ignored, as in {@link reduceRunState}; a
 * new run (a retry) starts again from its first status.
 *
 * @example
 * ```ts
 * import { createRun, runStatus } from 'rxjs-assistants';
 *
 * createRun(client, { threadId, assistant_id })
 *   .pipe(runStatus())
 *   .subscribe((status) => console.log(status));
 * ```
 */
export function runStatus(): OperatorFunction<RunEvent, RunStatus> {
  return (source) =>
    source.pipe(
      scan<RunEvent, Run | undefined>(nextRun, undefined),
      filter((run): run is Run => run !== undefined),
      map((run) => run.status),
      distinctUntilChanged(),
    );
}
