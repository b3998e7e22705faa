import {
  concat,
  concatMap,
  defer,
  EMPTY,
  filter,
  from,
  mergeMap,
  type Observable,
  of,
  switchMap,
  tap,
  timer,
} from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import { isKnownRunStatus, isTerminalStatus } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import type { Run, RunStep } from '../events/types';
import { collectPages } from './collectPages';
import { pollDelay } from './pollDelay';
import type { ResolvedRunConfig } from './RunConfig';
import { belongsToRun, messageShown, type RunShown, showEvent, showForeign, stepShown } from './RunShown';
import { messageEvents, runStatusEvent, stepRemainder, stepStatusEvent } from './snapshotEvents';

/** Options of {@link pollRun}. Internal. */
export interface PollRunOptions {
  poll: ResolvedRunConfig['poll'];
  /** `include[]` for the steps listed. */
  include: readonly string[] | undefined;
  /** Delay before the first poll, in ms. */
  firstDelayMs: number;
  /** Called when a poll reads a terminal status, before the events that show it. */
  onEnded?: () => void;
  /** Whether polling is over. @default a terminal status or `requires_action` shown */
  ends?: ((shown: RunShown) => boolean) | undefined;
}

/**
 * Follows a run by polling and emits, per poll, the events for what changed since it was last
 * shown: new or changed steps (with the messages they created), then the run's new status.
 * Completes after a terminal status or `requires_action`. Internal.
 *
 * `before` is what was shown before (by a broken stream, or an earlier source of the run); from
 * there it folds what it emits itself, so its caller owes it nothing.
 */
export function pollRun(
  client: AssistantsClient,
  before: RunShown,
  options: PollRunOptions,
): Observable<RunEvent> {
  const { poll, include, firstDelayMs, onEnded, ends = (shown: RunShown) => shown.finished } = options;
  const { threadId, runId } = before;
  if (threadId === undefined || runId === undefined) {
    throw new Error('pollRun needs a thread id and a run id'); // internal invariant
  }
  return defer(() => {
    let shown = before;
    // step_details as last polled, so a changed tool call (its output filled in) is re-emitted
    const fingerprints = new Map<string, string>();
    let unchangedPolls = 0;
    let firstPoll = true;

    /** Folds an emitted event; `false` for another run's (a server may list anything), not emitted. */
    const own = (event: RunEvent): boolean => {
      if (!belongsToRun(shown, event)) {
        shown = showForeign(shown, event);
        return false;
      }
      shown = showEvent(shown, event);
      return true;
    };

    const stepEvents = (step: RunStep): Observable<RunEvent> => {
      const seen = stepShown(shown, step.id);
      const fingerprint = JSON.stringify(step.step_details);
      const previous = fingerprints.get(step.id);
      fingerprints.set(step.id, fingerprint);
      if (seen !== undefined && seen.status === step.status) {
        if (previous === undefined) {
          // First look at a step shown before (a broken stream, an earlier round) with this status:
          // only what was not shown of one still running; nothing of one already finished.
          const rest = step.status === 'in_progress' ? stepRemainder(step, seen) : undefined;
          return rest === undefined ? EMPTY : of(rest);
        }
        if (previous === fingerprint) return EMPTY;
      }
      const created: RunEvent[] =
        seen === undefined ? [{ event: 'thread.run.step.created', data: step }] : [];
      const messageId =
        step.status === 'completed' && step.step_details.type === 'message_creation'
          ? step.step_details.message_creation.message_id
          : undefined;
      const message$ =
        messageId === undefined || messageShown(shown, messageId)?.done
          ? EMPTY
          : client.messages
              .retrieve(threadId, messageId)
              .pipe(mergeMap((message) => from(messageEvents(message, messageShown(shown, message.id)))));
      return concat(from(created), message$, of(stepStatusEvent(step)));
    };

    // Servers (or recordings) without steps: the run's messages, read once at the end.
    const runMessages = (): Observable<RunEvent> =>
      collectPages(`messages of run ${runId}`, (after) =>
        client.messages.list(threadId, {
          run_id: runId,
          order: 'asc',
          limit: 100,
          ...(after ? { after } : {}),
        }),
      ).pipe(
        mergeMap((messages) =>
          from(
            messages
              .filter((m) => m.run_id === runId && m.role === 'assistant' && !messageShown(shown, m.id)?.done)
              .flatMap((m) => messageEvents(m, messageShown(shown, m.id))),
          ),
        ),
      );

    const changes = (run: Run): Observable<RunEvent> => {
      const statusChanged = run.status !== shown.status;
      // Steps are read on the first poll (to catch up) and when the status changed, not on every
      // poll of a run in progress: that would double the requests of a run. Stream mode is the one
      // for following steps as they happen.
      const steps$ =
        statusChanged || firstPoll
          ? collectPages(`steps of run ${runId}`, (after) =>
              client.steps.list(threadId, runId, {
                order: 'asc',
                limit: 100,
                ...(after ? { after } : {}),
                ...(include ? { include } : {}),
              }),
            ).pipe(concatMap((steps) => from(steps).pipe(concatMap(stepEvents))))
          : EMPTY;
      const end$ = defer(() =>
        isTerminalStatus(run.status) && !shown.sawMessageStep ? runMessages() : EMPTY,
      );
      return concat(steps$, end$, statusChanged ? of(runStatusEvent(run)) : EMPTY).pipe(filter(own));
    };

    const tick = (delayMs: number): Observable<RunEvent> =>
      timer(delayMs).pipe(
        switchMap(() => client.runs.poll(threadId, runId)),
        switchMap(({ run, pollAfterMs }) => {
          if (isTerminalStatus(run.status)) onEnded?.();
          let emitted = 0;
          const events$ = changes(run);
          firstPoll = false;
          return concat(
            events$.pipe(tap(() => emitted++)),
            defer(() => {
              if (ends(shown)) return EMPTY;
              unchangedPolls = emitted > 0 ? 0 : unchangedPolls + 1;
              return tick(pollDelay(poll, unchangedPolls, pollAfterMs, isKnownRunStatus(run.status)));
            }),
          );
        }),
      );

    return tick(firstDelayMs);
  });
}
