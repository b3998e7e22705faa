import {
  asyncScheduler,
  catchError,
  concat,
  defer,
  EMPTY,
  from,
  mergeMap,
  Observable,
  of,
  type Subscription,
  throwError,
} from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import { reasonOf } from '../errors/AssistantsError';
import { RequestOutcomeUnknownError } from '../errors/RequestOutcomeUnknownError';
import { RunStreamError, StreamDisconnectedError, StreamParseError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import type { Run } from '../events/types';
import { cancelOnLeave } from './cancelOnLeave';
import { markAfterEnd, markAnswer, markLeftAlone } from './marks';
import { pollRun } from './pollRun';
import type { ResolvedRunConfig } from './RunConfig';
import { belongsToRun, resumeShown, runShown, showEvent, showForeign } from './RunShown';
import { runStatusEvent } from './snapshotEvents';

/**
 * How a source starts its run. Internal.
 * - `create`: a request that starts a new run (`createRun`, `createThreadAndRun`); in poll mode
 *   its answer is the run's first snapshot, shown as `thread.run.created` and its status.
 * - `continue`: a request that continues a paused run (`submitToolOutputs`); its answer shows the
 *   run's next status.
 * - `attach`: nothing is sent; the run is followed by polling (`watchRun`).
 */
export type RunStart =
  | {
      kind: 'create';
      /** Stream mode: the SSE request. */
      stream: () => Observable<RunEvent>;
      /** Poll mode: the non-streaming request. */
      create: () => Observable<Run>;
      /** The thread, when it exists before the run (`createRun`). */
      threadId?: string | undefined;
      /** `include[]` for the steps listed while polling. */
      include?: readonly string[] | undefined;
      /**
       * After a create that may have been applied (`RequestOutcomeUnknownError`): the run it may
       * have started, looked up on the server (`sentAt`: when the create was sent, in ms), if any.
       */
      lookup?: ((sentAt: number) => Observable<Run | undefined>) | undefined;
    }
  | {
      kind: 'continue';
      stream: () => Observable<RunEvent>;
      create: () => Observable<Run>;
      threadId: string;
      runId: string;
    }
  | { kind: 'attach'; threadId: string; runId: string; include?: readonly string[] | undefined };

/** The typed error for an event whose payload lacks the fields the source reads. */
function malformedEvent(event: RunEvent, cause: unknown): StreamParseError {
  let raw: string;
  try {
    raw = JSON.stringify(event.data) ?? String(event.data);
  } catch {
    raw = reasonOf(event.data);
  }
  return new StreamParseError(
    event.event,
    raw,
    `the payload lacks a field the run relies on: ${reasonOf(cause)}`,
  );
}

const isDisconnect = (error: unknown): boolean =>
  error instanceof StreamDisconnectedError || error instanceof RunStreamError;

/**
 * The engine behind every source: one cold Observable of one run's events that completes at a
 * terminal status or `requires_action`, resumes a broken stream by polling, and cancels the run
 * on the server when the subscriber leaves early. What it has shown is a value ({@link RunShown})
 * folded from the events it emits, starting from `config.shown` when a chaining operator gives
 * one. Internal.
 */
export function runSource(
  client: AssistantsClient,
  config: ResolvedRunConfig,
  start: RunStart,
): Observable<RunEvent> {
  return new Observable<RunEvent>((subscriber) => {
    const ids = { threadId: start.threadId, runId: start.kind === 'create' ? undefined : start.runId };
    // Carrying on from an earlier source of the run: its pause is stale (a poll must report even
    // a next requires_action as a change).
    let shown = config.shown === undefined ? runShown(ids) : resumeShown(config.shown, ids);
    /** A poll read a terminal status, even if its event is not shown yet: nothing to cancel. */
    let endedOnServer = false;
    let settled = false;
    const include = start.kind === 'continue' ? undefined : start.include;
    // After a create the run was just read: wait one interval. To catch up (attach, resume): at once.
    const poll = (firstDelayMs = 0) =>
      pollRun(client, shown, {
        poll: config.poll,
        include,
        firstDelayMs,
        onEnded: () => {
          endedOnServer = true;
        },
      });

    // After the stream ends or breaks: poll on from what was shown, when the run id is known.
    const resume = (cause: unknown): Observable<RunEvent> => {
      if (shown.finished) return EMPTY;
      if (config.resumeOnDisconnect && shown.threadId !== undefined && shown.runId !== undefined)
        return poll();
      if (cause instanceof StreamDisconnectedError && shown.runId === undefined) {
        return throwError(
          () =>
            new StreamDisconnectedError(
              `The stream broke before the run id was known, so the run cannot be followed (it is not re-created): ${cause.message}`,
              cause.receivedBytes,
              cause,
            ),
        );
      }
      if (cause !== undefined) return throwError(() => cause);
      return config.resumeOnDisconnect
        ? throwError(() => new StreamDisconnectedError('The stream ended before the run was created.', 0))
        : EMPTY;
    };

    // Plain observers, no operator chain: `next` is the per-event hot path. Nothing may throw out
    // of it (RxJS would report it as unhandled and Node would exit): a payload the fold cannot
    // read is the run's typed error.
    let answered = false;
    const show = (event: RunEvent, fromAnswer: boolean): void => {
      if (subscriber.closed) return; // a synchronous source still emitting after the end
      try {
        if (!belongsToRun(shown, event)) {
          shown = showForeign(shown, event); // another run's event: dropped
          return;
        }
        shown = showEvent(shown, event);
      } catch (cause) {
        subscriber.error(malformedEvent(event, cause));
        return;
      }
      if (fromAnswer && !answered) {
        answered = true;
        markAnswer(event);
      }
      if (shown.finished && shown.status === 'requires_action' && !config.cancelOnUnsubscribe) {
        markLeftAlone(event);
      }
      subscriber.next(event);
      if (shown.finished) {
        settled = true;
        subscriber.complete();
      }
    };
    const next = (event: RunEvent): void => show(event, false);
    const nextFromAnswer = (event: RunEvent): void => show(event, true);
    const error = (cause: unknown): void => {
      if (endedOnServer) markAfterEnd(cause);
      subscriber.error(cause);
    };
    const complete = (): void => {
      settled = true;
      subscriber.complete();
    };
    // What follows the first source (the poll after a stream); the first may end synchronously.
    let rest: Subscription | undefined;
    const continueWith = (rest$: Observable<RunEvent>, fromAnswer = false): Subscription => {
      rest = rest$.subscribe({ next: fromAnswer ? nextFromAnswer : next, error, complete });
      return rest;
    };

    // From the run's first snapshot (a poll-mode answer, or the run a create that may have been
    // applied turned out to have started): its events, then polls.
    const fromSnapshot = (run: Run): Observable<RunEvent> =>
      concat(
        from(
          start.kind === 'create'
            ? [{ event: 'thread.run.created', data: run } as RunEvent, runStatusEvent(run)]
            : [runStatusEvent(run)],
        ),
        defer(() => (shown.finished ? EMPTY : poll(config.poll.intervalMs))),
      );
    // A create that failed after it may have reached the server is never sent again: look for the
    // run it may have started, and follow that one; none found, the caller gets the error.
    const sentAt = asyncScheduler.now();
    const recover = (cause: unknown): Observable<RunEvent> => {
      const lookup = start.kind === 'create' ? start.lookup : undefined;
      if (!(cause instanceof RequestOutcomeUnknownError) || lookup === undefined) {
        return throwError(() => cause);
      }
      return lookup(sentAt).pipe(
        catchError(() => of(undefined)),
        mergeMap((run) => (run === undefined ? throwError(() => cause) : fromSnapshot(run))),
      );
    };

    let first: Subscription;
    if (start.kind === 'attach') {
      first = continueWith(defer(() => poll()));
    } else if (config.mode === 'poll') {
      first = continueWith(start.create().pipe(mergeMap(fromSnapshot), catchError(recover)), true);
    } else {
      // Stream mode: the stream's events go straight to the fold; when it ends or breaks, poll on.
      first = start.stream().subscribe({
        next: nextFromAnswer,
        error: (cause: unknown) => void continueWith(isDisconnect(cause) ? resume(cause) : recover(cause)),
        complete: () => void continueWith(defer(() => resume(undefined))),
      });
    }

    return () => {
      first.unsubscribe();
      rest?.unsubscribe();
      const { threadId, runId } = shown;
      if (
        settled ||
        shown.finished ||
        endedOnServer ||
        !config.cancelOnUnsubscribe ||
        threadId === undefined ||
        runId === undefined
      ) {
        return;
      }
      cancelOnLeave(client, { threadId, runId }, config.onCancelError);
    };
  });
}
