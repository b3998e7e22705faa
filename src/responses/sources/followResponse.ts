import {
  catchError,
  concat,
  defer,
  EMPTY,
  filter,
  from,
  type Observable,
  of,
  switchMap,
  throwError,
  timer,
} from 'rxjs';
import type { AssistantsClient } from '../../client/AssistantsClient';
import { retryDelayMs } from '../../client/retryRequest';
import { AssistantsApiError } from '../../errors/AssistantsApiError';
import { AssistantsError } from '../../errors/AssistantsError';
import { RunStreamError, StreamDisconnectedError, StreamParseError } from '../../errors/StreamErrors';
import { pollDelay } from '../../sources/pollDelay';
import type { ResolvedRunConfig } from '../../sources/RunConfig';
import { isTerminalResponseStatus, type ResponseEvent } from '../ResponseEvent';
import { belongsToResponse, type ResponseShown, showResponseEvent } from './ResponseShown';
import { snapshotEvents } from './snapshotEvents';

/** Options of {@link followResponse}. Internal. */
export interface FollowOptions {
  poll: ResolvedRunConfig['poll'];
  /** Re-attach with the stream from the cursor; `false`: poll only. */
  stream: boolean;
  /** Delay before the first request, in ms. */
  firstDelayMs: number;
  /** Called when a poll reads a terminal status, before the events that show it. */
  onEnded?: (() => void) | undefined;
}

/** Re-attaches in a row that showed nothing new before falling back to polling. */
export const MAX_FRUITLESS_REATTACHES = 4;

/** Waits `ms`; at once (synchronously) for 0. */
const after = (ms: number): Observable<unknown> => (ms > 0 ? timer(ms) : of(0));

/** How long to wait before polling a response whose re-attach was refused: a busy server's `retry-after`. */
const refusedDelay = (failure: unknown): number =>
  failure instanceof AssistantsApiError && (failure.status === 429 || failure.status >= 500)
    ? retryDelayMs(failure, 0)
    : 0;

const isBreak = (error: unknown): boolean =>
  error instanceof StreamDisconnectedError || error instanceof RunStreamError;

/**
 * Follows a response from what was shown until it ends: with `stream`, re-attaches to its event
 * stream from the cursor (`starting_after`), and again, with backoff, when a resumed stream ends
 * or breaks early; when re-attaching is refused (a response not created with `stream: true`, or
 * too old to stream), or keeps showing nothing new, it polls. Emits only what was not shown,
 * folding what it emits itself. Internal.
 */
export function followResponse(
  client: AssistantsClient,
  before: ResponseShown,
  options: FollowOptions,
): Observable<ResponseEvent> {
  const { poll, firstDelayMs, onEnded } = options;
  const responseId = before.responseId;
  if (responseId === undefined) throw new Error('followResponse needs a response id'); // internal invariant
  return defer(() => {
    let shown = before;
    const own = (event: ResponseEvent): boolean => {
      if (!belongsToResponse(shown, event)) return false;
      shown = showResponseEvent(shown, event);
      return true;
    };

    let unchangedPolls = 0;
    const polls = (delayMs: number): Observable<ResponseEvent> =>
      after(delayMs).pipe(
        switchMap(() => client.responses.retrieve(responseId)),
        switchMap((response) => {
          if (response.id !== responseId) {
            const problem = `GET /responses/${responseId} answered another response (${String(response.id)})`;
            return throwError(() => new AssistantsError(`${problem}: the server cannot be followed.`));
          }
          if (isTerminalResponseStatus(response.status)) onEnded?.();
          const events = snapshotEvents(shown, response).filter(own);
          unchangedPolls = events.length > 0 ? 0 : unchangedPolls + 1;
          return concat(
            from(events),
            defer(() => (shown.finished ? EMPTY : polls(pollDelay(poll, unchangedPolls, undefined, true)))),
          );
        }),
      );

    const attach = (delayMs: number, fruitless: number): Observable<ResponseEvent> =>
      defer(() => {
        const cursor = shown.cursor;
        let failure: unknown;
        const stream$ = after(delayMs).pipe(
          switchMap(() =>
            client.responses.retrieveStream(
              responseId,
              cursor === undefined ? {} : { starting_after: cursor },
            ),
          ),
          filter(own),
          catchError((error: unknown) => {
            failure = error;
            return EMPTY;
          }),
        );
        return concat(
          stream$,
          defer(() => {
            if (shown.finished) return EMPTY;
            if (failure instanceof StreamParseError) return throwError(() => failure);
            // Refused (an API error: not streamable, too old) or unreachable: the snapshots decide.
            if (failure !== undefined && !isBreak(failure)) return polls(refusedDelay(failure));
            const next = shown.cursor === cursor ? fruitless + 1 : 0;
            if (next >= MAX_FRUITLESS_REATTACHES) return polls(0);
            return attach(Math.min(poll.maxIntervalMs, poll.intervalMs * 2 ** next) * Math.sign(next), next);
          }),
        );
      });

    return options.stream ? attach(firstDelayMs, 0) : polls(firstDelayMs);
  });
}
