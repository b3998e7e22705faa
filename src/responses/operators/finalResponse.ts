import { filter, map, type OperatorFunction, reduce } from 'rxjs';
import { AssistantsError } from '../../errors/AssistantsError';
import { isResponseLifecycleEvent, isTerminalResponseStatus, type ResponseEvent } from '../ResponseEvent';
import { initialResponseState } from '../state/ResponseState';
import { reduceResponseState } from '../state/reduceResponseState';
import type { ResponseObject } from '../types';

/**
 * The Responses events completed before the last response of the chain reached a terminal status
 * (`completed | failed | incomplete | cancelled`), so there is no final response to emit.
 */
export class NoResponseEventError extends AssistantsError {
  override readonly name = 'NoResponseEventError';
  /** The last response seen, if any lifecycle event named one. */
  readonly responseId: string | undefined;
  /** Its last status seen (`'pending'` when no lifecycle event came at all). */
  readonly status: string;

  constructor(responseId: string | undefined, status: string) {
    super(
      responseId === undefined
        ? 'The response events completed without any lifecycle event (response.created, response.completed …), ' +
            'so there is no final response. Check that the source is a Responses source (createResponse, watchResponse …).'
        : `The response events completed while response ${responseId} was still ${status}, ` +
            'so there is no final response. Did something upstream end the events early (take, takeUntil)?',
    );
    this.responseId = responseId;
    this.status = status;
  }
}

/**
 * Emits once, when the events complete, the last response of the chain as its terminal lifecycle
 * event carried it (`response.completed | failed | incomplete`, or the library's
 * `response.cancelled`): status, output, usage, error.
 *
 * ```
 * events: --created--in_progress--item events--completed|
 * result: ----------------------------------------------(response)|
 * ```
 *
 * After a function-call round (`handleFunctionCalls`) it is the continuation. A late replay of an
 * earlier lifecycle event is ignored, as in {@link reduceResponseState}.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from 'rxjs';
 * import { createResponse, finalResponse } from 'rxjs-assistants';
 *
 * const response = await lastValueFrom(
 *   createResponse(client, { model: 'gpt-4o-mini', input: 'Hello!' }).pipe(finalResponse()),
 * );
 * console.log(response.status, response.usage?.total_tokens);
 * ```
 *
 * @throws {NoResponseEventError} (as an error notification) when the events complete before the
 * last response is terminal.
 */
export function finalResponse(): OperatorFunction<ResponseEvent, ResponseObject> {
  return (source) =>
    source.pipe(
      // Only lifecycle events carry the response; the reducer's rules pick the one to keep.
      filter(isResponseLifecycleEvent),
      reduce(reduceResponseState, initialResponseState),
      map(({ response, responseId, status }) => {
        if (response === undefined || !isTerminalResponseStatus(response.status)) {
          throw new NoResponseEventError(responseId, status);
        }
        return response;
      }),
    );
}
