import {
  concat,
  concatMap,
  defer,
  EMPTY,
  type MonoTypeOperatorFunction,
  map,
  Observable,
  takeWhile,
  tap,
  throwError,
  timer,
} from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import { AssistantsError } from '../errors/AssistantsError';
import { isRunStatusEvent, isTerminalStatus } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import type { Run } from '../events/types';
import { cancelOnLeave } from '../sources/cancelOnLeave';
import { cancelRun } from '../sources/cancelRun';
import { claimPause, isAfterEnd, isLeftAlone } from '../sources/marks';
import { type RunConfig, type RunRef, resolveRunConfig } from '../sources/RunConfig';
import { runShown, showEvent } from '../sources/RunShown';
import { runStatusEvent } from '../sources/snapshotEvents';
import { watchRun } from '../sources/watchRun';
import { isPause, pauseProblem } from './pause';
import { runToolRound } from './runToolRound';
import { submitOutputs } from './submitOutputs';
import { ToolOutputLedger } from './ToolOutputLedger';
import { RepeatedToolCallsError, RequiredActionExpiredError, ToolCallError } from './toolErrors';

export type {
  ToolCallFailureReason,
  ToolCallHandler,
  ToolContext,
  ToolHandler,
  ToolHandlers,
} from './runToolCall';
export { RepeatedToolCallsError, RequiredActionExpiredError, ToolCallError } from './toolErrors';

import { type ToolCallResult, type ToolHandlers, viewRunCall } from './runToolCall';
import { checkToolConfig, type ToolLoopConfig, toolReporter } from './toolConfig';

/** Looks at a run that asks again for answered calls before {@link RepeatedToolCallsError}. */
const MAX_REPEATED_ROUNDS = 3;

/** Options of {@link handleRequiresAction}; the {@link RunConfig} part applies to the continuation. */
export interface HandleRequiresActionConfig extends RunConfig, ToolLoopConfig {
  /**
   * Leaving (unsubscribe, or an error) while the operator drives a run cancels the run once.
   * @default as the source that paused the run would: `false` after `watchRun` (unless it was
   *   given `cancelOnUnsubscribe: true`), `true` after the sources that start or continue a run
   */
  cancelOnUnsubscribe?: boolean;
}

/**
 * Runs the function tools a paused run asks for, submits their outputs, and continues the run
 * in the same Observable, for as many `requires_action` rounds as the run needs.
 *
 * ```
 * events: --created--requires_action|
 * result: --created--requires_action--(handlers)(submit)--step.completed--queued--…--completed|
 * ```
 *
 * Every event passes through. At an event whose `data.status` is `requires_action` the operator
 * takes over the run: it runs the handlers of all listed calls in parallel (`concurrency`), each
 * with its own `AbortSignal` and `timeoutMs`, then submits all outputs in one request with the
 * `submitToolOutputs` source (streamed unless `mode: 'poll'`; resume and polling as configured) and
 * splices its events in.
 *
 * - Arguments that are not valid JSON are answered with an error string; the handler is not called
 *   (the one-function form gets the raw call and parses it itself).
 * - A tool call id is executed once per operator instance (one `handleRequiresAction(...)` call),
 *   across all its subscriptions: a `requires_action` re-observed by a poll, by a `retryRun` or by a
 *   re-subscription never runs a handler again. If the server already took the outputs, the operator
 *   waits one poll interval and watches the run again; if not, it sends the same outputs again.
 * - A submit request that fails without an answer (`AssistantsConnectionError`, or a stream broken
 *   before its first event) is followed by a read of the run: still waiting on the same calls →
 *   the same outputs are sent again (up to 3 sends); otherwise the run is followed by polling.
 * - Unsubscribing (or an error) while the operator drives the run aborts running handlers and
 *   cancels the run once (`cancelOnUnsubscribe`). By default the operator does what the source
 *   that paused the run would do: a run from `watchRun` (which leaves runs alone) is not
 *   cancelled, a run the pipeline started is; set `cancelOnUnsubscribe` to decide yourself.
 * - If the run's `expires_at` passes while handlers run, the result errors with
 *   {@link RequiredActionExpiredError} (an `expires_at` already past when the round starts is
 *   ignored: it says more about the two clocks than about the run; the server's answer decides).
 *
 * @example
 * ```ts
 * import { createRun, fetchClient, handleRequiresAction, textDeltas } from 'rxjs-assistants';
 *
 * const client = fetchClient();
 * createRun(client, { threadId, assistant_id })
 *   .pipe(
 *     handleRequiresAction(client, {
 *       get_weather: async ({ city }: { city: string }, _call, { signal }) =>
 *         (await fetch(`https://wttr.in/${city}?format=3`, { signal })).text(),
 *     }),
 *     textDeltas(),
 *   )
 *   .subscribe((text) => process.stdout.write(text));
 * ```
 * @throws TypeError at call time when the handlers or the config are invalid.
 */
