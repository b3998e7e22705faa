import {
  concat,
  defer,
  from,
  type MonoTypeOperatorFunction,
  map,
  type ObservableInput,
  of,
  retry,
  take,
  throwError,
  timer,
} from 'rxjs';
import { isRetryable, retryDelayMs, wasRetried } from '../client/retryRequest';
import { checkDuration } from '../core/limits';
import { AssistantsApiError } from '../errors/AssistantsApiError';
import type { Run } from '../events/types';
import type { ResponseObject } from '../responses/types';
import { type AnyRunEvent, carriedRun } from './eventFamilies';

/** Options of {@link retryRun}. */
export interface RetryRunConfig {
  /** Retries after the first attempt. @default 2 */
  count?: number;
  /**
   * The wait before each retry: a number of ms, or a function of the reason (the error, or the
   * failed `Run`) and the retry's number (1, 2 …) whose Observable, Promise … retries when it emits
   * or completes (and gives up, with its error, when it errors). A server's `retry-after-ms` /
   * `retry-after` (up to 60 s) wins over the default and over a number.
   * @default 0.5 s × 2^(n−1), at most 8 s, ±25 % jitter
   */
  delay?: number | ((reason: unknown, attempt: number) => ObservableInput<unknown>);
  /**
   * Which failures to retry: receives the error, or the failed `Run` (a plain object, not an
   * `Error`), and the default decision. Errors after the attempt emitted an event are never
   * retried, whatever it says: their run exists, and retrying would start a second one.
   * @default the default decision: transient failures (see {@link retryRun})
   */
  retryable?: (reason: unknown, transient: boolean) => boolean;
}

const TRANSIENT_RUN_ERRORS: ReadonlySet<string> = new Set(['rate_limit_exceeded', 'server_error']);

/** `true` for a run or response that failed for a reason the next attempt may not meet. */
const isTransientRun = (run: Run | ResponseObject): boolean => {
  const code = 'last_error' in run ? run.last_error?.code : (run as ResponseObject).error?.code;
  return run.status === 'failed' && TRANSIENT_RUN_ERRORS.has(code ?? '');
};

/** Thrown inside an attempt to retry after a failed run; never leaves the operator. */
class FailedRunRetry {
  constructor(readonly run: Run | ResponseObject) {}
}

/** The failed run or response an event carries, else `undefined`. */
const failedOf = (event: AnyRunEvent): Run | ResponseObject | undefined => {
  const carried = carriedRun(event);
  const run = carried?.kind === 'run' ? carried.run : carried?.response;
  return run?.status === 'failed' ? run : undefined;
};

const hasRetryHint = (reason: unknown): boolean =>
  reason instanceof AssistantsApiError &&
  (reason.headers['retry-after-ms'] !== undefined || reason.headers['retry-after'] !== undefined);

/**
 * Subscribes again after a transient failure: an answer that says nothing was done (HTTP 429 or
 * 503, or `x-should-retry: true`) or a failure to connect, raised before the attempt emitted any
 * event (the run does not exist yet), or a run that ended `failed` with `last_error.code`
 * `rate_limit_exceeded` or `server_error` (the next attempt starts a new run; the failed one is
 * terminal, so that is safe). Other 5xx answers and a create that may have been applied
 * (`RequestOutcomeUnknownError`) are not retried: the run may exist, and a retry would start (and
 * bill) a second one.
 * A failed run that is retried is not emitted (the next attempt's `thread.run.created` starts a
 * fresh run in `runState`); once the retries are spent, it is emitted as usual.
 * Retries compose with the client's: an error `fetchClient` already retried `maxRetries` times is
 * not retried again here (one budget: `maxRetries: 2` under `retryRun()` makes 3 requests, not 9);
 * errors from a client with `maxRetries: 0` (or a custom one) are retried here.
 *
 * ```
 * source: -#                  (429, before any event)
 * retry:  ---------a--b--c|   (after the backoff)
 * result: ---------a--b--c|
 * ```
 *
 * Put it after `handleRequiresAction`: a tool call id that operator already submitted is never
 * executed again, in this attempt or the next.
 *
 * @example
 * ```ts
 * import { createRun, fetchClient, handleRequiresAction, retryRun } from 'rxjs-assistants';
 *
 * const client = fetchClient();
 * createRun(client, { threadId, assistant_id })
 *   .pipe(handleRequiresAction(client, tools), retryRun({ count: 3 }))
 *   .subscribe(console.log);
 * ```
 * @throws TypeError at call time when `count` is not a whole number ≥ 0, `delay` not a number of
 *   ms ≥ 0 or a function, or `retryable` not a function.
 */
export function retryRun<E extends AnyRunEvent>(config: RetryRunConfig = {}): MonoTypeOperatorFunction<E> {
  const { count = 2, delay, retryable } = config ?? {};
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new TypeError(`retryRun: count must be a whole number ≥ 0, got ${String(count)}.`);
  }
  if (typeof delay !== 'function') checkDuration('retryRun: delay (or a function)', delay, { zero: true });
  if (retryable !== undefined && typeof retryable !== 'function') {
    throw new TypeError(`retryRun: retryable must be a function, got ${typeof retryable}.`);
  }
  const shouldRetry = (reason: unknown): boolean => {
    // An error before the attempt emitted anything is its first request's: for the sources that
    // start a run, a create. So the create rule applies: only answers that say nothing was done.
    // An error the client already retried (fetchClient's maxRetries) is not retried again: the
    // client's retries are the budget of a request error, not a factor of this one's.
    const transient =
      reason instanceof Error
        ? isRetryable(reason, true) && !wasRetried(reason)
        : isTransientRun(reason as Run | ResponseObject);
    return retryable ? retryable(reason, transient) : transient;
  };
  const wait = (reason: unknown, attempt: number): ObservableInput<unknown> => {
    if (typeof delay === 'function') return concat(from(delay(reason, attempt)), of(0)).pipe(take(1));
    if (delay === undefined || hasRetryHint(reason)) return timer(retryDelayMs(reason, attempt - 1));
    return timer(delay);
  };

  return (source) =>
    defer(() => {
      let retries = 0;
      let emitted = false;
      const attempt$ = defer(() => {
        emitted = false;
        return source.pipe(
          map((event) => {
            const failed = retries < count ? failedOf(event) : undefined;
            if (failed !== undefined && shouldRetry(failed)) throw new FailedRunRetry(failed);
            emitted = true;
            return event;
          }),
        );
      });
      return attempt$.pipe(
        retry({
          delay: (error: unknown) => {
            const failedRun = error instanceof FailedRunRetry;
            if (!failedRun && (emitted || retries >= count || !shouldRetry(error))) {
              return throwError(() => error);
            }
            retries += 1;
            return wait(failedRun ? error.run : error, retries);
          },
        }),
      );
    });
}
