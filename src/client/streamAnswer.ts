import { from, type Observable, throwError } from 'rxjs';
import { StreamDisconnectedError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import type { ResponseEvent } from '../responses/ResponseEvent';
import { type AnswerLike, isEventStreamAnswer, notAStream, webStream } from './httpAnswer';
import { parseEventStream } from './parseEventStream';
import type { ApiRequest } from './Transport';

/** The limits a client reads a stream answer with. */
export interface StreamLimits {
  maxBodyBytes: number;
  maxEventBytes: number;
}

/**
 * The events of a success answer to a stream request, shared by the HTTP clients: its body parsed
 * as the request's family (run events, or response events for the Responses family); for an answer
 * that is not an event stream, the error its body holds (see `notAStream`); for one without a body,
 * a `StreamDisconnectedError`. Internal.
 */
export function streamAnswer(
  request: ApiRequest,
  url: string,
  answer: AnswerLike,
  { maxBodyBytes, maxEventBytes }: StreamLimits,
  signal?: AbortSignal,
): Observable<RunEvent | ResponseEvent> {
  if (!isEventStreamAnswer(answer)) {
    return from(notAStream(request.method, url, answer, maxBodyBytes, signal));
  }
  const body = webStream(answer.body);
  if (body === undefined) {
    return throwError(
      () => new StreamDisconnectedError('The event stream answer had no body (0 bytes received).', 0),
    );
  }
  return parseEventStream(body, { maxEventBytes, family: request.family ?? 'assistants' });
}