export function handleRequiresAction(
  client: AssistantsClient,
  handlers: ToolHandlers,
  config: HandleRequiresActionConfig = {},
): MonoTypeOperatorFunction<RunEvent> {
  checkToolConfig('handleRequiresAction', handlers, config ?? {});
  const { concurrency = Infinity, timeoutMs, onError = 'submit', onToolError, ...runConfig } = config ?? {};
  const resolved = resolveRunConfig('handleRequiresAction', runConfig);
  const report = toolReporter('handleRequiresAction', onToolError);
  const cancelConfig = runConfig.poll === undefined ? {} : { poll: runConfig.poll };
  // Per operator, per run: a re-observed pause (a poll that read the run early, a re-subscribed
  // watch, a retry) never runs a handler twice.
  const ledgers = new ToolOutputLedger();

  return (source) =>
    new Observable<RunEvent>((subscriber) => {
      /** What this subscription has passed on, for the sources it starts to carry on from. */
      let shown = runShown();
      /** The run, from its first `requires_action` on, when the operator drives it. */
      let owned: RunRef | undefined;
      /** Whether leaving cancels `owned`: as configured, else as the source that paused it would. */
      let cancels = false;
      /** Nothing left to cancel: terminal, cancelled by the operator, expired, or read ended. */
      let ended = false;
      let completed = false;
      /** Rounds in a row that listed only calls whose outputs the server already took. */
      let repeats = 0;

      // The sources the operator starts never cancel: it does, once, whichever is running.
      const sourceConfig = (): RunConfig => ({ ...runConfig, cancelOnUnsubscribe: false, shown });
      const watch = (ref: RunRef) => defer(() => watchRun(client, ref, sourceConfig()));

      const note = (event: RunEvent): void => {
        // Whatever an upstream emits must not throw here (a custom source, a relay): a payload the
        // fold cannot read only leaves what was shown as it was.
        try {
          shown = showEvent(shown, event);
        } catch {}
        if (!isRunStatusEvent(event) || typeof event.data?.status !== 'string') return;
        const run = event.data;
        if (isPause(event) && pauseProblem(run) === undefined && owned?.runId !== run.id) {
          owned = { threadId: run.thread_id, runId: run.id };
          cancels = runConfig.cancelOnUnsubscribe ?? !isLeftAlone(event);
        }
        if (isTerminalStatus(run.status)) ended = true;
      };

      /** One segment of the run (a source), then the round its pause calls for, if it paused. */
      const follow = (events$: Observable<RunEvent>): Observable<RunEvent> =>
        defer(() => {
          let paused: Run | undefined;
          return concat(
            events$.pipe(
              tap((event) => {
                note(event);
                if (isPause(event)) {
                  claimPause(event);
                  paused = event.data as Run;
                }
              }),
              takeWhile(() => paused === undefined, true),
            ),
            defer(() => (paused === undefined ? EMPTY : round(paused))),
          );
        });

      /** A round: run the calls the pause lists, submit their outputs, follow the continuation. */
      const round = (run: Run): Observable<RunEvent> => {
        const problem = pauseProblem(run);
        if (problem !== undefined) {
          return throwError(
            () =>
              new AssistantsError(
                `handleRequiresAction: run ${String(run.id)} requires action, but ${problem}.`,
              ),
          );
        }
        const ref: RunRef = { threadId: run.thread_id, runId: run.id };
        const calls = run.required_action?.submit_tool_outputs.tool_calls ?? [];
        const ledger = ledgers.forRun(run.id);
        report.checkNames(handlers, run.tools, `run ${run.id}`);
        const failed = (result: ToolCallResult, output: string | undefined) =>
          result.failure &&
          report.failed({
            functionName: result.call.function?.name ?? '',
            callId: result.call.id,
            reason: result.failure.reason,
            error: result.failure.cause,
            output,
            runId: run.id,
          });
        if (calls.every((call) => ledger.accepted(call.id))) {
          // A poll read the run before it took in the outputs the server already acknowledged:
          // look again, a bounded number of times. A server that keeps asking for calls it was
          // given outputs for (reused call ids) must not keep us polling forever.
          if (++repeats > MAX_REPEATED_ROUNDS) {
            return throwError(() => new RepeatedToolCallsError(ref, calls, repeats - 1));
          }
          return timer(resolved.poll.intervalMs).pipe(concatMap(() => follow(watch(ref))));
        }
        repeats = 0;
        const fresh = calls.filter((call) => !ledger.has(call.id));
        const options = {
          concurrency,
          timeoutMs,
          stopAtFailure: onError !== 'submit',
          expiresAt: run.expires_at,
        };
        return runToolRound(fresh, viewRunCall, handlers, options).pipe(
          concatMap((outcome) => {
            switch (outcome.kind) {
              case 'expired':
                ended = true; // the server expires it: a cancel would only be refused
                return throwError(
                  () => new RequiredActionExpiredError(ref, run.expires_at ?? 0, outcome.pending),
                );
              case 'failed': {
                const { call, failure } = outcome.result;
                if (onError === 'error') {
                  return throwError(() => new ToolCallError(ref, call, failure.reason, failure.cause));
                }
                failed(outcome.result, undefined);
                ended = true;
                return follow(cancelRun(client, ref, cancelConfig).pipe(map(runStatusEvent)));
              }
              case 'done':
                for (const result of outcome.results) {
                  ledger.record(result.call.id, result.output);
                  failed(result, result.output);
                }
                return follow(submitOutputs({ client, ledger, config: sourceConfig, watch }, ref, calls));
            }
          }),
        );
      };

      const subscription = follow(source).subscribe({
        next: (event) => subscriber.next(event),
        error: (error) => {
          // A source that read the run ended before it failed: there is nothing to cancel.
          if (isAfterEnd(error)) ended = true;
          subscriber.error(error);
        },
        complete: () => {
          completed = true;
          subscriber.complete();
        },
      });

      return () => {
        subscription.unsubscribe();
        const run = owned;
        if (completed || ended || run === undefined || !cancels) return;
        cancelOnLeave(client, run, resolved.onCancelError);
      };
    });
}
