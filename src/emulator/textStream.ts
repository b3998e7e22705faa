import { describeError, isAsyncIterable } from './askBrain';
import type { BrainText } from './Brain';
import { type Citations, textChunks } from './brainActions';
import type { Pause } from './drive';

// How a message's text is streamed, for the run script and the response script alike: the chunks
// of a string or an array one per `latencyMs`, or those of an async iterable as it yields them;
// and the message around them (`streamMessage`).

/** The chunks a text streams in: split now (so a malformed text fails before the message opens). */
export type TextSource = readonly string[] | AsyncIterable<unknown>;

/** A text's chunks: word-sized for a string (citation markers apart), as given otherwise. */
export const textSource = (text: BrainText, citations: Citations = {}): TextSource =>
  isAsyncIterable(text) ? text : textChunks(text, citations);

/** Where the chunks go. */
export interface TextSink {
  /** The pause before each chunk of a string or an array (none between an iterable's chunks). */
  latencyMs: number;
  /** `true` once no more chunk may be written (the token limit is spent). */
  full(): boolean;
  write(chunk: string): void;
}

/** How a text's stream ended: all written, cut by the token limit, or its iterable failed. */
export type TextEnd = 'done' | 'limit' | { failed: string };

type Settled = { value: unknown } | { error: unknown };

/** `next()`'s answer, never rejecting: a failure is a value the script handles. */
const settle = (next: () => unknown): Promise<Settled> =>
  new Promise((resolve) => resolve(next())).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

const failed = (why: string): TextEnd => ({ failed: `The brain's text stream failed: ${why}` });

/** Tells an iterator we stop early; what it does about it (or throws) is its business. */
function stop(iterator: AsyncIterator<unknown>): void {
  try {
    Promise.resolve(iterator.return?.()).catch(() => undefined);
  } catch {
    // a return() that throws at once has stopped as well as it can
  }
}

/**
 * Streams the chunks into `sink`, yielding the pauses between them (for `drive`). An iterable's
 * chunks are written as its `next()` resolves; when the script stops early (token limit, a chunk
 * that is not a string, a cancelled run: `drive` then returns the script, which runs the
 * `finally`), the iterator's `return()` is called, as `for await` does. One that ended or threw
 * is not.
 */
export function* streamText(source: TextSource, sink: TextSink): Generator<Pause, TextEnd, unknown> {
  if (!isAsyncIterable(source)) {
    for (const chunk of source) {
      if (sink.full()) return 'limit';
      yield sink.latencyMs;
      sink.write(chunk);
    }
    return 'done';
  }
  let iterator: AsyncIterator<unknown>;
  try {
    iterator = source[Symbol.asyncIterator]();
  } catch (error) {
    return failed(describeError(error));
  }
  let open = true;
  try {
    for (;;) {
      if (sink.full()) return 'limit';
      const answer = (yield settle(() => iterator.next())) as Settled;
      if ('error' in answer) {
        open = false;
        return failed(describeError(answer.error));
      }
      const step = answer.value as IteratorResult<unknown> | null;
      if (step === null || typeof step !== 'object') {
        open = false;
        return failed(`its next() answered ${String(step)}, not { value, done }.`);
      }
      if (step.done) {
        open = false;
        return 'done';
      }
      if (typeof step.value !== 'string') return failed(`it yielded ${typeName(step.value)}, not a string.`);
      if (step.value !== '') sink.write(step.value);
    }
  } finally {
    if (open) stop(iterator);
  }
}

const typeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;

/** How a script shows a message as its text streams: a run's message and step, a response's output item. */
export interface MessageShow<O> {
  /** Opens the message: what the other calls write to. */
  open(): O;
  /** `true` once no more chunk may be written (the token limit is spent). */
  full(open: O): boolean;
  write(open: O, chunk: string): void;
  /** Fails the turn: the text stream failed (the open message ends with the turn). */
  fail(open: O, message: string): void;
  /** Closes the message, `cut` by the token limit or not; `false` when that ended the turn. */
  close(open: O, cut: boolean): boolean;
}

/**
 * A message: a pause, it opens, its text streams in (`streamText`), a pause, it closes. Returns
 * `false` when it ended the turn (its text stream failed, or `close` said so).
 */
export function* streamMessage<O>(
  text: BrainText,
  citations: Citations,
  latencyMs: number,
  show: MessageShow<O>,
): Generator<Pause, boolean, unknown> {
  const source = textSource(text, citations);
  yield latencyMs;
  const open = show.open();
  const end = yield* streamText(source, {
    latencyMs,
    full: () => show.full(open),
    write: (chunk) => show.write(open, chunk),
  });
  if (typeof end === 'object') {
    show.fail(open, end.failed);
    return false;
  }
  yield latencyMs;
  return show.close(open, end === 'limit');
}
