import type { Observable } from 'rxjs';
import type { AssistantsClient } from '../../client/AssistantsClient';
import { type RunStart, type RunWire, runEngine } from '../../core/runEngine';
import { sendCancel } from '../../sources/cancelOnLeave';
import { markAfterEnd, markAnswer, markLeftAlone } from '../../sources/marks';
import type { ResponseEvent } from '../ResponseEvent';
import type { ResponseObject } from '../types';
import { followResponse } from './followResponse';
import type { ResolvedResponseConfig, ResponseRef } from './ResponseConfig';
import { belongsToResponse, type ResponseShown, responseShown, showResponseEvent } from './ResponseShown';
import { snapshotEvents } from './snapshotEvents';

/** What a Responses source knows before its first event: the response's id, and a cursor. */
export interface ResponseIds {
  responseId?: string | undefined;
  startingAfter?: number | undefined;
}

/** How a Responses source starts (see {@link RunStart}). Internal. */
export type ResponseStart = RunStart<ResponseEvent, ResponseObject, ResponseIds>;

/**
 * The Responses wire, in the engine's terms: a response is named by its id, its events are the
 * stream's `{ type, sequence_number … }` objects folded into {@link ResponseShown}, a
 * non-streaming answer is a `ResponseObject`, it is followed by re-attaching to its stream from
 * the cursor (or by polling), and cancelled with `responses.cancel`. A completed response with
 * function calls is "paused" for its caller: `handleFunctionCalls` continues it. Internal.
 */
function responsesWire(
  client: AssistantsClient,
  config: ResolvedResponseConfig,
  streamable: boolean,
): RunWire<ResponseEvent, ResponseShown, ResponseRef, ResponseObject, ResponseIds> {
  return {
    nameOf: (event) => String(event.type),
    payloadOf: (event) => event,
    start: (ids) => responseShown(ids.responseId, ids.startingAfter),
    belongs: belongsToResponse,
    show: showResponseEvent,
    foreign: (shown) => shown,
    ref: ({ responseId }) => (responseId === undefined ? undefined : { responseId }),
    finished: (shown) => shown.finished,
    paused: (shown) => shown.finished && shown.status === 'completed' && shown.calls,
    // A create's answer: nothing was shown of it, so its events begin with `response.created`.
    snapshot: (response) => snapshotEvents(responseShown(), response),
    follow: (shown, { firstDelayMs, onEnded }) =>
      followResponse(client, shown, {
        poll: config.poll,
        stream: streamable && config.mode === 'stream',
        firstDelayMs,
        onEnded,
      }),
    cancel: (ref) =>
      sendCancel(client.responses.cancel(ref.responseId), (error) => config.onCancelError(error, ref)),
    marks: { answer: markAnswer, leftAlone: markLeftAlone, afterEnd: markAfterEnd },
  };
}

/**
 * One response (a background run of the Responses API) as one cold Observable of its events: the
 * run engine on the Responses wire. `streamable`: the response can be re-attached to as a
 * stream (it was created with `stream: true`, or is watched in stream mode). Internal.
 */
export function responseSource(
  client: AssistantsClient,
  config: ResolvedResponseConfig,
  start: ResponseStart,
  streamable: boolean,
): Observable<ResponseEvent> {
  return runEngine(responsesWire(client, config, streamable), config, start);
}
