import { map, type Observable } from 'rxjs';
import { errorFields } from '../client/httpAnswer';
import { AssistantsApiError } from '../errors/AssistantsApiError';
import { RunStreamError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import type { ErrorPayload } from '../events/types';
import { isResponseEvent, type ResponseEvent } from '../responses/ResponseEvent';
import { type FrameBody, type FrameEnding, type FrameOptions, frameSettings } from './frameBody';
import { SSE_DONE_FRAME, sseFrame } from './sseFrame';

/**
 * Run events and response events as a {@link FrameBody} in the API's own SSE format: the body
 * `toServerSentEvents`, `toSSEResponse` and `pipeToNodeResponse` write. Internal.
 */

/** Options of the event body; `toServerSentEvents` documents them. */
export interface EventFramesOptions extends FrameOptions {
  errorPayload?: ((error: unknown) => ErrorPayload) | undefined;
}

/** The `code` of the `error` frame that ends a stream whose reader fell behind. */
const BACKPRESSURE_CODE = 'relay_backpressure';

/** The payload of last resort, for an error whose own payload cannot be serialised. */
const FALLBACK_ERROR_FRAME = sseFrame('error', '{"message":"The run failed."}');

/**
 * The body of `events$`: one frame per event, then the `done` frame, or one `error` frame (with
 * the payload `errorPayload` builds) for an error of the events, an event that cannot be written
 * or a failed write; the relay's own `relay_backpressure` frame for a reader that fell behind.
 * Checks the options at call time (`caller` names the public function in the messages).
 */
export function eventFrames(
  caller: string,
  events$: Observable<RunEvent | ResponseEvent>,
  options: EventFramesOptions,
): FrameBody {
  const { errorPayload, ...frameOptions } = options;
  if (errorPayload !== undefined && typeof errorPayload !== 'function') {
    throw new TypeError(`${caller}: errorPayload must be a function (error) => ({ message, ... }).`);
  }
  const failed = (error: unknown) => errorFrame(error, errorPayload);
  const ending: FrameEnding = {
    done: [SSE_DONE_FRAME],
    failed: (error) => [failed(error)],
    // Written as is, not through `errorPayload`: it holds no detail of the server to hide, and the
    // reading side needs its code.
    fellBehind: (maxBufferedBytes) => [
      sseFrame(
        'error',
        JSON.stringify({
          message: `The reader fell behind by more than ${maxBufferedBytes} bytes (maxBufferedBytes), so the relay ended the stream.`,
          code: BACKPRESSURE_CODE,
        } satisfies ErrorPayload),
      ),
    ],
    broken: failed,
  };
  return { ...frameSettings(caller, frameOptions), frames$: events$.pipe(map(eventFrame)), ending };
}

/**
 * `event: <name>` / `data: <json>` for one event: a run event's name and data, or a response
 * event's type and the whole event (as the Responses API sends it). Throws a `TypeError` for what
 * no client could read back.
 */
function eventFrame(value: RunEvent | ResponseEvent): string {
  const response = isResponseEvent(value);
  let event: unknown;
  let data: unknown;
  if (response) {
    event = value.type;
    data = value;
  } else {
    ({ event, data } = (value ?? {}) as { event?: unknown; data?: unknown });
  }
  // A name must survive the trip: the reading side skips run events outside `thread.*`, and a line
  // break would let the payload forge frames.
  if (typeof event !== 'string' || /[\r\n]/.test(event) || !(response || event.startsWith('thread.'))) {
    throw new TypeError(
      `Cannot relay an event named ${JSON.stringify(event)}; run event names are "thread.*" and response event types a string, on one line.`,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError(`Cannot relay a "${event}" event: its data must be an object.`);
  }
  let json: string;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    throw new TypeError(
      `Cannot relay a "${event}" event: its data cannot be serialised as JSON: ${(error as Error).message}`,
    );
  }
  // JSON.stringify escapes CR and LF inside strings, so the data is always one line.
  return sseFrame(event, json);
}

/**
 * The `error` frame of an error, with the payload chosen by the caller or the default below. Never
 * throws: a formatter that fails falls back to the default payload, and a payload JSON cannot hold
 * (a BigInt, a cycle) to a generic one, so the client is never left hanging.
 */
function errorFrame(error: unknown, custom: ((error: unknown) => ErrorPayload) | undefined): string {
  let json: string | undefined;
  if (custom !== undefined) json = jsonOf(() => custom(error));
  json ??= jsonOf(() => defaultErrorPayload(error));
  return json === undefined ? FALLBACK_ERROR_FRAME : sseFrame('error', json);
}

/** The JSON of what `payload` returns, or `undefined` when it throws or JSON cannot hold it. */
function jsonOf(payload: () => unknown): string | undefined {
  try {
    return JSON.stringify(payload());
  } catch {
    return undefined;
  }
}

/**
 * The payload sent for an error: a `RunStreamError`'s own payload; an API error's status, code,
 * type, param and the server's message (not the backend URL); else the message alone. Never a stack.
 */
export function defaultErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof RunStreamError) return error.payload;
  if (error instanceof AssistantsApiError) {
    const { message = `The Assistants API answered HTTP ${error.status}.` } = errorFields(error.body);
    const payload: ErrorPayload & { status: number } = { message, status: error.status };
    if (error.code !== null) payload.code = error.code;
    if (error.type !== undefined) payload.type = error.type;
    if (error.param !== null) payload.param = error.param;
    return payload;
  }
  if (error instanceof Error) return { message: error.message };
  if (typeof error === 'string') return { message: error };
  return { message: 'The run failed.' };
}
