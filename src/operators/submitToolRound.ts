import { catchError, concatMap, defer, type Observable, throwError } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import { AssistantsApiError } from '../errors/AssistantsApiError';
import { AssistantsConnectionError } from '../errors/AssistantsConnectionError';
import { AssistantsError } from '../errors/AssistantsError';
import { StreamDisconnectedError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import type { RequiredActionFunctionToolCall, Run } from '../events/types';
import type { RunConfig, RunRef } from '../sources/RunConfig';
import type { RunTracker } from '../sources/RunTracker';
import { continueRunWithOutputs } from '../sources/submitToolOutputs';
import { submitReceipt } from './submitReceipt';
import type { ToolOutputLedger } from './ToolOutputLedger';

/** Sends of the same outputs before the last failure without an answer is given up on. */
export const MAX_SUBMITS = 3;

/** What {@link submitToolRound} works with. Internal. */
export interface SubmitRoundContext {
  client: AssistantsClient;
  ledger: ToolOutputLedger;
  /** For the `submitToolOutputs` source (without cancel on unsubscribe: the operator does that). */
  config: RunConfig;
  /** Follows the run by polling, from whatever state it is in. */
  watch: (run: RunRef) => Observable<RunEvent>;
  /** What this subscription has shown of the run, so the continuation shows only what is new. */
  tracker: RunTracker;
}

const isNoAnswer = (error: unknown): boolean =>
  error instanceof AssistantsConnectionError || error instanceof StreamDisconnectedError;

/** The server refused the submit: a 400 is what a run that no longer waits for these calls answers. */
const isRefused = (error: unknown): boolean => error instanceof AssistantsApiError && error.status === 400;

const waitsFor = (run: Run, calls: readonly RequiredActionFunctionToolCall[]): boolean => {
  const listed =
    run.status === 'requires_action' ? run.required_action?.submit_tool_outputs?.tool_calls : undefined;
  return (
    Array.isArray(listed) &&
    listed.length === calls.length &&
    listed.every((call) => calls.some((known) => known.id === call.id))
  );
};

/**
 * Submits the ledger's outputs for the calls of one round that the server has not taken yet, in
 * one request, and emits the continuation's events. When the request fails without an answer, it
 * reads the run: still waiting on the same calls → the same outputs again (at most
 * {@link MAX_SUBMITS} sends); otherwise it follows the run. When the server refuses the submit
 * (HTTP 400), it reads the run too: one that no longer waits for these calls (cancelled or expired
 * meanwhile) is followed to its outcome; otherwise the refusal is the error. Internal, used by
 * `handleRequiresAction`.
 */
export function submitToolRound(
  context: SubmitRoundContext,
  ref: RunRef,
  calls: readonly RequiredActionFunctionToolCall[],
): Observable<RunEvent> {
  const { client, ledger, config, watch, tracker } = context;
  return defer(() => {
    const ids = calls.filter((call) => !ledger.accepted(call.id)).map((call) => call.id);
    const spent = ids.find((id) => ledger.sends(id) >= MAX_SUBMITS);
    if (spent !== undefined) {
      return throwError(
        () =>
          ledger.lastFailure(spent) ??
          new AssistantsError(
            `handleRequiresAction: run ${ref.runId} still waits for ${ids.join(', ')} after ${MAX_SUBMITS} submits.`,
          ),
      );
    }
    const tool_outputs = ids.map((id) => ({ tool_call_id: id, output: ledger.output(id) }));
    ledger.sending(ids);
    let answered = false;
    const receipt = submitReceipt(client, {
      answered: () => {
        answered = true;
        ledger.accept(ids);
      },
      failed: (error) => ledger.failed(ids, error),
    });
    return continueRunWithOutputs(receipt, { ...ref, tool_outputs }, config, tracker).pipe(
      catchError((error: unknown) => {
        if (answered || !(isNoAnswer(error) || isRefused(error))) return throwError(() => error);
        // The run says what happened. No answer: whether the outputs arrived (else send them again).
        // Refused: whether the run moved on without them (cancelled or expired meanwhile, say, by a
        // Stop button in another process), so the run's own outcome is what this source shows.
        return client.runs.retrieve(ref.threadId, ref.runId).pipe(
          concatMap((run) => {
            if (!waitsFor(run, calls)) return watch(ref);
            return isRefused(error) ? throwError(() => error) : submitToolRound(context, ref, calls);
          }),
        );
      }),
    );
  });
}
