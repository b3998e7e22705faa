import { lastValueFrom, type MonoTypeOperatorFunction, Observable } from 'rxjs';

/**
 * Throws a `TypeError` naming `where` unless `signal` is `undefined` or an `AbortSignal` (anything
 * with `aborted`, `reason` and `addEventListener`, so a polyfill or another realm's signal fits).
 * Internal.
 */
export function checkSignal(where: string, signal: unknown): asserts signal is AbortSignal | undefined {
  if (signal === undefined) return;
  const candidate = signal as Partial<AbortSignal> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.aborted !== 'boolean' ||
    typeof candidate.addEventListener !== 'function' ||
    typeof candidate.removeEventListener !== 'function'
  ) {
    throw new TypeError(
      `${where}: signal must be an AbortSignal (e.g. AbortSignal.timeout(60_000), or an AbortController's signal), got ${String(signal)}.`,
    );
  }
}

/**
 * Errors with `signal.reason` as soon as `signal` aborts (at once if it already has), which
 * unsubscribes the source: a run or response the source started is then cancelled as its config
 * says. Internal.
 */
function abortWith<T>(signal: AbortSignal): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      if (signal.aborted) {
        subscriber.error(signal.reason);
        return;
      }
      const onAbort = (): void => subscriber.error(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const subscription = source.subscribe(subscriber);
      return () => {
        signal.removeEventListener('abort', onAbort);
        subscription.unsubscribe();
      };
    });
}

/**
 * The last value of `source` as a promise, like RxJS `lastValueFrom`, with an optional signal
 * whose abort unsubscribes and rejects with the signal's reason. Internal: the end of every
 * promise helper.
 */
export function settle<T>(source: Observable<T>, signal: AbortSignal | undefined): Promise<T> {
  return lastValueFrom(signal === undefined ? source : source.pipe(abortWith(signal)));
}
