import type { Observable } from 'rxjs';
import type { AssistantsClient } from '../../client/AssistantsClient';
import type { ResponseEvent } from '../ResponseEvent';
import { type ResponseConfig, resolveResponseConfig } from './ResponseConfig';
import { responseSource } from './responseSource';

/** The response to attach to. */
export interface WatchResponseParams {
  responseId: string;
  /** Only the events after this `sequence_number` (the last one you saw); from the start when absent. */
  startingAfter?: number | undefined;
}

/**
 * Attaches to an existing response by id, from any process, and emits its events until it ends:
 * in stream mode (default) from its event stream after `startingAfter`
 * (`GET /responses/{id}?stream=true&starting_after=N`), polling when the server refuses (a
 * response not created with `stream: true`, or too old); in poll mode from snapshots.
 * Unsubscribing does not cancel the response unless `cancelOnUnsubscribe: true` (an observer must
 * not cancel a response it did not start).
 *
 * @example
 * ```ts
 * import { fetchClient, outputText, watchResponse } from 'rxjs-assistants';
 *
 * watchResponse(fetchClient(), { responseId: 'resp_abc', startingAfter: 41 })
 *   .pipe(outputText())
 *   .subscribe((text) => console.log(text));
 * ```
 * @throws TypeError at call time when the id or cursor is invalid, or the config is.
 */
export function watchResponse(
  client: AssistantsClient,
  params: WatchResponseParams,
  config?: ResponseConfig,
): Observable<ResponseEvent> {
  const { responseId, startingAfter } = params ?? ({} as WatchResponseParams);
  if (typeof responseId !== 'string' || responseId === '') {
    throw new TypeError(
      'watchResponse: params.responseId must name the response to watch (e.g. "resp_abc").',
    );
  }
  if (startingAfter !== undefined && !(Number.isSafeInteger(startingAfter) && startingAfter >= -1)) {
    throw new TypeError(
      `watchResponse: params.startingAfter must be the sequence_number of the last event seen (a whole number ≥ 0), got ${String(startingAfter)}.`,
    );
  }
  const resolved = resolveResponseConfig('watchResponse', config, { cancelOnUnsubscribe: false });
  return responseSource(client, resolved, { kind: 'attach', ids: { responseId, startingAfter } }, true);
}
