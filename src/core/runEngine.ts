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
import { reasonOf } from '../errors/AssistantsError';
import { RequestOutcomeUnknownError } from '../errors/RequestOutcomeUnknownError';
import { RunStreamError, StreamDisconnectedError, StreamParseError } from '../errors/StreamErrors';

/**
 * The run engine: one cold Observable of one run's events, streamed or polled, for any wire (an
 * Assistants run, a Responses background response). It streams, re-attaches or polls when a
 * stream breaks, completes when the run finishes or pauses for its caller, and cancels the run
 * when the subscriber leaves early. What it knows of a wire comes through {@link RunWire}.
 *
 * ```
 * start ──stream──▶ events … ──(break, id known)──▶ wire.follow (re-attach / poll) ──▶ finished|
 *       ──create──▶ wire.snapshot(answer) ──▶ wire.follow ──▶ finished|
 *       ──attach──▶ wire.follow ──▶ finished|
 * leave before finished, id known ──▶ wire.cancel(ref), once
 * ```
 */

/** What the engine knows of a wire: its vocabulary of ids, events, snapshots and requests. */
export interface RunWire<E, Shown, Ref, Snapshot, Ids> {
  /** The event's name and payload, for errors. */
  nameOf(event: E): string;
  payloadOf(event: E): unknown;
  /** What a start with these ids has shown (nothing, or what `carried` says an earlier source showed). */
  start(ids: Ids, carried: Shown | undefined): Shown;
  /** `false` for an event about another run: the engine drops it (and folds it with `foreign`). */
  belongs(shown: Shown, event: E): boolean;
  /** What was shown after one more event of the run. Throws for a payload it cannot read. */
  show(shown: Shown, event: E): Shown;
  /** What was shown after an event of another run (remembered, to drop what follows from it). */
  foreign(shown: Shown, event: E): Shown;
  /** "This is my id": the run's reference, once an event or the start named it. */
  ref(shown: Shown): Ref | undefined;
  /** The run ended, or paused for its caller: the source completes. */
  finished(shown: Shown): boolean;
  /** The run paused for its caller (tool outputs). */
  paused(shown: Shown): boolean;
  /** The events that show a non-streaming answer (`created`: the answer is a new run). */
  snapshot(answer: Snapshot, created: boolean): E[];
  /**
   * "Re-attach from here": follows the run from what was shown (a stream from a cursor, or polls)
   * until it finishes; calls `onEnded` as soon as it reads that the run ended.
   */
  follow(shown: Shown, options: { firstDelayMs: number; onEnded: () => void }): Observable<E>;
  /** Cancels the run, once, as a subscriber leaves (bounded by the client). */
  cancel(ref: Ref): void;
  /** Marks: the first event from the answer of the start request; a pause left alone; an error after the end. */
  marks: {
    answer(event: E): void;
    leftAlone(event: E): void;
    afterEnd(error: unknown): void;
    /** A pause of a run this source started (and would cancel): someone downstream should answer it. */
    paused?: ((event: E) => void) | undefined;
  };
}

/**
 * How a source starts its run.
 * - `create`: a request that starts a new run; in poll mode its answer is the run's first
 *   snapshot (shown as created, then its status). `lookup` finds the run a create that may have
 *   been applied (`RequestOutcomeUnknownError`) started, if any (`sentAt`: when it was sent, in ms).
 * - `continue`: a request that continues a paused run (tool outputs); its answer shows the run's
 *   next status.
 * - `attach`: nothing is sent; the run is followed (`watchRun`).
 */
export type RunStart<E, Snapshot, Ids> =
  | {
      kind: 'create';
      ids: Ids;
      stream: () => Observable<E>;
      create: () => Observable<Snapshot>;
      lookup?: ((sentAt: number) => Observable<Snapshot | undefined>) | undefined;
    }
  | { kind: 'continue'; ids: Ids; stream: () => Observable<E>; create: () => Observable<Snapshot> }
  | { kind: 'attach'; ids: Ids };

/** What the engine takes of a source's config. */
export interface EngineConfig<Shown> {
  mode: 'stream' | 'poll';
  cancelOnUnsubscribe: boolean;
  resumeOnDisconnect: boolean;
  /** The first poll after a non-streaming answer comes one interval later. */
  poll: { intervalMs: number };
  /** What an earlier source of the run showed the subscriber. */
  shown: Shown | undefined;
}

/** The typed error for an event whose payload lacks the fields the engine reads. */
function malformed(name: string, data: unknown, cause: unknown): StreamParseError {
  let raw: string;
  try {
    raw = JSON.stringify(data) ?? String(data);
  } catch {
    raw = reasonOf(data);
  }
  return new StreamParseError(name, raw, `the payload lacks a field the run relies on: ${reasonOf(cause)}`);
}

