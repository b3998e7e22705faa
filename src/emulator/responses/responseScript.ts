import type {
  BrainAction,
  BrainCodeInterpreterAction,
  BrainFileSearchAction,
  BrainFunctionCallsAction,
  BrainIncompleteAction,
  BrainText,
} from '../Brain';
import {
  argumentChunks,
  type Citations,
  callArguments,
  checkFunctionCalls,
  splitWords,
} from '../brainActions';
import type { Pause } from '../drive';
import { newId } from '../ids';
import { streamText, textSource } from '../textStream';
import type { StoredItem } from './objects';
import type { ResponseOps } from './responseOps';
import type { ResponseRecord } from './store';

/** What a response's script needs from the engine. */
export interface ResponseScriptEnv {
  ops: ResponseOps;
  latencyMs: number;
  /** Asks the brain for the turn's actions; never rejects (a failing brain becomes a `fail` action). */
  askBrain: () => Promise<readonly BrainAction[]>;
}

/**
 * A response from `queued` (or created `in_progress`) to its end: `response.in_progress`, the
 * brain's actions one event at a time (a pause of `latencyMs` before each), then
 * `response.completed` unless an action ended it otherwise. A `function_calls` action ends the
 * turn: the calls are output items and the response completes (there is no `requires_action`).
 * Driven by `drive`.
 */
export function* responseScript(
  record: ResponseRecord,
  env: ResponseScriptEnv,
): Generator<Pause, void, unknown> {
  const { ops, latencyMs } = env;
  yield latencyMs;
  ops.setStatus(record, 'in_progress');
  const actions = (yield env.askBrain()) as readonly BrainAction[];
  for (const action of actions) {
    switch (action.type) {
      case 'delay':
        if (!(action.ms >= 0)) throw new TypeError(`A delay action needs ms >= 0, got ${action.ms}.`);
        yield action.ms;
        break;
      case 'text':
        if (!(yield* text(record, env, action.text, undefined, action.citations))) return;
        break;
      case 'incomplete':
        yield* text(record, env, action.text ?? [], action);
        return;
      case 'function_calls':
        yield* functionCalls(record, env, action);
        yield latencyMs;
        ops.end(record, 'completed');
        return;
      case 'code_interpreter':
        yield* codeInterpreter(record, env, action);
        break;
      case 'file_search':
        yield* fileSearch(record, env, action);
        break;
      case 'fail':
        yield latencyMs;
        ops.end(record, 'failed', {
          error: {
            code: action.code ?? 'server_error',
            message: action.message ?? 'Sorry, something went wrong.',
          },
        });
        return;
      default:
        throw new TypeError(`Unknown brain action: ${JSON.stringify(action)}.`);
    }
  }
  yield latencyMs;
  ops.end(record, 'completed');
}

/**
 * An output message streamed in chunks; returns `false` when it ended the response: `incomplete`
 * (`max_output_tokens` spent, one chunk = one token, or an `incomplete` action) or `failed` (its
 * text stream failed).
 */
function* text(
  record: ResponseRecord,
  { ops, latencyMs }: ResponseScriptEnv,
  content: BrainText,
  incomplete?: BrainIncompleteAction,
  citations: Citations = {},
): Generator<Pause, boolean, unknown> {
  const source = textSource(content, citations);
  yield latencyMs;
  const open = ops.beginText(record);
  const limit = record.response.max_output_tokens;
  const end = yield* streamText(source, {
    latencyMs,
    full: () => typeof limit === 'number' && record.tokens.output >= limit,
    write: (chunk) => {
      const fileId = Object.hasOwn(citations, chunk) ? citations[chunk] : undefined;
      const annotation =
        fileId === undefined
          ? undefined
          : {
              type: 'file_citation',
              file_id: fileId,
              index: open.part.text.length,
              filename: fileName(record, fileId),
            };
      ops.appendText(record, open, chunk, annotation);
    },
  });
  if (typeof end === 'object') {
    // The open message ends `incomplete` with the response.
    ops.end(record, 'failed', { error: { code: 'server_error', message: end.failed } });
    return false;
  }
  yield latencyMs;
  const ended = end === 'limit' || incomplete !== undefined;
  ops.finishText(record, open, ended ? 'incomplete' : 'completed');
  if (!ended) return true;
  ops.end(record, 'incomplete', { incomplete_details: { reason: 'max_output_tokens' } });
  return false;
}

