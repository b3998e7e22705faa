import { catchError, concatMap, defer, type Observable, tap, throwError } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import { AssistantsApiError } from '../errors/AssistantsApiError';
import { AssistantsConnectionError } from '../errors/AssistantsConnectionError';
import { AssistantsError } from '../errors/AssistantsError';
import { StreamDisconnectedError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import type { RequiredActionFunctionToolCall, Run } from '../events/types';
import { isAnswer } from '../sources/marks';
import type { RunConfig, RunRef } from '../sources/RunConfig';
import { submitToolOutputs } from '../sources/submitToolOutputs';
import type { RunLedger } from './ToolOutputLedger';

/** Sends of the same outputs before the last failure without an answer is given up on. */
export const MAX_SUBMITS = 3;

/** What {@link submitOutputs} works with. Internal. */
export interface SubmitContext {
  client: AssistantsClient;
  /** The ledger of the run's calls. */
  ledger: RunLedger;
  /** For the `submitToolOutputs` source, with what the subscriber was shown of the run so far. */
  config: () => RunConfig;
  /** Follows the run by polling, from whatever state it is in (`watchRun`). */
  watch: (run: RunRef) => Observable<RunEvent>;
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
 * one request, with the public `submitToolOutputs` source, and emits the continuation's events.
 * The source marks the event that proves the server answered ({@link isAnswer}): from then on the
 * outputs count as taken. When the request fails without an answer, it reads the run: still
 * waiting on the same calls → the same outputs again (at most {@link MAX_SUBMITS} sends);
 * otherwise it follows the run. When the server refuses the submit (HTTP 400), it reads the run
 * too: one that no longer waits for these calls (cancelled or expired meanwhile) is followed to
 * its outcome; otherwise the refusal is the error. Internal, used by `handleRequiresAction`.
 */
export function submitOutputs(
  context: SubmitContext,
  ref: RunRef,
  calls: readonly RequiredActionFunctionToolCall[],
): Observable<RunEvent> {
  const { client, ledger, config, watch } = context;
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
    return submitToolOutputs(client, { ...ref, tool_outputs }, config()).pipe(
      tap((event) => {
        if (!answered && isAnswer(event)) {
          answered = true;
          ledger.accept(ids);
        }
      }),
      catchError((error: unknown) => {
        if (answered || !(isNoAnswer(error) || isRefused(error))) return throwError(() => error);
        if (isNoAnswer(error)) ledger.failed(ids, error);
        // The run says what happened. No answer: whether the outputs arrived (else send them again).
        // Refused: whether the run moved on without them (cancelled or expired meanwhile, say, by a
        // Stop button in another process), so the run's own outcome is what this source shows.
        return client.runs.retrieve(ref.threadId, ref.runId).pipe(
          concatMap((run) => {
            if (!waitsFor(run, calls)) return watch(ref);
            return isRefused(error) ? throwError(() => error) : submitOutputs(context, ref, calls);
          }),
        );
      }),
    );
  });
}
