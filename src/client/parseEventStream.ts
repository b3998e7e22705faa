import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Observable } from 'rxjs';
import { checkByteLimit } from '../core/limits';
import { reasonOf } from '../errors/AssistantsError';
import { RunStreamError, StreamDisconnectedError, StreamParseError } from '../errors/StreamErrors';
import type { RunEvent } from '../events/RunEvent';
import { runEventProblem } from '../events/shapes';
import type { ErrorPayload } from '../events/types';

/** Options of {@link parseEventStream}. Internal. */
export interface ParseEventStreamOptions {
  /**
   * Largest event accepted, counted in characters of decoded text (equal to bytes for ASCII, never
   * more than the UTF-8 size). A bigger event, or a line that grows past it, errors the stream.
   * @default 16 MiB
   */
  maxEventBytes?: number;
}

/** 16 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

/**
 * Room for the `data: ` prefix and line ends that the parser buffers on top of an event's data, so
 * that whether an event passes the limit never depends on where the chunks were split.
 */
const PARSER_SLACK = 1024;

/**
 * Reads an Assistants SSE body and emits its `thread.*` events. Internal; shared by the clients and
 * the relay's `fromServerSentEvents`.
 *
 * ```
 * body:   --[run.created]--[message.delta x2]--[done]
 * result: --created--------delta--delta--------|
 * ```
 *
 * Cold: the body is locked and read from subscription on; unsubscribing cancels the reader. Each
 * frame is emitted synchronously as soon as its closing blank line arrives, so chunking never
 * changes what comes out. `event: done` completes (and cancels the rest of the body); frames
 * without a name or with a name outside `thread.*` (keep-alives, pings) are skipped; unknown
 * `thread.*` names pass through.
 *
 * @throws {RunStreamError} for an `event: error` frame, with its payload.
 * @throws {StreamParseError} when a `thread.*` frame's data is not a JSON object or lacks a field
 *   the library relies on for its event (a run's `status`, a delta's `index` …), or an event is
 *   larger than `maxEventBytes`; every earlier event was emitted first.
 * @throws {StreamDisconnectedError} when the body ends or breaks before `done`.
 */
export function parseEventStream(
  body: ReadableStream<Uint8Array>,
  options: ParseEventStreamOptions = {},
): Observable<RunEvent> {
  const { maxEventBytes = DEFAULT_MAX_EVENT_BYTES } = options;
  checkByteLimit('maxEventBytes', maxEventBytes);
  return new Observable<RunEvent>((subscriber) => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let receivedBytes = 0;
    // Set once the outcome is decided: later frames of the same chunk and later reads are ignored.
    let settled = false;

    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      reader.cancel().catch(() => {});
      if (error === undefined) subscriber.complete();
      else subscriber.error(error);
    };

    const tooBig = (event: string | undefined, raw: string) =>
      new StreamParseError(event, raw, `the event is larger than maxEventBytes (${maxEventBytes})`);

    // Per frame, in the order of how often each kind comes: `thread.*` events, then the end.
    const onEvent = ({ event, data }: EventSourceMessage): void => {
      if (settled || subscriber.closed) return;
      if (data.length > maxEventBytes) {
        finish(tooBig(event, data));
      } else if (event?.startsWith('thread.')) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(data);
        } catch (error) {
          finish(new StreamParseError(event, data, `invalid JSON: ${(error as Error).message}`));
          return;
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          finish(new StreamParseError(event, data, 'the data is not a JSON object'));
          return;
        }
        // The fields the reducer and collectors rely on, checked here so they never meet a lie.
        const problem = runEventProblem(event, parsed);
        if (problem === undefined) subscriber.next({ event, data: parsed } as RunEvent);
        else finish(new StreamParseError(event, data, problem));
      } else if (event === 'done') {
        finish();
      } else if (event === 'error') {
        finish(new RunStreamError(errorPayload(data)));
      }
      // Anything else (no name, a ping, another family of events) is skipped.
    };

    const parser = createParser({
      onEvent,
      onError(error) {
        // Unknown fields and bad `retry:` lines are noise to skip; only the size guard is fatal.
        if (error.type === 'max-buffer-size-exceeded') finish(tooBig(undefined, ''));
      },
      maxBufferSize: maxEventBytes + PARSER_SLACK,
    });

    const pump = (): void => {
      reader.read().then(
        ({ done, value }) => {
          if (settled || subscriber.closed) return;
          if (done) {
            parser.feed(decoder.decode());
            finish(
              new StreamDisconnectedError(
                `The event stream ended before its "done" event (${receivedBytes} bytes received).`,
                receivedBytes,
              ),
            );
            return;
          }
          receivedBytes += value.byteLength;
          parser.feed(decoder.decode(value, { stream: true }));
          if (!settled && !subscriber.closed) pump();
        },
        (error: unknown) => {
          if (settled || subscriber.closed) return;
          const reason = reasonOf(error);
          finish(
            new StreamDisconnectedError(
              `The event stream broke before its "done" event (${receivedBytes} bytes received): ${reason}`,
              receivedBytes,
              error,
            ),
          );
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

/** The payload of an `error` frame: its JSON object (unwrapping `{ error: {...} }`), else the raw text. */
function errorPayload(data: string): ErrorPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { message: data };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { message: data };
  const record = parsed as Record<string, unknown>;
  const inner = record['error'];
  const source =
    typeof record['message'] !== 'string' &&
    typeof inner === 'object' &&
    inner !== null &&
    !Array.isArray(inner)
      ? (inner as Record<string, unknown>)
      : record;
  const message = source['message'];
  return { ...source, message: typeof message === 'string' ? message : data } as ErrorPayload;
}