const isDisconnect = (error: unknown): boolean =>
  error instanceof StreamDisconnectedError || error instanceof RunStreamError;

/** See the module comment. Internal. */
export function runEngine<E, Shown, Ref, Snapshot, Ids>(
  wire: RunWire<E, Shown, Ref, Snapshot, Ids>,
  config: EngineConfig<Shown>,
  start: RunStart<E, Snapshot, Ids>,
): Observable<E> {
  return new Observable<E>((subscriber) => {
    let shown = wire.start(start.ids, config.shown);
    /** A follow read that the run ended, even if its event is not shown yet: nothing to cancel. */
    let endedOnServer = false;
    let settled = false;
    const follow = (firstDelayMs = 0) =>
      wire.follow(shown, {
        firstDelayMs,
        onEnded: () => {
          endedOnServer = true;
        },
      });

    // After the stream ends or breaks: follow on from what was shown, once the run's id is known.
    const resume = (cause: unknown): Observable<E> => {
      if (wire.finished(shown)) return EMPTY;
      const known = wire.ref(shown) !== undefined;
      if (config.resumeOnDisconnect && known) return follow();
      if (cause instanceof StreamDisconnectedError && !known) {
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

    // Plain observers, no operator chain: this is the per-event hot path. Nothing may throw out of
    // it (RxJS would report it as unhandled and Node would exit): a payload the fold cannot read
    // is the run's typed error.
    let answered = false;
    const show = (event: E, fromAnswer: boolean): void => {
      if (subscriber.closed) return; // a synchronous source still emitting after the end
      try {
        if (!wire.belongs(shown, event)) {
          shown = wire.foreign(shown, event); // another run's event: dropped
          return;
        }
        shown = wire.show(shown, event);
      } catch (cause) {
        subscriber.error(malformed(wire.nameOf(event), wire.payloadOf(event), cause));
        return;
      }
      if (fromAnswer && !answered) {
        answered = true;
        wire.marks.answer(event);
      }
      const finished = wire.finished(shown);
      if (finished && wire.paused(shown)) {
        if (config.cancelOnUnsubscribe) wire.marks.paused?.(event);
        else wire.marks.leftAlone(event);
      }
      subscriber.next(event);
      if (finished) {
        settled = true;
        subscriber.complete();
      }
    };
    const next = (event: E): void => show(event, false);
    const nextFromAnswer = (event: E): void => show(event, true);
    const error = (cause: unknown): void => {
      if (endedOnServer) wire.marks.afterEnd(cause);
      subscriber.error(cause);
    };
    const complete = (): void => {
      settled = true;
      subscriber.complete();
    };
    // What follows the first source (the follow after a stream); the first may end synchronously.
    let rest: Subscription | undefined;
    const continueWith = (rest$: Observable<E>, fromAnswer = false): Subscription => {
      rest = rest$.subscribe({ next: fromAnswer ? nextFromAnswer : next, error, complete });
      return rest;
    };

    // From the run's first snapshot (a non-streaming answer, or the run a create that may have
    // been applied turned out to have started): its events, then follow.
    const fromSnapshot = (answer: Snapshot): Observable<E> =>
      concat(
        from(wire.snapshot(answer, start.kind === 'create')),
        defer(() => (wire.finished(shown) ? EMPTY : follow(config.poll.intervalMs))),
      );
    // A create that failed after it may have reached the server is never sent again: look for the
    // run it may have started, and follow that one; none found, the caller gets the error.
    const sentAt = asyncScheduler.now();
    const recover = (cause: unknown): Observable<E> => {
      const lookup = start.kind === 'create' ? start.lookup : undefined;
      if (!(cause instanceof RequestOutcomeUnknownError) || lookup === undefined) {
        return throwError(() => cause);
      }
      return lookup(sentAt).pipe(
        catchError(() => of(undefined)),
        mergeMap((found) => (found === undefined ? throwError(() => cause) : fromSnapshot(found))),
      );
    };

    let first: Subscription;
    if (start.kind === 'attach') {
      first = continueWith(defer(() => follow()));
    } else if (config.mode === 'poll') {
      first = continueWith(start.create().pipe(mergeMap(fromSnapshot), catchError(recover)), true);
    } else {
      // Stream mode: the stream's events go straight to the fold; when it ends or breaks, follow on.
      first = start.stream().subscribe({
        next: nextFromAnswer,
        error: (cause: unknown) => void continueWith(isDisconnect(cause) ? resume(cause) : recover(cause)),
        complete: () => void continueWith(defer(() => resume(undefined))),
      });
    }

    return () => {
      first.unsubscribe();
      rest?.unsubscribe();
      const ref = wire.ref(shown);
      if (
        settled ||
        wire.finished(shown) ||
        endedOnServer ||
        !config.cancelOnUnsubscribe ||
        ref === undefined
      ) {
        return;
      }
      wire.cancel(ref);
    };
  });
}
