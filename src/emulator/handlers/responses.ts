import { Observable } from 'rxjs';
import type { Handler, JsonReply } from '../app';
import { nowMs } from '../clock';
import { badRequest } from '../http';
import { paginate } from '../paginate';
import { contextItems } from '../responses/brainView';
import { buildResponse, RESPONSE_FIELDS } from '../responses/buildResponse';
import { isActiveResponse } from '../responses/store';
import { responseStreamReply } from '../responses/streamReply';
import { checkArgs } from '../validate';

/**
 * `POST /responses`. With `stream: true`, its events as SSE (the response stops when the client
 * goes away, unless `background`); with `background: true`, the `queued` response at once (it
 * runs whatever happens to the connection); else the response once it has ended.
 */
export const createResponse: Handler = ({ body }, app) => {
  checkArgs(body, RESPONSE_FIELDS);
  const { store, engine, streamMaxAgeMs } = app.responses;
  const { record, conversation } = buildResponse(app.responses, body);
  store.releaseLogs(record.createdMs - streamMaxAgeMs);
  store.addResponse(record);
  if (conversation) {
    store.addItems(conversation, record.input);
    conversation.lastResponseId = record.response.id;
  }
  const { background } = record.response;
  if (record.streamed)
    return responseStreamReply(app.responses, record, { after: -1, start: true, cancelOnClose: !background });
  if (background) {
    engine.start(record);
    return { body: record.response };
  }
  return {
    later: new Observable<JsonReply>((subscriber) => {
      const events = engine.eventsOf(record).subscribe({
        complete: () => {
          subscriber.next({ body: record.response });
          subscriber.complete();
        },
      });
      engine.start(record);
      return () => {
        events.unsubscribe();
        // The client left before the end: a response that is not in the background stops.
        engine.cancel(record);
      };
    }),
  };
};

/**
 * `GET /responses/{response_id}`: the response as it is now. With `?stream=true`, its events
 * after `starting_after` (all when absent) replayed from its log, then live until it ends; only
 * for a response created with `stream: true`, and within `responseStreamMaxAgeMs` of its creation.
 */
export const retrieveResponse: Handler = ({ ids: [id = ''], query }, app) => {
  const record = app.responses.store.response(id);
  if (query.get('stream') !== 'true') return { body: record.response };
  if (!record.streamed)
    throw badRequest(
      "This response cannot be streamed because it was not created with 'stream: true'. Retrieve it without 'stream'.",
      'stream',
    );
  const maxAgeMs = app.responses.streamMaxAgeMs;
  // The service's words, with the emulator's age limit (responseStreamMaxAgeMs).
  if (!record.log || nowMs() - record.createdMs > maxAgeMs)
    throw badRequest(
      `This response can no longer be streamed because it is more than ${spoken(maxAgeMs)} old.`,
      'stream',
    );
  return responseStreamReply(app.responses, record, { after: startingAfter(query.get('starting_after')) });
};

/** A duration as the service words it: `5 minutes`, `1 minute`, `30 seconds`, `250 ms`. */
function spoken(ms: number): string {
  const [unit, size] =
    ms % 60_000 === 0 ? ['minute', 60_000] : ms % 1_000 === 0 ? ['second', 1_000] : ['ms', 1];
  const count = ms / size;
  return unit === 'ms' ? `${count} ms` : `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** `starting_after`: a whole number ≥ 0 (`-1`, everything, when absent). */
function startingAfter(text: string | null): number {
  if (text === null) return -1;
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < 0)
    throw badRequest(
      `Invalid 'starting_after': expected an integer >= 0, got '${text}'.`,
      'starting_after',
      'invalid_value',
    );
  return value;
}

/**
 * `POST /responses/{response_id}/cancel`: background responses only. An active one is
 * `cancelled` at once (its streams end, with no event: the wire has none for it); a cancelled
 * one is answered as it is; one that ended otherwise gets a 400, or, with
 * `idempotentResponseCancel`, is answered as it is.
 */
export const cancelResponse: Handler = ({ ids: [id = ''], body }, app) => {
  const { store, engine, idempotentCancel } = app.responses;
  const record = store.response(id);
  checkArgs(body, []);
  if (!record.response.background) throw badRequest('Cannot cancel a synchronous response.');
  const { status } = record.response;
  if (isActiveResponse(record)) engine.cancel(record);
  else if (status !== 'cancelled' && !idempotentCancel)
    throw badRequest(`Cannot cancel a ${status} response.`);
  return { body: record.response };
};

/** `DELETE /responses/{response_id}`: it stops if it is still going. */
export const deleteResponse: Handler = ({ ids: [id = ''] }, { responses }) => {
  responses.store.deleteResponse(responses.store.response(id));
  return { body: { id, object: 'response.deleted', deleted: true } };
};

/**
 * `GET /responses/{response_id}/input_items`, newest first by default: what the model read
 * (along a `previous_response_id` chain, the earlier inputs and outputs too, as the service
 * lists them); for a response in a conversation, its own input.
 */
export const listInputItems: Handler = ({ ids: [id = ''], query }, { responses }) => {
  const record = responses.store.response(id);
  const items = record.response.conversation ? record.input : contextItems(responses.store, record);
  return { body: paginate(items, query) };
};
