import type { CodeInterpreterToolCall, FileSearchToolCall, FunctionToolCall } from '../events/types';
import type {
  BrainCodeInterpreterAction,
  BrainFileSearchAction,
  BrainFunctionCallsAction,
  BrainIncompleteAction,
  BrainText,
} from './Brain';
import { type Citations, callArguments, splitWords } from './brainActions';
import { brainTurn, type TurnEnv, type TurnShow } from './brainTurn';
import { nowSeconds } from './clock';
import type { Pause } from './drive';
import { newId } from './ids';
import type { RunOps } from './runOps';
import type { RunRecord } from './store';
import { streamMessage } from './textStream';

/** What a turn script needs from the engine. */
export interface ScriptEnv extends TurnEnv {
  ops: RunOps;
}

/**
 * One turn of a run, from `queued` to the point where it pauses or ends (`brainTurn`): run steps
 * and messages, a `function_calls` action pauses the run `requires_action`. Driven by `drive`.
 */
export const turnScript = (record: RunRecord, env: ScriptEnv): Generator<Pause, void, unknown> =>
  brainTurn(record, env, RUN_TURN);

/** Streams a message; returns `false` when it ended the run (`incomplete`, or `failed` by its text stream). */
function textMessage(
  record: RunRecord,
  { ops, latencyMs }: ScriptEnv,
  text: BrainText,
  incomplete?: BrainIncompleteAction,
  citations: Citations = {},
): Generator<Pause, boolean, unknown> {
  return streamMessage(text, citations, latencyMs, {
    open: () => {
      const { message, step } = ops.createMessage(record);
      const limit = record.run.max_completion_tokens;
      return { message, step, limit, spent: ops.completionTokens(record), written: 0 };
    },
    full: ({ limit, spent, written }) => typeof limit === 'number' && spent + written >= limit,
    write: (open, chunk) => {
      ops.appendText(
        record,
        open.message,
        chunk,
        Object.hasOwn(citations, chunk) ? citations[chunk] : undefined,
      );
      open.written++;
    },
    // The open message and step end with the run (`incomplete` / `failed`).
    fail: (_open, message) => ops.endRun(record, 'failed', { last_error: { code: 'server_error', message } }),
    close: ({ message, step, written }, truncated) => {
      const incompleteReason = incomplete ? (incomplete.reason ?? 'max_completion_tokens') : undefined;
      ops.finishMessage(record, message, truncated || incompleteReason ? 'incomplete' : 'completed');
      ops.finishStep(record, step, 'completed', written);
      if (!truncated && !incompleteReason) return true;
      ops.endRun(record, 'incomplete', {
        incomplete_details: { reason: incompleteReason ?? 'max_completion_tokens' },
      });
      return false;
    },
  });
}

/** A `tool_calls` step whose function calls stream in, then `requires_action`. */
function* functionCalls(
  record: RunRecord,
  { ops, latencyMs }: ScriptEnv,
  action: BrainFunctionCallsAction,
): Generator<Pause, void, unknown> {
  yield latencyMs;
  const toolCalls: FunctionToolCall[] = [];
  const step = ops.createStep(record, { type: 'tool_calls', tool_calls: toolCalls });
  for (const [index, call] of action.calls.entries()) {
    const args = callArguments(call);
    const toolCall: FunctionToolCall = {
      id: newId('call'),
      type: 'function',
      function: { name: call.name, arguments: '', output: null },
    };
    yield latencyMs;
    toolCalls.push(toolCall);
    ops.stepDelta(record, step, {
      type: 'tool_calls',
      tool_calls: [{ index, id: toolCall.id, type: 'function', function: { ...toolCall.function } }],
    });
    yield latencyMs;
    toolCall.function.arguments = args;
    ops.stepDelta(record, step, {
      type: 'tool_calls',
      tool_calls: [{ index, type: 'function', function: { arguments: args } }],
    });
  }
  yield latencyMs;
  const pending = toolCalls.map(({ id, function: { name, arguments: args } }) => ({
    id,
    type: 'function' as const,
    function: { name, arguments: args },
  }));
  ops.setStatus(record, 'requires_action', {
    required_action: { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: pending } },
  });
}

/** A completed `code_interpreter` step: the input streams in, then the logs. */
function* codeInterpreter(
  record: RunRecord,
  { ops, latencyMs }: ScriptEnv,
  action: BrainCodeInterpreterAction,
): Generator<Pause, void, unknown> {
  yield latencyMs;
  const call: CodeInterpreterToolCall = {
    id: newId('call'),
    type: 'code_interpreter',
    code_interpreter: { input: '', outputs: [] },
  };
  const step = ops.createStep(record, { type: 'tool_calls', tool_calls: [call] });
  yield latencyMs;
  ops.stepDelta(record, step, {
    type: 'tool_calls',
    tool_calls: [
      { index: 0, id: call.id, type: 'code_interpreter', code_interpreter: { input: '', outputs: [] } },
    ],
  });
  const chunks = splitWords(action.input);
  for (const chunk of chunks) {
    yield latencyMs;
    call.code_interpreter.input += chunk;
    ops.stepDelta(record, step, {
      type: 'tool_calls',
      tool_calls: [{ index: 0, type: 'code_interpreter', code_interpreter: { input: chunk } }],
    });
  }
  if (action.logs !== undefined) {
    yield latencyMs;
    call.code_interpreter.outputs.push({ type: 'logs', logs: action.logs });
    ops.stepDelta(record, step, {
      type: 'tool_calls',
      tool_calls: [
        {
          index: 0,
          type: 'code_interpreter',
          code_interpreter: { outputs: [{ index: 0, type: 'logs', logs: action.logs }] },
        },
      ],
    });
  }
  yield latencyMs;
  ops.finishStep(record, step, 'completed', chunks.length);
}

/** A completed `file_search` step: the call streams in, then the step completes with its results. */
function* fileSearch(
  record: RunRecord,
  { ops, latencyMs }: ScriptEnv,
  action: BrainFileSearchAction,
): Generator<Pause, void, unknown> {
  yield latencyMs;
  const ranking_options = { ranker: 'default_2024_08_21', score_threshold: 0 };
  const call: FileSearchToolCall = { id: newId('call'), type: 'file_search', file_search: {} };
  const step = ops.createStep(record, { type: 'tool_calls', tool_calls: [call] });
  yield latencyMs;
  ops.stepDelta(record, step, {
    type: 'tool_calls',
    tool_calls: [
      { index: 0, id: call.id, type: 'file_search', file_search: { ranking_options, results: [] } },
    ],
  });
  yield latencyMs;
  call.file_search = {
    ranking_options,
    results: action.results.map((result) => ({
      file_id: result.file_id,
      file_name: result.file_name,
      score: result.score ?? 0.5,
      attributes: {},
      content: result.content === undefined ? [] : [{ type: 'text' as const, text: result.content }],
    })),
  };
  ops.finishStep(record, step, 'completed');
}

/** A run's turn: `in_progress` with `started_at`, actions as steps, `completed` or `failed` with `last_error`. */
const RUN_TURN: TurnShow<RunRecord, ScriptEnv> = {
  start: (record, { ops }) => ops.setStatus(record, 'in_progress', { started_at: nowSeconds() }),
  text: textMessage,
  codeInterpreter,
  fileSearch,
  functionCalls,
  end: (record, { ops }, error) =>
    error ? ops.endRun(record, 'failed', { last_error: error }) : ops.endRun(record, 'completed'),
};
