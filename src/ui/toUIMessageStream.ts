import { Observable, type OperatorFunction } from 'rxjs';
import { isRunEvent } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import { defaultErrorPayload } from '../relay/eventFrames';
import { isResponseEvent, type ResponseEvent } from '../responses/ResponseEvent';
import { ChunkWriter, type FamilyChunks, type Outcome } from './ChunkWriter';
import { responseEventChunks } from './responseEventChunks';
import { runEventChunks } from './runEventChunks';
import type { UIMessageStreamChunk } from './UIMessageStreamChunk';

/** Options of {@link toUIMessageStream}. */
export interface ToUIMessageStreamOptions {
  /**
   * The id of the assistant's UI message, sent in the `start` chunk (to persist the message under
   * an id of your own).
   * @default none: the reader (`useChat`, `readUIMessageStream`) picks one
   */
  messageId?: string | undefined;
  /**
   * The `errorText` of the `error` chunk written when the events error (a connection lost for
   * good, a refused request …), e.g. to hide internal messages from browsers. If it throws or
   * returns something else than a string, the default is used.
   * @default the message the relay sends for the error: an API error's own message, an error's
   *   `message` (never a stack trace)
   */
  onError?: ((error: unknown) => string) | undefined;
  /**
   * Tells a submitted tool output that reports a failure (written as `tool-output-error`, its
   * text as `errorText`) from a result (`tool-output-available`). The wire does not mark
   * failures: a tool operator submits an error string as the output, so the model can recover.
   * @default `output.startsWith('Error: ')`: what `handleRequiresAction` and
   *   `handleFunctionCalls` submit for an unknown function, invalid arguments, a handler that
   *   threw or timed out
   */
  isToolError?: ((output: string) => boolean) | undefined;
}

/** The prefix of every failure string the library's tool operators submit. */
const isLibraryToolError = (output: string): boolean => output.startsWith('Error: ');

/**
 * Turns the events of an Assistants run or of a Responses response (or chain of responses) into
 * the AI SDK's UI message stream (protocol v1): the chunks `useChat`, `readUIMessageStream` and
 * assistant-ui read, for one assistant message.
 *
 * ```
 * events: --created--step.created--delta("Hi")--message.completed--step.completed--completed|
 * chunks: s-status---start-step----(text-start, text-delta "Hi")--text-end--finish-step--status--finish|
 * events: --created--#
 * chunks: s-status---(error, finish "error")|
 * ```
 *
 * - `start` at subscription; `start-step`/`finish-step` around each run step, or each response
 *   of a chain.
 * - `text-start`/`text-delta`/`text-end` per content part (refusals included), with the id
 *   `<message id>:<index>` (Assistants) or `<item id>:<content index>` (Responses): a stream
 *   resumed inside the subscription continues the same part, and a part's final payload adds
 *   whatever its fragments did not show, so the text is the server's.
 * - `reasoning-*` per reasoning summary part (`<item id>:summary:<index>`) or reasoning text.
 * - `tool-input-start`/`tool-input-delta`/`tool-input-available` per function call (the call id
 *   as `toolCallId`, the function name as `toolName`, the arguments parsed as JSON, or the raw
 *   text when they are not JSON); `tool-output-available` (the submitted output, parsed when it
 *   is JSON) or `tool-output-error` (see `isToolError`) when `handleRequiresAction` or
 *   `handleFunctionCalls` submitted it. Built-in tools (code interpreter, file search, web
 *   search …) are tool parts with `providerExecuted: true`, their name without `_call`.
 * - `source-document` per cited file (once per file id; titled by its name when known),
 *   `source-url` per cited page; `file` for an image URL in a message, `data-image-file`
 *   (`{ fileId }`) for an image file (the protocol has no file id: a page downloads it itself).
 * - `data-run-status` (`{ status, runId, threadId }` or `{ status, responseId }`, the run or
 *   response id as the part's id) on every status change.
 * - At the end: every open part ended, then for a completed run `finish` (`stop`, or
 *   `tool-calls` when it stopped at calls nobody answered); for a failed, expired or incomplete
 *   one `error` with the reason, then `finish` (`error`, `length` or `content-filter`); for a
 *   cancelled one `abort`. An error of the events becomes `error` and `finish` (`error`): the
 *   result never errors.
 *
 * Duplicated or replayed events write nothing new: lifecycle events are idempotent, and a
 * Responses event at or below its response's last `sequence_number` is dropped. (Assistants
 * fragments carry no sequence number: a fragment sent twice by a server is shown twice.)
 *
 * @example
 * ```ts
 * import { createRun, handleRequiresAction, toUIMessageStream } from 'rxjs-assistants';
 *
 * createRun(client, { threadId, assistant_id })
 *   .pipe(handleRequiresAction(client, { get_weather }), toUIMessageStream())
 *   .subscribe((chunk) => send(chunk));
 * ```
 *
 * @throws {TypeError} at once when `onError` or `isToolError` is not a function.
 */
export function toUIMessageStream(
  options: ToUIMessageStreamOptions = {},
): OperatorFunction<RunEvent | ResponseEvent, UIMessageStreamChunk> {
  const { messageId, onError, isToolError = isLibraryToolError } = options;
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError('toUIMessageStream: onError must be a function (error) => string.');
  }
  if (typeof isToolError !== 'function') {
    throw new TypeError('toUIMessageStream: isToolError must be a function (output: string) => boolean.');
  }
  if (messageId !== undefined && typeof messageId !== 'string') {
    throw new TypeError('toUIMessageStream: messageId must be a string.');
  }
  const errorText = (error: unknown): string => {
    try {
      const text = onError?.(error);
      if (typeof text === 'string') return text;
    } catch {
      // A formatter that fails must not lose the error chunk: the default text follows.
    }
    return defaultErrorPayload(error).message;
  };
  return (events$) =>
    new Observable<UIMessageStreamChunk>((subscriber) => {
      const writer = new ChunkWriter((chunk) => subscriber.next(chunk), isToolError);
      const runs = runEventChunks(writer);
      const responses = responseEventChunks(writer);
      let family: FamilyChunks<never> | undefined;
      let ended = false;
      const end = (outcome: Outcome) => {
        if (ended) return;
        ended = true;
        writer.end(outcome);
        subscriber.complete();
      };
      const fail = (error: unknown) => end({ finishReason: 'error', errorText: errorText(error) });
      subscriber.next(messageId === undefined ? { type: 'start' } : { type: 'start', messageId });
      // Completing the subscriber unsubscribes the events (the returned subscription is its teardown).
      return events$.subscribe({
        next(event) {
          if (ended) return;
          try {
            if (isResponseEvent(event)) {
              family = responses;
              responses.next(event);
            } else if (isRunEvent(event)) {
              family = runs;
              runs.next(event);
            }
          } catch (error) {
            // A payload the mapping could not read: end the message rather than throw out of the source.
            fail(error);
          }
        },
        error: fail,
        complete: () => end(family?.outcome() ?? { finishReason: 'other' }),
      });
    });
}
