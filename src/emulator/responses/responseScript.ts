import type {
  BrainCodeInterpreterAction,
  BrainFileSearchAction,
  BrainFunctionCallsAction,
  BrainIncompleteAction,
  BrainText,
} from '../Brain';
import { argumentChunks, type Citations, callArguments, splitWords } from '../brainActions';
import { brainTurn, type TurnEnv, type TurnShow } from '../brainTurn';
import type { Pause } from '../drive';
import { newId } from '../ids';
import { streamMessage } from '../textStream';
import type { StoredItem } from './objects';
import type { ResponseOps } from './responseOps';
import type { ResponseRecord } from './store';

/** What a response's script needs from the engine. */
export interface ResponseScriptEnv extends TurnEnv {
  ops: ResponseOps;
}

/**
 * A response from `queued` (or created `in_progress`) to its end (`brainTurn`): output items, then
 * `response.completed` unless an action ended it otherwise. A `function_calls` action ends the
 * turn: the calls are output items and the response completes (there is no `requires_action`).
 * Driven by `drive`.
 */
export const responseScript = (
  record: ResponseRecord,
  env: ResponseScriptEnv,
): Generator<Pause, void, unknown> => brainTurn(record, env, RESPONSE_TURN);

/**
 * An output message streamed in chunks; returns `false` when it ended the response: `incomplete`
 * (`max_output_tokens` spent, one chunk = one token, or an `incomplete` action) or `failed` (its
 * text stream failed).
 */
function text(
  record: ResponseRecord,
  { ops, latencyMs }: ResponseScriptEnv,
  content: BrainText,
  incomplete?: BrainIncompleteAction,
  citations: Citations = {},
): Generator<Pause, boolean, unknown> {
  return streamMessage(content, citations, latencyMs, {
    open: () => ({ text: ops.beginText(record), limit: record.response.max_output_tokens }),
    full: ({ limit }) => typeof limit === 'number' && record.tokens.output >= limit,
    write: (open, chunk) => {
      const fileId = Object.hasOwn(citations, chunk) ? citations[chunk] : undefined;
      const annotation =
        fileId === undefined
          ? undefined
          : {
              type: 'file_citation',
              file_id: fileId,
              index: open.text.part.text.length,
              filename: fileName(record, fileId),
            };
      ops.appendText(record, open.text, chunk, annotation);
    },
    // The open message ends `incomplete` with the response.
    fail: (_open, message) => ops.end(record, 'failed', { error: { code: 'server_error', message } }),
    close: (open, truncated) => {
      const ended = truncated || incomplete !== undefined;
      ops.finishText(record, open.text, ended ? 'incomplete' : 'completed');
      if (!ended) return true;
      ops.end(record, 'incomplete', { incomplete_details: { reason: 'max_output_tokens' } });
      return false;
    },
  });
}

/** The name of a file that a search of this response found, else its id. */
function fileName(record: ResponseRecord, fileId: string): string {
  for (const item of record.response.output)
    if (item.type === 'file_search_call' && Array.isArray(item['results']))
      for (const result of item['results'] as { file_id?: string; filename?: string }[])
        if (result.file_id === fileId && typeof result.filename === 'string') return result.filename;
  return fileId;
}

/** One `function_call` item per call, its arguments streamed in pieces; then the response completes. */
function* functionCalls(
  record: ResponseRecord,
  { ops, latencyMs }: ResponseScriptEnv,
  action: BrainFunctionCallsAction,
): Generator<Pause, void, unknown> {
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
  yield latencyMs;
  ops.end(record, 'completed');
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

/** A response's turn: `in_progress`, actions as output items, `completed` or `failed` with `error`. */
const RESPONSE_TURN: TurnShow<ResponseRecord, ResponseScriptEnv> = {
  start: (record, { ops }) => ops.setStatus(record, 'in_progress'),
  text,
  codeInterpreter,
  fileSearch,
  functionCalls,
  end: (record, { ops }, error) =>
    error ? ops.end(record, 'failed', { error }) : ops.end(record, 'completed'),
};
