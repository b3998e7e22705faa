import { defer, Observable, type ObservableInput, switchMap } from 'rxjs';

/**
 * A cold Observable around one abortable call: `start` runs at subscription with a fresh
 * `AbortSignal`, `then` continues with its answer (e.g. reads the body) while the signal stays live,
 * and unsubscribing aborts both. Internal; the clients' equivalent of RxJS `fromFetch` with a
 * selector, for any promise-returning call.
 */
export function abortable<A, T>(
  start: (signal: AbortSignal) => PromiseLike<A>,
  then: (answer: A, signal: AbortSignal) => ObservableInput<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    const subscription = defer(() => start(controller.signal))
      .pipe(switchMap((answer) => then(answer, controller.signal)))
      .subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      // After a normal end this is a no-op for fetch; before it, it cancels the request or body read.
      controller.abort();
    };
  });
}
