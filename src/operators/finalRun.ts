import { map, type OperatorFunction, reduce } from 'rxjs';
import { AssistantsError } from '../errors/AssistantsError';
import type { RunEvent } from '../events/RunEvent';
import type { Run } from '../events/types';
import { nextRun } from '../state/nextRun';

/** The run events completed without a single run event (`thread.run.*`), so there is no run to emit. */
export class NoRunEventError extends AssistantsError {
  override readonly name = 'NoRunEventError';

  constructor() {
    super(
      'The run events completed without any run event (thread.run.*), so there is no final run. ' +
        'Check that the source is a run source (createRun, submitToolOutputs, watchRun …).',
    );
  }
}

/**
 * Emits the run's last payload (`data` of the last `thread.run.*` event) once, when the events
 * complete: the final run with its status, usage and last error.
 *
 * ```
 * events: --created--in_progress--message events--completed|
 * result: -------------------------------------------------(run)|
 * ```
 *
 * A paused run (the source completes at `requires_action`) gives that `requires_action` run. A
 * late non-terminal replay after the terminal payload is ignored, as in {@link reduceRunState}.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from 'rxjs';
 * import { createRun, finalRun } from 'rxjs-assistants';
 *
 * const run = await lastValueFrom(createRun(client, { threadId, assistant_id }).pipe(finalRun()));
 * console.log(run.status, run.usage?.total_tokens);
 * ```
 *
 * @throws {NoRunEventError} (as an error notification) when the events complete without a run event.
 */
export function finalRun(): OperatorFunction<RunEvent, Run> {
  return (source) =>
    source.pipe(
      reduce<RunEvent, Run | undefined>(nextRun, undefined),
      map((run) => {
        if (run === undefined) throw new NoRunEventError();
        return run;
      }),
    );
}
