import {
  animationFrameScheduler,
  asyncScheduler,
  type MonoTypeOperatorFunction,
  Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';

/**
 * Emits at most one value per animation frame in a browser (`requestAnimationFrame`), or per
 * macrotask elsewhere (Node, workers, edge runtimes: a 0 ms timer, so in Node at most about one
 * per millisecond): the last value received since the previous one, for UIs that should render
 * once per frame rather than once per delta.
 *
 * ```
 * source: -a-b-c------d-|
 * frames: ----F---F----F--F
 * result: ----c--------d|      (d at the source's end, not at the next frame)
 * ```
 *
 * Always delivers the source's last value: when the source completes (or errors), the value
 * still waiting is emitted at once, before the completion (or the error), and nothing is emitted
 * after it. Unsubscribing cancels the frame waited for: no timer or frame request is left
 * behind. A browser does not run animation frames in a background tab: values then wait for
 * the tab to show again (or for the source's end). Timed with RxJS's `animationFrameScheduler`
 * or `asyncScheduler`, so `TestScheduler.run` and fake timers control it.
 *
 * @example
 * ```ts
 * import { pace, runState } from 'rxjs-assistants';
 *
 * events$.pipe(runState(), pace()).subscribe((state) => render(state));
 * ```
 */
export function pace<T>(): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      // Chosen per subscription: a page may gain requestAnimationFrame (a polyfill, a test DOM) later.
      const scheduler: SchedulerLike =
        typeof requestAnimationFrame === 'function' ? animationFrameScheduler : asyncScheduler;
      let pending: { value: T } | undefined;
      let frame: Subscription | undefined;
      const flush = () => {
        frame?.unsubscribe();
        frame = undefined;
        if (pending === undefined) return;
        const { value } = pending;
        pending = undefined;
        subscriber.next(value);
      };
      const subscription = source.subscribe({
        next(value) {
          pending = { value };
          frame ??= scheduler.schedule(flush);
        },
        error(error: unknown) {
          flush();
          subscriber.error(error);
        },
        complete() {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        frame?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
