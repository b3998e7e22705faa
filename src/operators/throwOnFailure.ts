import { type MonoTypeOperatorFunction, Observable } from 'rxjs';
import { AssistantsError } from '../errors/AssistantsError';
import { isRunStatusEvent } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import type { LastError, Run } from '../events/types';

/** The statuses {@link throwOnFailure} turns into a {@link RunFailedError}. */
export type RunFailureStatus = 'failed' | 'expired' | 'cancelled' | 'incomplete';

const FAILURES: ReadonlySet<string> = new Set<RunFailureStatus>([
  'failed',
  'expired',
  'cancelled',
  'incomplete',
]);

/** A run ended `failed`, `expired`, `cancelled` or `incomplete`. Carries the run and the reason. */
export class RunFailedError extends AssistantsError {
  override readonly name = 'RunFailedError';
  /** The run's final payload. */
  readonly run: Run;
  readonly status: RunFailureStatus;
  readonly runId: string;
  readonly threadId: string;
  /** `run.last_error` (`failed`, sometimes `expired`), else `null`. */
  readonly lastError: LastError | null;
  /** `run.incomplete_details` (`incomplete`), else `null`. */
  readonly incompleteDetails: { reason?: string } | null;

  constructor(run: Run) {
    super(`Run ${run.id} ${describe(run)}`);
    this.run = run;
    this.status = run.status as RunFailureStatus;
    this.runId = run.id;
    this.threadId = run.thread_id;
    this.lastError = run.last_error ?? null;
    this.incompleteDetails = run.incomplete_details ?? null;
  }
}

function describe(run: Run): string {
  const error = run.last_error ? `: ${run.last_error.code}: ${run.last_error.message}` : '';
  switch (run.status) {
    case 'failed':
      return `failed${error || ' (the server gave no last_error)'}`;
    case 'incomplete':
      return `ended incomplete: ${run.incomplete_details?.reason ?? 'no reason given'}`;
    case 'expired':
      return `expired before it finished${error}`;
    default:
      return `was cancelled${error}`;
  }
}

/**
 * Turns a run that ended `failed | expired | cancelled | incomplete` (read from `data.status`,
 * whatever the event's name) into an error: the terminal event itself is emitted first, so that
 * collectors and UIs see the final state, then the result errors with a {@link RunFailedError}.
 * Runs that complete pass through untouched.
 *
 * ```
 * events: --created--in_progress--failed|
 * result: --created--in_progress--(failed#)
 * ```
 *
 * @example
 * ```ts
 * import { createRun, fetchClient, RunFailedError, textDeltas, throwOnFailure } from 'rxjs-assistants';
 *
 * createRun(fetchClient(), { threadId, assistant_id })
 *   .pipe(throwOnFailure(), textDeltas())
 *   .subscribe({
 *     next: (text) => process.stdout.write(text),
 *     error: (e) => console.error(e instanceof RunFailedError ? e.lastError?.code : e),
 *   });
 * ```
 */
export function throwOnFailure(): MonoTypeOperatorFunction<RunEvent> {
  return (source) =>
    new Observable<RunEvent>((subscriber) =>
      source.subscribe({
        next: (event) => {
          subscriber.next(event);
          // `data?.`: a custom source may emit anything, and a throw here would escape the error
          // channel (RxJS reports it as unhandled).
          if (isRunStatusEvent(event) && FAILURES.has(event.data?.status)) {
            subscriber.error(new RunFailedError(event.data));
          }
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
