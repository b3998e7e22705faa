import { defer, type MonoTypeOperatorFunction, Observable, tap, throwError, timeout, timer } from 'rxjs';
import { checkDuration } from '../core/limits';
import { AssistantsError } from '../errors/AssistantsError';
import { type AnyRunEvent, carriedRun } from './eventFamilies';

/** Limits of {@link runTimeout}, in milliseconds. Give at least one. */
export interface RunTimeoutConfig {
  /** Longest wait for the first event after subscribing. @default none (`idle`, when given, applies) */
  first?: number;
  /** Longest gap between two events (and before the first, unless `first` is given). @default none */
  idle?: number;
  /** Longest time from subscribing to completion. @default none */
  total?: number;
}

/** A run took longer than a {@link runTimeout} limit allows. The source was unsubscribed (and so cancelled). */
export class RunTimeoutError extends AssistantsError {
  override readonly name = 'RunTimeoutError';
  /** Which limit was hit. */
  readonly limit: 'first' | 'idle' | 'total';
  /** That limit, in ms. */
  readonly ms: number;
  /** The run (or response), when one of its events had been seen. */
  readonly runId: string | undefined;
  readonly threadId: string | undefined;
  /** The response, for a Responses run. */
  readonly responseId: string | undefined;

  constructor(
    limit: 'first' | 'idle' | 'total',
    ms: number,
    runId?: string,
    threadId?: string,
    responseId?: string,
  ) {
    const run =
      responseId !== undefined
        ? `Response ${responseId}`
        : runId === undefined
          ? 'The run (no run id seen yet)'
          : `Run ${runId}`;
    const what = {
      first: `sent no first event within ${ms} ms`,
      idle: `sent no event for ${ms} ms`,
      total: `did not finish within ${ms} ms`,
    }[limit];
    super(`${run} ${what} (runTimeout ${limit}: ${ms}).`);
    this.limit = limit;
    this.ms = ms;
    this.runId = runId;
    this.threadId = threadId;
    this.responseId = responseId;
  }
}

/**
 * Errors with a {@link RunTimeoutError} when the run is too slow: no first event within `first`,
 * a gap between events longer than `idle`, or no completion within `total` ms. The source is
 * unsubscribed at once, so a run that had started is cancelled on the server (the sources'
 * `cancelOnUnsubscribe`, and `handleRequiresAction`'s while it runs tools).
 *
 * ```
 * events: --created--in_progress------------------------
 * result: --created--in_progress-----#   (idle: 6 frames)
 * ```
 *
 * Place it after `handleRequiresAction` to bound the whole run including its tools; there, `idle`
 * also spans the time the handlers take.
 *
 * @example
 * ```ts
 * import { createRun, fetchClient, finalRun, runTimeout } from 'rxjs-assistants';
 *
 * createRun(fetchClient(), { threadId, assistant_id })
 *   .pipe(runTimeout({ first: 10_000, idle: 30_000, total: 120_000 }), finalRun())
 *   .subscribe({ next: (run) => console.log(run.status), error: (e) => console.error(e.message) });
 * ```
 * @throws TypeError at call time when no limit is given or a limit is not a number of ms > 0 and at
 *   most 2^31-1 (about 24.8 days, the longest a timer can wait).
 */
export function runTimeout<E extends AnyRunEvent>(config: RunTimeoutConfig): MonoTypeOperatorFunction<E> {
  const { first, idle, total } = config ?? {};
  if (first === undefined && idle === undefined && total === undefined) {
    throw new TypeError('runTimeout: no limit given; pass { first?, idle?, total? } in milliseconds.');
  }
  checkDuration('runTimeout: first', first);
  checkDuration('runTimeout: idle', idle);
  checkDuration('runTimeout: total', total);

  return (source) =>
    defer(() => {
      let runId: string | undefined;
      let threadId: string | undefined;
      let responseId: string | undefined;
      const fail = (limit: 'first' | 'idle' | 'total', ms: number) =>
        new RunTimeoutError(limit, ms, runId, threadId, responseId);

      let events$ = source.pipe(
        tap((event) => {
          // A custom source may emit anything; only ids that are strings are kept.
          const carried = carriedRun(event);
          if (carried?.kind === 'run') {
            if (typeof carried.run.id === 'string') runId = carried.run.id;
            if (typeof carried.run.thread_id === 'string') threadId = carried.run.thread_id;
          } else if (carried?.kind === 'response') {
            if (typeof carried.response.id === 'string') responseId = carried.response.id;
          } else if ('event' in event && event.event === 'thread.created') {
            const id: unknown = event.data?.id;
            if (typeof id === 'string') threadId = id;
          }
        }),
      );
      if (first !== undefined || idle !== undefined) {
        events$ = events$.pipe(
          timeout({
            ...(first === undefined ? {} : { first }),
            ...(idle === undefined ? {} : { each: idle }),
            with: ({ seen }) =>
              throwError(() =>
                seen === 0 && first !== undefined ? fail('first', first) : fail('idle', idle ?? 0),
              ),
          }),
        );
      }
      if (total === undefined) return events$;
      const limited = events$;
      return new Observable<E>((subscriber) => {
        const subscription = timer(total).subscribe(() => subscriber.error(fail('total', total)));
        subscription.add(
          limited.subscribe({
            next: (event) => subscriber.next(event),
            error: (error) => subscriber.error(error),
            complete: () => subscriber.complete(),
          }),
        );
        return subscription;
      });
    });
}
