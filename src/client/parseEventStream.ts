import { Observable } from 'rxjs';
import { checkByteLimit } from '../core/limits';
import { reasonOf } from '../errors/AssistantsError';
import { RunStreamError, StreamDisconnectedError, StreamParseError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import { responseEventProblem, runEventProblem } from '../events/shapes';
import type { ErrorPayload } from '../events/types';
import type { ResponseEvent } from '../responses/ResponseEvent';
import { sseParser } from './sseParser';
import { textDeltaReader } from './textDeltaReader';

/**
 * Which wire a stream speaks: the Assistants API's `thread.*` events, or the Responses API's
 * `{ type, sequence_number … }` events.
 */
export type EventFamily = 'assistants' | 'responses';

/** Options of {@link parseEventStream}. Internal. */
export interface ParseEventStreamOptions {
  /**
   * Largest event accepted, counted in characters of decoded text (equal to bytes for ASCII, never
   * more than the UTF-8 size). A bigger event, or a line that grows past it, errors the stream.
   * @default 16 MiB
   */
  maxEventBytes?: number;
  /**
   * The wire of the body: `'assistants'` emits `{ event, data }` run events and ends at `done`;
   * `'responses'` emits each frame's data object and ends with the body after a terminal
   * response event.
   * @default 'assistants'
   */
  family?: EventFamily | undefined;
}

/** 16 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

/**
 * Room for the `data: ` prefix and line ends that the parser buffers on top of an event's data, so
 * that whether an event passes the limit never depends on where the chunks were split.
 */
const PARSER_SLACK = 1024;

/** `family`, checked: `name` is the option's name in the message. */
export function checkFamily(name: string, family: unknown): EventFamily {
  if (family === 'assistants' || family === 'responses') return family;
  throw new TypeError(`${name} must be 'assistants' or 'responses', got ${JSON.stringify(family)}.`);
}

/** Response events after which a stream may end. */
const TERMINAL_RESPONSE_EVENTS: ReadonlySet<string> = new Set([
  'response.completed',
  'response.failed',
  'response.incomplete',
  'response.cancelled',
]);

/**
 * Reads an SSE body of either wire and emits its events. Internal; shared by the clients and the
 * relay's `fromServerSentEvents`.
 *
 * ```
 * assistants body:   --[run.created]--[message.delta x2]--[done]
 * result:            --created--------delta--delta--------|
 * responses body:    --[response.created]--[output_text.delta]--[response.completed]--(end)
 * result:            --created-------------delta----------------completed-------------|
 * ```
 *
 * Cold: the body is locked and read from subscription on; unsubscribing cancels the reader. Each
 * frame is emitted synchronously as soon as its closing blank line arrives, so chunking never
 * changes what comes out.
 *
 * Assistants (`family: 'assistants'`): each `thread.*` frame becomes `{ event, data }`;
 * `event: done` completes (and cancels the rest of the body); frames without a name or with a name
 * outside `thread.*` (keep-alives, pings) are skipped; unknown `thread.*` names pass through.
 *
 * Responses (`family: 'responses'`): each frame's data is a JSON object whose `type` names the
 * event (the `event:` line may be absent), emitted as it is; `keepalive` events included, unknown
 * types passed through, frames with no data skipped. `data: [DONE]` completes; so does the end of
 * the body once a terminal event (`response.completed`, `failed`, `incomplete`) was emitted.
 *
 * @throws {RunStreamError} for an `error` frame (`event: error`, or data of `type: "error"`), with
 *   its payload.
 * @throws {StreamParseError} when a frame's data is not a JSON object or lacks a field the library
 *   relies on for its event (a run's `status`, a delta's `index`, a response event's `type` or
 *   `output_index` …), or an event is larger than `maxEventBytes`; every earlier event was emitted
 *   first.
 * @throws {StreamDisconnectedError} when the body ends or breaks before `done` (Assistants) or
 *   before a terminal response event (Responses).
 */
export function parseEventStream(
  body: ReadableStream<Uint8Array>,
  options?: ParseEventStreamOptions & { family?: 'assistants' | undefined },
): Observable<RunEvent>;
export function parseEventStream(
  body: ReadableStream<Uint8Array>,
  options: ParseEventStreamOptions & { family: 'responses' },
): Observable<ResponseEvent>;
export function parseEventStream(
  body: ReadableStream<Uint8Array>,
  options?: ParseEventStreamOptions,
): Observable<RunEvent | ResponseEvent>;
export function parseEventStream(
  body: ReadableStream<Uint8Array>,
  options: ParseEventStreamOptions = {},
): Observable<RunEvent | ResponseEvent> {
  const { maxEventBytes = DEFAULT_MAX_EVENT_BYTES, family = 'assistants' } = options;
  checkByteLimit('maxEventBytes', maxEventBytes);
  const responses = checkFamily('family', family) === 'responses';
  const end = responses ? 'a terminal response event' : 'its "done" event';
  return new Observable<RunEvent | ResponseEvent>((subscriber) => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let receivedBytes = 0;
    // Set once the outcome is decided: later frames of the same chunk and later reads are ignored.
    let settled = false;
    // Responses: a terminal event was emitted, so the end of the body is the end of the stream.
    let ended = false;

    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      reader.cancel().catch(() => {});
      if (error === undefined) subscriber.complete();
      else subscriber.error(error);
    };

    const tooBig = (event: string | undefined, raw: string) =>
      new StreamParseError(event, raw, `the event is larger than maxEventBytes (${maxEventBytes})`);

    /** The frame's data as a JSON object, or `undefined` once the stream was ended for it. */
    const objectOf = (event: string | undefined, data: string): Record<string, unknown> | undefined => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch (error) {
        finish(new StreamParseError(event, data, `invalid JSON: ${(error as Error).message}`));
        return undefined;
      }
      if (isObject(parsed)) return parsed;
      finish(new StreamParseError(event, data, 'the data is not a JSON object'));
      return undefined;
    };

    // Per frame, in the order of how often each kind comes: text deltas (read without a parse when
    // they have the API's exact layout, which passes the shape check by construction), other
    // `thread.*` events, then the end.
    const readTextDelta = textDeltaReader();
    const runFrame = (event: string | undefined, data: string): void => {
      if (event === 'thread.message.delta') {
        const delta = readTextDelta(data);
        if (delta !== undefined) {
          subscriber.next({ event, data: delta });
          return;
        }
      }
      if (event?.startsWith('thread.')) {
        const parsed = objectOf(event, data);
        if (parsed === undefined) return;
        // The fields the reducer and collectors rely on, checked here so they never meet a lie.
        const problem = runEventProblem(event, parsed);
        if (problem === undefined) subscriber.next({ event, data: parsed } as unknown as RunEvent);
        else finish(new StreamParseError(event, data, problem));
      } else if (event === 'done') {
        finish();
      } else if (event === 'error') {
        finish(new RunStreamError(errorPayload(data)));
      }
      // Anything else (no name, a ping, another family of events) is skipped.
    };

    // Per frame: the data object is the event; its `type` names it, whatever the `event:` line says.
    // A frame with no data (a bare ping) has no event to emit.
    const responseFrame = (event: string | undefined, data: string): void => {
      if (data === '[DONE]') finish();
      else if (event === 'error') finish(new RunStreamError(errorPayload(data)));
      else if (data !== '') responseEvent(event, data);
    };
    const responseEvent = (event: string | undefined, data: string): void => {
      const parsed = objectOf(event, data);
      if (parsed === undefined) return;
      const type = parsed['type'];
      const problem = type === 'error' ? undefined : responseEventProblem(parsed);
      if (type === 'error') {
        finish(new RunStreamError(errorPayload(data, parsed)));
      } else if (problem !== undefined) {
        finish(new StreamParseError(typeof type === 'string' ? type : event, data, problem));
      } else {
        if (TERMINAL_RESPONSE_EVENTS.has(type as string)) ended = true;
        subscriber.next(parsed as unknown as ResponseEvent);
      }
    };

    const frame = responses ? responseFrame : runFrame;
    // The size guard of a pending line is the only fatal parser error.
    const feed = sseParser(
      (event, data) => {
        if (settled || subscriber.closed) return;
        if (data.length > maxEventBytes) finish(tooBig(event, data));
        else frame(event, data);
      },
      maxEventBytes + PARSER_SLACK,
      () => finish(tooBig(undefined, '')),
    );

    // The body ended or broke before its end: how far it got, and why.
    const lost = (how: string, error?: unknown): StreamDisconnectedError =>
      new StreamDisconnectedError(
        `The event stream ${how === '' ? 'ended' : 'broke'} before ${end} (${receivedBytes} bytes received)${how || '.'}`,
        receivedBytes,
        error,
      );

    const pump = (): void => {
      reader.read().then(
        ({ done, value }) => {
          if (settled || subscriber.closed) return;
          if (done) {
            feed(decoder.decode());
            finish(ended ? undefined : lost(''));
            return;
          }
          receivedBytes += value.byteLength;
          feed(decoder.decode(value, { stream: true }));
          if (!settled && !subscriber.closed) pump();
        },
        (error: unknown) => {
          if (!settled && !subscriber.closed) finish(lost(`: ${reasonOf(error)}`, error));
        },
      );
    };
    pump();

    return () => {
      if (settled) return;
      settled = true;
      reader.cancel().catch(() => {});
    };
  });
}

/**
 * The payload of an `error` frame: its JSON object (unwrapping `{ error: {...} }`), else the raw
 * text. `parsed` is the data already parsed, when it was.
 */
function errorPayload(data: string, parsed?: unknown): ErrorPayload {
  try {
    parsed ??= JSON.parse(data);
  } catch {}
  const outer = isObject(parsed) ? parsed : { message: data };
  const source = typeof outer['message'] !== 'string' && isObject(outer['error']) ? outer['error'] : outer;
  const message = source['message'];
  return { ...source, message: typeof message === 'string' ? message : data } as ErrorPayload;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
