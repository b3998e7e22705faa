import type { Assistant, Message, Run, Thread } from '../events/types';
import type { ResponseObject } from '../responses/types';

/** A function call made earlier in this run, with the output the client submitted for it. */
export interface BrainToolResult {
  /** The tool call id (`call_…`). */
  id: string;
  name: string;
  /** The arguments as the JSON string the run sent. */
  arguments: string;
  output: string;
}

/**
 * What a brain sees when a run or a response asks it for its next turn. Copies: changing them
 * changes nothing.
 */
export interface BrainContext {
  /**
   * Which API asks: `'assistants'` (a run) or `'responses'` (a response). For a response the
   * Assistants-shaped fields are a view of it, so one brain scripts both: `run` has the response's
   * id, model, instructions, tools (a function tool as `{ type: 'function', function: { name … } }`),
   * metadata and `max_output_tokens` as `max_completion_tokens`; `assistant` has the same model,
   * instructions and tools (and the id `''`); `thread` is the conversation (or, without one, the
   * first response of the `previous_response_id` chain); `messages` are the text messages the
   * model reads, oldest first (the conversation's, or the chain's, then the input's).
   */
  readonly api: 'assistants' | 'responses';
  /** The response being answered, `in_progress` (only when `api` is `'responses'`). */
  readonly response?: ResponseObject;
  readonly assistant: Assistant;
  readonly thread: Thread;
  /** The run, `in_progress`. `run.tools` are the tools in effect (the assistant's unless the run overrides them). */
  readonly run: Run;
  /** The thread's messages, oldest first. */
  readonly messages: readonly Message[];
  /** The text of the latest user message of the thread, `''` when there is none. */
  readonly lastUserText: string;
  /**
   * Every function call of this run answered so far, oldest first. Empty on the first turn. For a
   * response: the calls its `function_call_output` input items answer, after those of the
   * continuations before it that also answered calls (a chain of tool rounds is one "run").
   */
  readonly toolResults: readonly BrainToolResult[];
  /**
   * `0` for the first turn of a run, then one more after each `submit_tool_outputs`. For a
   * response: `0` unless its input answers function calls, then one more than the response whose
   * calls it answers.
   */
  readonly turn: number;
  /**
   * Aborted when the turn is over: it ended, or the run or response was cancelled, expired or
   * removed, or the emulator closed. Pass it to `fetch` (or a model's API) so a cancelled run
   * stops the work it started. Not a copy: the one signal of this turn.
   */
  readonly signal: AbortSignal;
}

/**
 * The text of a message: a string (streamed in word-sized deltas), the chunks to stream, or an
 * async iterable of chunks streamed as it yields them (a local model's tokens), without
 * `latencyMs` between them. Cancelling the run or response calls the iterator's `return()`; an
 * iterator that throws (or yields something other than a string) fails it with `server_error`
 * and `The brain's text stream failed: <message>`. An empty chunk is skipped.
 */
export type BrainText = string | readonly string[] | AsyncIterable<string>;

/**
 * Write a message. A string is streamed in word-sized deltas (`"Hello there"` → `"Hello"`,
 * `" there"`); an array is streamed as the given chunks, one delta per `latencyMs`; an async
 * iterable is streamed as it yields (see {@link BrainText}). If the run's `max_completion_tokens`
 * runs out (one chunk = one token), the message ends `incomplete` and so does the run (an
 * iterable is then stopped with `return()`).
 */
export interface BrainTextAction {
  type: 'text';
  text: BrainText;
  /**
   * File citations: each key is a marker written in `text` (as the service writes them, e.g.
   * `"【4:0†menu.txt】"`), each value the id of the file it cites. A marker streams as a chunk of its
   * own, with a `file_citation` annotation (`start_index`/`end_index` in the message's text); from
   * an async iterable, a chunk that is exactly a marker.
   */
  citations?: Readonly<Record<string, string>>;
}

/**
 * Call functions: a `tool_calls` step whose calls stream as `thread.run.step.delta`, then the run
 * pauses at `requires_action`. This ends the turn (later actions of the same turn are ignored); the
 * brain is asked again once the outputs are submitted, with them in `toolResults`. In a response:
 * `function_call` output items whose arguments stream, then the response completes; the brain is
 * asked again for the continuation that answers them (`function_call_output` input items).
 */