/** The name of a file that a search of this response found, else its id. */
function fileName(record: ResponseRecord, fileId: string): string {
  for (const item of record.response.output)
    if (item.type === 'file_search_call' && Array.isArray(item['results']))
      for (const result of item['results'] as { file_id?: string; filename?: string }[])
        if (result.file_id === fileId && typeof result.filename === 'string') return result.filename;
  return fileId;
}

/** One `function_call` item per call, its arguments streamed in pieces. */
function* functionCalls(
  record: ResponseRecord,
  { ops, latencyMs }: ResponseScriptEnv,
  action: BrainFunctionCallsAction,
): Generator<Pause, void, unknown> {
  checkFunctionCalls(action);
  for (const call of action.calls) {
    yield latencyMs;
    const { item, index } = ops.beginCall(record, call.name);
    for (const chunk of argumentChunks(callArguments(call))) {
      yield latencyMs;
      ops.appendArguments(record, item, index, chunk);
    }
    yield latencyMs;
    ops.finishCall(record, item, index);
  }
}

/** A `code_interpreter_call` item: in progress, its code streamed, interpreting, completed with its logs. */
function* codeInterpreter(
  record: ResponseRecord,
  { ops, latencyMs }: ResponseScriptEnv,
  action: BrainCodeInterpreterAction,
): Generator<Pause, void, unknown> {
  yield latencyMs;
  const item: StoredItem = {
    id: newId('ci'),
    type: 'code_interpreter_call',
    status: 'in_progress',
    code: '',
    container_id: 'cntr_emulator',
    outputs: null,
  };
  const index = ops.addItem(record, item);
  const at = { output_index: index, item_id: item.id };
  ops.event(record, 'response.code_interpreter_call.in_progress', at);
  for (const chunk of splitWords(action.input)) {
    yield latencyMs;
    item['code'] += chunk;
    record.tokens.output++;
    ops.event(record, 'response.code_interpreter_call_code.delta', { ...at, delta: chunk });
  }
  yield latencyMs;
  ops.event(record, 'response.code_interpreter_call_code.done', { ...at, code: item['code'] });
  item['status'] = 'interpreting';
  ops.event(record, 'response.code_interpreter_call.interpreting', at);
  yield latencyMs;
  item['outputs'] = action.logs === undefined ? [] : [{ type: 'logs', logs: action.logs }];
  ops.event(record, 'response.code_interpreter_call.completed', at);
  ops.finishItem(record, item, index);
}

/** A `file_search_call` item: in progress, searching, completed with its results. */
function* fileSearch(
  record: ResponseRecord,
  { ops, latencyMs }: ResponseScriptEnv,
  action: BrainFileSearchAction,
): Generator<Pause, void, unknown> {
  if (!Array.isArray(action.results))
    throw new TypeError('A file_search action needs results (an array, possibly empty).');
  yield latencyMs;
  const item: StoredItem = {
    id: newId('fs'),
    type: 'file_search_call',
    status: 'in_progress',
    queries: [],
    results: null,
  };
  const index = ops.addItem(record, item);
  const at = { output_index: index, item_id: item.id };
  ops.event(record, 'response.file_search_call.in_progress', at);
  yield latencyMs;
  item['status'] = 'searching';
  ops.event(record, 'response.file_search_call.searching', at);
  yield latencyMs;
  item['results'] = action.results.map((result) => ({
    file_id: result.file_id,
    filename: result.file_name,
    score: result.score ?? 0.5,
    text: result.content ?? '',
    attributes: {},
  }));
  ops.event(record, 'response.file_search_call.completed', at);
  ops.finishItem(record, item, index);
}
