import {
  concat,
  concatMap,
  defer,
  EMPTY,
  lastValueFrom,
  type Observable,
  ReplaySubject,
  type Subscription,
  tap,
  timer,
} from 'rxjs';
import {
  type AssistantsClient,
  isRunStatusEvent,
  type RunEvent,
  type RunRef,
  watchRun,
} from '../../src/index';
import { describe } from './http';

/** Polls of `watchRun` and `cancelRun`: quick enough for a UI, backing off while nothing changes. */
export const poll = { intervalMs: 200, maxIntervalMs: 1000 };

/** The runs this server started, driven to their end whoever watches. */
export interface Runs {
  /**
   * Drives a run here, detached from the request that asked for it: the run (and its tool calls)
   * goes on when the browser reloads or goes away, and a reload re-attaches with {@link follow};
   * only Stop, or {@link close}, cancels it. Returns its events, each subscriber getting them all
   * from the start. `started` is told the run id at its first event.
   */
  drive(run$: Observable<RunEvent>, started: (ref: RunRef) => void): Observable<RunEvent>;
  /**
   * Attaches to a run by polling (`watchRun` never cancels what it watches). A watch ends when the
   * run pauses at `requires_action`; a driver is then running the tools, so this watches again.
   */
  follow(ref: RunRef): Observable<RunEvent>;
  /** Runs still being driven. */
  active(): number;
  /** Stops driving, and cancels on the backend every run that had not ended. */
  close(): Promise<void>;
}

export function createRuns(client: AssistantsClient, log: (line: string) => void): Runs {
  const drivers = new Map<Subscription, { ref?: RunRef }>();

  const follow = (ref: RunRef): Observable<RunEvent> =>
    defer(() => {
      let paused = false;
      return concat(
        watchRun(client, ref, { poll }).pipe(
          tap((event) => {
            if (isRunStatusEvent(event)) paused = event.data.status === 'requires_action';
          }),
        ),
        defer(() => (paused ? timer(poll.intervalMs).pipe(concatMap(() => follow(ref))) : EMPTY)),
      );
    });

  return {
    drive(run$, started) {
      const replay = new ReplaySubject<RunEvent>();
      const driven: { ref?: RunRef } = {};
      const driver = run$
        .pipe(
          tap({
            next: (event) => {
              if (driven.ref !== undefined || !isRunStatusEvent(event)) return;
              driven.ref = { threadId: event.data.thread_id, runId: event.data.id };
              started(driven.ref);
            },
            error: (error: unknown) =>
              log(`run ${driven.ref?.runId ?? '(not started)'} failed: ${describe(error)}`),
          }),
        )
        .subscribe(replay);
      drivers.set(driver, driven);
      driver.add(() => drivers.delete(driver));
      return replay.asObservable();
    },
    follow,
    active: () => drivers.size,
    async close() {
      const cancels = [...drivers].map(([driver, { ref }]) => {
        driver.unsubscribe();
        return ref && lastValueFrom(client.runs.cancel(ref.threadId, ref.runId)).catch(() => undefined);
      });
      await Promise.all(cancels);
    },
  };
}
