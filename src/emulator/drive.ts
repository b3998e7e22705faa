import { from, Observable, type Subscription } from 'rxjs';
import { longTimer } from '../core/limits';

/** What a run script waits for between two of its side effects: milliseconds, or a promise. */
export type Pause = number | PromiseLike<unknown>;

/**
 * Runs a generator script one side effect at a time: each `yield` is a pause (a `timer`, or a
 * promise whose value is passed back in). Unsubscribing stops the script where it is and clears its
 * timer, so a cancelled run or a closed emulator leaves nothing scheduled. A throw in the script
 * errors the Observable.
 */
export function drive(script: Generator<Pause, void, unknown>): Observable<never> {
  return new Observable<never>((subscriber) => {
    let waiting: Subscription | undefined;
    const advance = (input?: unknown): void => {
      if (subscriber.closed) return;
      let step: IteratorResult<Pause, void>;
      try {
        step = script.next(input);
      } catch (error) {
        subscriber.error(error);
        return;
      }
      if (step.done) {
        subscriber.complete();
        return;
      }
      if (subscriber.closed) {
        // Unsubscribed from inside the step (its teardown could not return the running script):
        // return it now, so its `finally` blocks run (a streaming brain's iterator is told to stop).
        try {
          script.return();
        } catch {
          // a `finally` that throws: the script is stopped all the same
        }
        return;
      }
      const pause = step.value;
      // A brain's delay may be longer than a timer holds: longTimer never fires early.
      waiting = (typeof pause === 'number' ? longTimer(pause) : from(pause)).subscribe({
        next: advance,
        error: (error: unknown) => subscriber.error(error),
      });
    };
    advance();
    return () => {
      waiting?.unsubscribe();
      try {
        script.return();
      } catch {
        // the script is running (we were unsubscribed from inside it): it stops at its next yield anyway
      }
    };
  });
}
