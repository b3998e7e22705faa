import type { ErrorPayload } from '../events/types';
import { AssistantsError } from './AssistantsError';

/** The server sent an SSE `error` frame. `payload` is its parsed `data`. */
export class RunStreamError extends AssistantsError {
  override readonly name = 'RunStreamError';
  readonly payload: ErrorPayload;

  constructor(payload: ErrorPayload) {
    super(`The server sent an error event: ${payload.message}${payload.code ? ` (${payload.code})` : ''}`);
    this.payload = payload;
  }
}

/** A frame's `data` is not the JSON object its event needs. Everything before it was delivered. */
export class StreamParseError extends AssistantsError {
  override readonly name = 'StreamParseError';
  /** The SSE event name of the bad frame (`undefined` when the frame had none). */
  readonly event: string | undefined;
  /** The start of the frame's raw `data` (at most 200 characters). */
  readonly raw: string;

  constructor(event: string | undefined, raw: string, reason: string) {
    const start = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
    super(`Malformed data in the "${event ?? '(unnamed)'}" event (${reason}): ${JSON.stringify(start)}`);
    this.event = event;
    this.raw = start;
  }
}

/**
 * The stream ended (or broke) before its end: the server's `done` frame (Assistants) or a
 * terminal response event (Responses). Everything received before was delivered. Sources resume
 * when they know the run or response id (`resumeOnDisconnect`): a run by polling, a response by
 * re-attaching from its cursor.
 */
export class StreamDisconnectedError extends AssistantsError {
  override readonly name = 'StreamDisconnectedError';
  /** Bytes received before the stream ended. */
  readonly receivedBytes: number;

  constructor(message: string, receivedBytes: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.receivedBytes = receivedBytes;
  }
}
