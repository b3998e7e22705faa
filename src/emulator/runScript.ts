import type { CodeInterpreterToolCall, FileSearchToolCall, FunctionToolCall } from '../events/types';
import type {
  BrainAction,
  BrainCodeInterpreterAction,
  BrainFileSearchAction,
  BrainFunctionCallsAction,
  BrainIncompleteAction,
  BrainText,
} from './Brain';
import { type Citations, callArguments, checkFunctionCalls, splitWords } from './brainActions';
import { nowSeconds } from './clock';
import type { Pause } from './drive';
import { newId } from './ids';
import type { RunOps } from './runOps';
import type { RunRecord } from './store';
import { streamText, textSource } from './textStream';

/** What a turn script needs from the engine. */
export interface ScriptEnv {
  ops: RunOps;
  latencyMs: number;
  /** Asks the brain for this turn's actions; never rejects (a failing brain becomes a `fail` action). */
  askBrain: () => Promise<readonly BrainAction[]>;
}

/**
 * One turn of a run, from `queued` to the point where it pauses or ends: `in_progress`, the brain's
 * actions one event at a time (a pause of `latencyMs` before each), then `completed` unless an
 * action paused or ended the run. Driven by `drive`.
 */
export function* turnScript(record: RunRecord, env: ScriptEnv): Generator<Pause, void, unknown> {
  const { ops, latencyMs } = env;
  yield latencyMs;
  ops.setStatus(record, 'in_progress', { started_at: nowSeconds() });
  const actions = (yield env.askBrain()) as readonly BrainAction[];
  for (const action of actions) {
    switch (action.type) {
      case 'delay':
        if (!(action.ms >= 0)) throw new TypeError(`A delay action needs ms >= 0, got ${action.ms}.`);
        yield action.ms;
        break;
      case 'text':
        if (!(yield* textMessage(record, env, action.text, undefined, action.citations))) return;
        break;
      case 'incomplete':
        yield* textMessage(record, env, action.text ?? [], action);
        return;
      case 'code_interpreter':
        yield* codeInterpreter(record, env, action);
        break;
      case 'file_search':
        yield* fileSearch(record, env, action);
        break;
      case 'function_calls':
        yield* functionCalls(record, env, action);
        return;
      case 'fail':
        yield latencyMs;
        ops.endRun(record, 'failed', {
          last_error: {
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
  ops.endRun(record, 'completed');
}

/** Streams a message; returns `false` when it ended the run (`incomplete`, or `failed` by its text stream). */
function* textMessage(
  record: RunRecord,
  { ops, latencyMs }: ScriptEnv,
  text: BrainText,
  incomplete?: BrainIncompleteAction,
  citations: Citations = {},
): Generator<Pause, boolean, unknown> {
  const source = textSource(text, citations);
  yield latencyMs;
  const { message, step } = ops.createMessage(record);
  const limit = record.run.max_completion_tokens;
  const spent = ops.completionTokens(record);
  let written = 0;
  const end = yield* streamText(source, {
    latencyMs,
    full: () => typeof limit === 'number' && spent + written >= limit,
    write: (chunk) => {
      ops.appendText(record, message, chunk, Object.hasOwn(citations, chunk) ? citations[chunk] : undefined);
      written++;
    },
  });
  if (typeof end === 'object') {
    // The open message and step end with the run (`incomplete` / `failed`).
    ops.endRun(record, 'failed', { last_error: { code: 'server_error', message: end.failed } });
    return false;
  }
  const truncated = end === 'limit';
  yield latencyMs;
  const incompleteReason = incomplete ? (incomplete.reason ?? 'max_completion_tokens') : undefined;
  ops.finishMessage(record, message, truncated || incompleteReason ? 'incomplete' : 'completed');
  ops.finishStep(record, step, 'completed', written);
  if (!truncated && !incompleteReason) return true;
  ops.endRun(record, 'incomplete', {
    incomplete_details: { reason: incompleteReason ?? 'max_completion_tokens' },
  });
  return false;
}

/** A `tool_calls` step whose function calls stream in, then `requires_action`. */
function* functionCalls(
  record: RunRecord,
  { ops, latencyMs }: ScriptEnv,
  action: BrainFunctionCallsAction,
): Generator<Pause, void, unknown> {
  checkFunctionCalls(action);
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
  if (!Array.isArray(action.results))
    throw new TypeError('A file_search action needs results (an array, possibly empty).');
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
