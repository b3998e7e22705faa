import { defer, from, mergeMap, type Observable, throwError } from 'rxjs';
import { apiErrorFromText, headerRecord } from '../client/httpAnswer';
import { checkFamily, DEFAULT_MAX_EVENT_BYTES, parseEventStream } from '../client/parseEventStream';
import { checkByteLimit } from '../core/limits';
import { StreamDisconnectedError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import type { ResponseEvent } from '../responses/ResponseEvent';

/** Options of {@link fromServerSentEvents}. */
export interface FromServerSentEventsOptions {
  /**
   * Largest single event accepted; a bigger one errors with `StreamParseError`.
   * @default 16 MiB
   */
  maxEventBytes?: number | undefined;
  /**
   * The method of the request that produced the `Response`, named in the `AssistantsApiError` of
   * an error status (a `Response` does not record it).
   * @default 'GET'
   */
  method?: string | undefined;
  /**
   * The wire of the events: `'assistants'` reads run events (`thread.*` frames, ending at `done`);
   * `'responses'` reads response events (each frame's data object, by its `type`; ending at
   * `done` or, from the API itself, with the body after a terminal event), and the Observable is
   * then an `Observable<ResponseEvent>`.
   * @default 'assistants'
   */
  family?: 'assistants' | 'responses' | undefined;
}

/**
 * Reads run events or response events relayed as Server-Sent Events (by `toServerSentEvents`,
 * `toSSEResponse`, `pipeToNodeResponse`, or the API itself): the inverse of
 * {@link toServerSentEvents}, for browsers and any other `fetch` runtime. Same bytes in, same
 * events out, however the network splits them. Response events are read with
 * `{ family: 'responses' }` (the family is chosen, not guessed, so the events' type is known).
 *
 * ```
 * body:   --[thread.run.created]--[thread.message.delta]--[done]
 * result: --created---------------delta-------------------|
 * body:   --[thread.run.created]--[error]
 * result: --created---------------#  (RunStreamError)
 * ```
 *
 * Cold: the body is read from subscription on, and unsubscribing cancels it (for a `fetch`
 * response, that closes the connection, and the relaying server then cancels the run). A body can
 * be read only once, so subscribe once per response (to retry, send the request again). Comments
 * (keep-alives) are skipped; run events outside `thread.*` are skipped, unknown `thread.*` names
 * and unknown response event types pass through.
 *
 * @example
 * ```ts
 * import { fromServerSentEvents, runState } from 'rxjs-assistants';
 *
 * const response = await fetch('/api/runs', { method: 'POST', body: JSON.stringify({ text }) });
 * fromServerSentEvents(response, { method: 'POST' })
 *   .pipe(runState())
 *   .subscribe((state) => render(state));
 * ```
 *
 * @throws {TypeError} at once for an input that is neither a `Response` nor a `ReadableStream`, or
 *   an invalid `maxEventBytes`. The Observable errors with `AssistantsApiError` for a `Response`
 *   with a non-2xx status (its body read as the API's error JSON), `RunStreamError` for an `error`
 *   frame (its payload attached), `StreamParseError` for a frame that is not a JSON object or
 *   lacks a field its event needs, `StreamDisconnectedError` when the body ends or breaks before
 *   its end (every event received before is emitted first), and `TypeError` when the body was
 *   already read.
 */
export function fromServerSentEvents(
  input: Response | ReadableStream<Uint8Array>,
  options?: FromServerSentEventsOptions & { family?: 'assistants' | undefined },
): Observable<RunEvent>;
export function fromServerSentEvents(
  input: Response | ReadableStream<Uint8Array>,
  options: FromServerSentEventsOptions & { family: 'responses' },
): Observable<ResponseEvent>;
export function fromServerSentEvents(
  input: Response | ReadableStream<Uint8Array>,
  options?: FromServerSentEventsOptions,
): Observable<RunEvent | ResponseEvent>;
export function fromServerSentEvents(
  input: Response | ReadableStream<Uint8Array>,
  options: FromServerSentEventsOptions = {},
): Observable<RunEvent | ResponseEvent> {
  const { maxEventBytes = DEFAULT_MAX_EVENT_BYTES, method = 'GET', family = 'assistants' } = options;
  checkByteLimit('fromServerSentEvents: maxEventBytes', maxEventBytes);
  const parse = { maxEventBytes, family: checkFamily('fromServerSentEvents: family', family) };
  if (isStream(input)) {
    return defer(() => parseEventStream(unread(input), parse));
  }
  if (typeof input !== 'object' || input === null || typeof input.status !== 'number') {
    throw new TypeError(
      'fromServerSentEvents(input) expects a fetch Response or a ReadableStream<Uint8Array> of SSE bytes.',
    );
  }
  const response = input;
  return defer(() => {
    if (!response.ok) {
      // The relaying server (or the API) refused before streaming: its body is the error's JSON.
      return from(response.text().catch(() => '')).pipe(
        mergeMap((text) =>
          throwError(() =>
            apiErrorFromText(method, response.url, response.status, headerRecord(response.headers), text),
          ),
        ),
      );
    }
    if (response.bodyUsed) throw alreadyRead();
    if (response.body == null) {
      return throwError(
        () => new StreamDisconnectedError('The event stream answer had no body (0 bytes received).', 0),
      );
    }
    return parseEventStream(unread(response.body), parse);
  });
}

function isStream(input: unknown): input is ReadableStream<Uint8Array> {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as { getReader?: unknown }).getReader === 'function'
  );
}

/** The body itself, if nobody read it yet. */
function unread(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  if (body.locked) throw alreadyRead();
  return body;
}

const alreadyRead = () =>
  new TypeError(
    'fromServerSentEvents: the body was already read. A response can be read once: subscribe once per response, and send the request again to retry.',
  );
