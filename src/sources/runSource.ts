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
import { markLeftAlone } from './leftAlone';
import { pollRun } from './pollRun';
import type { ResolvedRunConfig } from './RunConfig';
import { RunTracker } from './RunTracker';
import { runStatusEvent } from './snapshotEvents';

/** How a source starts its run. Internal. */
export interface RunStart {
  /** Stream mode: the SSE request. */
  stream: () => Observable<RunEvent>;
  /** Poll mode: the non-streaming request; its answer is the run's first snapshot. */
  create: () => Observable<Run>;
  /** Whether the create answer is a new run (emit `thread.run.created` first). */
  creates: boolean;
  /** Ids known before the first event (submit, watch). */
  threadId?: string | undefined;
  runId?: string | undefined;
  /** Attach to a running run: poll only, no request to start anything. */
  attach?: boolean;
  /**
   * After a create that may have been applied (`RequestOutcomeUnknownError`): the run it may have
   * started, looked up on the server (`sentAt` is when the create was sent, in ms), if any.
   */
  lookup?: ((sentAt: number) => Observable<Run | undefined>) | undefined;
  /** `include[]` for the steps listed while polling. */
  include?: readonly string[] | undefined;
  /**
   * What earlier sources of the same run already showed (a tool-output continuation), so a poll
   * does not show it again. Default: a fresh tracker per subscription.
   */
  tracker?: RunTracker | undefined;
}

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
 * The machinery behind every source: one cold Observable of one run's events that completes at a
 * terminal status or `requires_action`, resumes a broken stream by polling, and cancels the run
 * on the server when the subscriber leaves early. Internal.
 */
export function runSource(
  client: AssistantsClient,
  config: ResolvedRunConfig,
  start: RunStart,
): Observable<RunEvent> {
  return new Observable<RunEvent>((subscriber) => {
    const tracker = start.tracker ?? new RunTracker({ threadId: start.threadId, runId: start.runId });
    // A shared tracker carries on from a pause: this source follows the run to its next one, and
    // the paused status is stale (a poll must report even a next requires_action as a change).
    if (start.tracker !== undefined) tracker.status = undefined;
    tracker.finished = false;
    tracker.threadId ??= start.threadId;
    tracker.runId ??= start.runId;
    // After a create the run was just read: wait one interval. To catch up (attach, resume): at once.
    const poll = (firstDelayMs = 0) => pollRun(client, tracker, config.poll, start.include, firstDelayMs);

    // After the stream ends or breaks: poll on from what was seen, when the run id is known.
    const resume = (cause: unknown): Observable<RunEvent> => {
      if (tracker.finished) return EMPTY;
      if (config.resumeOnDisconnect && tracker.threadId !== undefined && tracker.runId !== undefined)
        return poll();
      if (cause instanceof StreamDisconnectedError && tracker.runId === undefined) {
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

    let settled = false;
    // Plain observers, no operator chain: `next` is the per-event hot path.
    const next = (event: RunEvent): void => {
      if (subscriber.closed) return; // a synchronous source still emitting after the end
      // Synchronously, before anything downstream: the poll loop decides what is new from it.
      // Nothing may throw out of this observer (RxJS would report it as unhandled and Node would
      // exit): a payload the tracker cannot read is the run's typed error.
      let admitted: boolean;
      try {
        admitted = tracker.admit(event);
      } catch (cause) {
        subscriber.error(malformedEvent(event, cause));
        return;
      }
      if (!admitted) return; // another run's event
      if (tracker.finished && !config.cancelOnUnsubscribe && tracker.status === 'requires_action') {
        markLeftAlone(event);
      }
      subscriber.next(event);
      if (tracker.finished) {
        settled = true;
        subscriber.complete();
      }
    };
    const error = (cause: unknown): void => subscriber.error(cause);
    const complete = (): void => {
      settled = true;
      subscriber.complete();
    };
    // What follows the first source (the poll after a stream); the first may end synchronously.
    let rest: Subscription | undefined;
    const continueWith = (rest$: Observable<RunEvent>): Subscription => {
      rest = rest$.subscribe({ next, error, complete });
      return rest;
    };

    // From the run's first snapshot (a poll-mode create's answer, or the run a create that may
    // have been applied turned out to have started): its events, then polls.
    const fromSnapshot = (run: Run): Observable<RunEvent> =>
      concat(
        from(
          start.creates
            ? [{ event: 'thread.run.created', data: run } as RunEvent, runStatusEvent(run)]
            : [runStatusEvent(run)],
        ),
        defer(() => (tracker.finished ? EMPTY : poll(config.poll.intervalMs))),
      );
    // A create that failed after it may have reached the server is never sent again: look for the
    // run it may have started, and follow that one; none found, the caller gets the error.
    const sentAt = asyncScheduler.now();
    const recover = (cause: unknown): Observable<RunEvent> => {
      const { lookup } = start;
      if (!(cause instanceof RequestOutcomeUnknownError) || lookup === undefined)
        return throwError(() => cause);
      return lookup(sentAt).pipe(
        catchError(() => of(undefined)),
        mergeMap((run) => (run === undefined ? throwError(() => cause) : fromSnapshot(run))),
      );
    };

    let first: Subscription;
    if (start.attach) {
      first = continueWith(defer(() => poll()));
    } else if (config.mode === 'poll') {
      first = continueWith(start.create().pipe(mergeMap(fromSnapshot), catchError(recover)));
    } else {
      // Stream mode: the stream's events go straight to `next`; when it ends or breaks, poll on.
      first = start.stream().subscribe({
        next,
        error: (cause: unknown) => void continueWith(isDisconnect(cause) ? resume(cause) : recover(cause)),
        complete: () => void continueWith(defer(() => resume(undefined))),
      });
    }

    return () => {
      first.unsubscribe();
      rest?.unsubscribe();
      const { threadId, runId } = tracker;
      if (
        settled ||
        tracker.finished ||
        tracker.endedOnServer ||
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