export interface BrainFunctionCallsAction {
  type: 'function_calls';
  calls: readonly {
    name: string;
    /** An object is JSON-serialised. @default '{}' */
    arguments?: string | Record<string, unknown>;
  }[];
}

/** A completed `code_interpreter` step: the input streams in word-sized deltas, then the logs. */
export interface BrainCodeInterpreterAction {
  type: 'code_interpreter';
  input: string;
  /** Output logs, if any. */
  logs?: string;
}

/**
 * A completed `file_search` step with these results, as when the assistant searched the files of its
 * vector stores. Cite a result from a later `text` action (`citations`). The results are always
 * returned with their `content` (`include[]` is accepted and not needed).
 */
export interface BrainFileSearchAction {
  type: 'file_search';
  results: readonly {
    file_id: string;
    file_name: string;
    /** @default 0.5 */
    score?: number;
    /** The matching text of the file. */
    content?: string;
  }[];
}

/** Wait before the next action (the run stays `in_progress`). */
export interface BrainDelayAction {
  type: 'delay';
  ms: number;
}

/** End the run `failed` with this `last_error`. */
export interface BrainFailAction {
  type: 'fail';
  /** @default 'server_error' */
  code?: 'server_error' | 'rate_limit_exceeded' | 'invalid_prompt';
  /** @default 'Sorry, something went wrong.' */
  message?: string;
}

/**
 * End the run `incomplete`, as when a token limit is hit: the text (if any) is streamed, the message
 * ends `thread.message.incomplete` (`max_tokens`), then the run ends `incomplete` with this reason.
 */
export interface BrainIncompleteAction {
  type: 'incomplete';
  text?: BrainText;
  /** @default 'max_completion_tokens' */
  reason?: 'max_completion_tokens' | 'max_prompt_tokens';
}

/** One thing the assistant does during a turn. */
export type BrainAction =
  | BrainTextAction
  | BrainFunctionCallsAction
  | BrainCodeInterpreterAction
  | BrainFileSearchAction
  | BrainDelayAction
  | BrainFailAction
  | BrainIncompleteAction;

/**
 * Scripts the assistant of the emulator. Called each time a run goes `in_progress` (once at the
 * start, then after every `submit_tool_outputs`) and once per response (`context.api` tells
 * which); returns the actions of that turn, performed in order. A turn that neither calls
 * functions, fails nor ends incomplete completes the run. A brain that throws (or rejects) fails
 * the run with `server_error` and the error's message. In a response, text is an output message
 * (`output_text` deltas), a failure is `response.failed` with `error`, an incomplete end is
 * `response.incomplete` (`max_output_tokens`), code interpreter and file search are their
 * `*_call` output items.
 *
 * A brain may also return an async iterable of text chunks (an `async function*` is one): the
 * turn is then one `text` action streaming them as they come (see {@link BrainText}).
 *
 * @example
 * ```ts
 * import { startEmulator, type Brain } from 'rxjs-assistants/emulator';
 *
 * const brain: Brain = ({ turn, toolResults }) =>
 *   turn === 0
 *     ? [{ type: 'function_calls', calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }]
 *     : [{ type: 'delay', ms: 20 }, { type: 'text', text: `It is ${toolResults[0]?.output}.` }];
 * const emulator = await startEmulator({ brain });
 * ```
 *
 * @example
 * ```ts
 * import { startEmulator, type Brain } from 'rxjs-assistants/emulator';
 *
 * // Tokens stream as a local model (here a timer) produces them.
 * const streaming: Brain = async function* ({ lastUserText, signal }) {
 *   for (const word of lastUserText.split(' ')) {
 *     await new Promise((resolve) => setTimeout(resolve, 50));
 *     if (signal.aborted) return;
 *     yield `${word} `;
 *   }
 * };
 * const emulator = await startEmulator({ brain: streaming });
 * ```
 */
export type Brain = (
  context: BrainContext,
) => readonly BrainAction[] | PromiseLike<readonly BrainAction[]> | AsyncIterable<string>;
