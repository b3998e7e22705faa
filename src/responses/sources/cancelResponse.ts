import { filter, last, map, type Observable } from 'rxjs';
import type { AssistantsClient } from '../../client/AssistantsClient';
import { cancelAndFollow } from '../../sources/cancelAndFollow';
import { isResponseLifecycleEvent, isTerminalResponseStatus } from '../ResponseEvent';
import type { ResponseObject } from '../types';
import type { ResponseConfig } from './ResponseConfig';
import { watchResponse } from './watchResponse';

/**
 * Cancels a background response (`POST /responses/{id}/cancel`) and follows it to its final
 * status (`cancelled`, or whatever it reached first), then emits that response once. Cancelling a
 * response that already ended is not an error: servers that refuse it (HTTP 400) are asked for the
 * response, and its final state is emitted.
 *
 * @example
 * ```ts
 * import { cancelResponse, fetchClient } from 'rxjs-assistants';
 *
 * cancelResponse(fetchClient(), { responseId: 'resp_abc' }).subscribe((r) => console.log(r.status));
 * ```
 * @throws TypeError at call time when the id is missing.
 */
export function cancelResponse(
  client: AssistantsClient,
  params: { responseId: string },
  config?: Pick<ResponseConfig, 'poll'>,
): Observable<ResponseObject> {
  const { responseId } = params ?? ({} as { responseId: string });
  if (typeof responseId !== 'string' || responseId === '') {
    throw new TypeError(
      'cancelResponse: params.responseId must name the response to cancel (e.g. "resp_abc").',
    );
  }
  const follow = (): Observable<ResponseObject> =>
    watchResponse(client, { responseId }, { ...config, mode: 'poll' }).pipe(
      filter(isResponseLifecycleEvent),
      last(),
      map((event) => event.response),
    );
  return cancelAndFollow({
    cancel: () => client.responses.cancel(responseId),
    retrieve: () => client.responses.retrieve(responseId),
    follow,
    ended: (response) => isTerminalResponseStatus(response.status),
  });
}
