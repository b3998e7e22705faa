import { defer, identity, type MonoTypeOperatorFunction, Observable, type ObservableInput } from 'rxjs';

/**
 * A cold Observable around one abortable call: `start` runs at subscription with an `AbortSignal`
 * (again for each retry that `retrying` asks for), `then` continues with its answer (e.g. reads the
 * body) while the signal stays live, and unsubscribing aborts both. Internal; the clients'
 * equivalent of RxJS `fromFetch` with a selector, for any promise-returning call.
 *
 * Retries cover `start` only: once an answer is there, its body is never re-requested (a stream
 * is never retried after its first byte). The body's Observable is subscribed with the caller's
 * own subscriber, so its values reach the caller without any operator in between: for a stream
 * this is the per-event hot path.
 */
export function abortable<A, T>(
  start: (signal: AbortSignal) => PromiseLike<A>,
  then: (answer: A, signal: AbortSignal) => ObservableInput<T>,
  retrying: MonoTypeOperatorFunction<A> = identity,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    const { signal } = controller;
    const request = defer(() => start(signal))
      .pipe(retrying)
      .subscribe({
        // `defer` turns a `then` that throws into an error of the subscriber.
        next: (answer) => void defer(() => then(answer, signal)).subscribe(subscriber),
        error: (error: unknown) => subscriber.error(error),
      });
    return () => {
      request.unsubscribe();
      // After a normal end this is a no-op for fetch; before it, it cancels the request or body read.
      controller.abort();
    };
  });
}
