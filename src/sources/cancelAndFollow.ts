import { catchError, defer, map, type Observable, of, switchMap, throwError } from 'rxjs';
import { AssistantsApiError } from '../errors/AssistantsApiError';

/** What {@link cancelAndFollow} needs of a wire. Internal. */
export interface CancelSteps<T> {
  /** The cancel request; answers the run or response as it then is. */
  cancel: () => Observable<T>;
  /** Reads it (after a refused cancel). */
  retrieve: () => Observable<T>;
  /** Follows it to its end and emits its final state. */
  follow: () => Observable<T>;
  ended: (value: T) => boolean;
}

/**
 * Cancels a run or response and emits its final state once: the cancel's answer when it ended,
 * else what following it shows. A cancel refused with HTTP 400 (what the services answer once it
 * ended) is answered by reading it: ended, that is the final state; still running, the refusal is
 * the error. Internal: `cancelRun` and `cancelResponse`.
 */
export function cancelAndFollow<T>({ cancel, retrieve, follow, ended }: CancelSteps<T>): Observable<T> {
  return defer(cancel).pipe(
    catchError((error: unknown) =>
      error instanceof AssistantsApiError && error.status === 400
        ? retrieve().pipe(
            map((value) => {
              if (!ended(value)) throw error;
              return value;
            }),
          )
        : throwError(() => error),
    ),
    switchMap((value) => (ended(value) ? of(value) : follow())),
  );
}
