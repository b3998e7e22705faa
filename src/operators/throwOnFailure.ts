import { type MonoTypeOperatorFunction, Observable } from 'rxjs';
import { AssistantsError } from '../errors/AssistantsError';
import type { LastError, Run } from '../events/types';
import type { ResponseError, ResponseObject } from '../responses/types';
import { type AnyRunEvent, carriedRun } from './eventFamilies';

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

/** A response ended `failed`, `incomplete` or `cancelled`. Carries the response and the reason. */
export class ResponseFailedError extends AssistantsError {
  override readonly name = 'ResponseFailedError';
  /** The response's final payload. */
  readonly response: ResponseObject;
  readonly status: 'failed' | 'incomplete' | 'cancelled';
  readonly responseId: string;
  /** `response.error` (`failed`), else `null`. */
  readonly error: ResponseError | null;
  /** `response.incomplete_details` (`incomplete`), else `null`. */
  readonly incompleteDetails: { reason?: string | undefined } | null;

  constructor(response: ResponseObject) {
    const error = response.error ? `: ${response.error.code}: ${response.error.message}` : '';
    const what =
      response.status === 'failed'
        ? `failed${error || ' (the server gave no error)'}`
        : response.status === 'incomplete'
          ? `ended incomplete: ${response.incomplete_details?.reason ?? 'no reason given'}`
          : `was cancelled${error}`;
    super(`Response ${response.id} ${what}`);
    this.response = response;
    this.status = response.status as ResponseFailedError['status'];
    this.responseId = response.id;
    this.error = response.error ?? null;
    this.incompleteDetails = response.incomplete_details ?? null;
  }
}

const RESPONSE_FAILURES: ReadonlySet<string> = new Set(['failed', 'incomplete', 'cancelled']);

/**
 * Turns a run that ended `failed | expired | cancelled | incomplete` (read from `data.status`,
 * whatever the event's name), or a response that ended `failed | incomplete | cancelled` (read from
 * `response.status`), into an error ({@link RunFailedError}, {@link ResponseFailedError}): the terminal event itself is emitted first, so that
 * collectors and UIs see the final state, then the result errors.
 * Runs and responses that complete pass through untouched.
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
export function throwOnFailure<E extends AnyRunEvent>(): MonoTypeOperatorFunction<E> {
  return (source) =>
    new Observable<E>((subscriber) =>
      source.subscribe({
        next: (event) => {
          subscriber.next(event);
          // A custom source may emit anything, and a throw here would escape the error channel
          // (RxJS reports it as unhandled): carriedRun reads defensively.
          const carried = carriedRun(event);
          if (carried?.kind === 'run' && FAILURES.has(carried.run.status)) {
            subscriber.error(new RunFailedError(carried.run));
          } else if (carried?.kind === 'response' && RESPONSE_FAILURES.has(carried.response.status ?? '')) {
            subscriber.error(new ResponseFailedError(carried.response));
          }
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
