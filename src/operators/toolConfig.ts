import { checkDuration } from '../core/limits';
import { reasonOf } from '../errors/AssistantsError';
import type { ToolCallFailureReason } from './runToolCall';

/** What the tool operators (`handleRequiresAction`, `handleFunctionCalls`) share of their config. */
export interface ToolLoopConfig {
  /** Handlers running at once within a round. @default Infinity */
  concurrency?: number;
  /** Per-call limit in ms; a handler still running then is aborted and counts as failed. @default none */
  timeoutMs?: number;
  /**
   * What an unknown function name, a handler that throws or errors, or one that times out does:
   * `'submit'` sends an error string naming the function and the error as that call's output (the
   * model can recover); `'cancel'` aborts the round's other handlers and ends the run (Assistants:
   * cancels it and emits `thread.run.cancelled`; Responses: no continuation is created) and
   * completes; `'error'` aborts the other handlers, ends the run likewise and errors with a
   * `ToolCallError` (Responses: `FunctionCallError`).
   * @default 'submit'
   */
  onError?: 'submit' | 'cancel' | 'error';
  /**
   * Called for every tool call that produced no output of its own (no handler for its name, a
   * handler that threw or errored, one that timed out) under `onError: 'submit'` or `'cancel'`
   * (`'error'` raises it instead). A handler name that matches no function tool of the run is
   * warned about once, on the console.
   * @default a `console.warn` naming the function, the call and the cause
   */
  onToolError?: (failure: ToolFailure) => void;
}

/** Throws a `TypeError` saying what is wrong with a tool operator's handlers or config. Internal. */
export function checkToolConfig(where: string, handlers: unknown, config: ToolLoopConfig): void {
  if (typeof handlers !== 'function') {
    if (typeof handlers !== 'object' || handlers === null) {
      throw new TypeError(
        `${where}: handlers must be { [functionName]: (args, toolCall, { signal }) => output } or one function (toolCall, { signal }) => output, got ${String(handlers)}.`,
      );
    }
    for (const [name, handler] of Object.entries(handlers)) {
      if (typeof handler !== 'function') {
        throw new TypeError(`${where}: the handler for "${name}" must be a function, got ${typeof handler}.`);
      }
    }
  }
  const { concurrency, timeoutMs, onError } = config;
  if (
    concurrency !== undefined &&
    !(Number.isSafeInteger(concurrency) && concurrency >= 1) &&
    concurrency !== Infinity
  ) {
    throw new TypeError(
      `${where}: concurrency must be a whole number ≥ 1 or Infinity, got ${String(concurrency)}.`,
    );
  }
  checkDuration(`${where}: timeoutMs`, timeoutMs);
  if (config.onToolError !== undefined && typeof config.onToolError !== 'function') {
    throw new TypeError(`${where}: onToolError must be a function (failure) => void.`);
  }
  if (onError !== undefined && onError !== 'submit' && onError !== 'cancel' && onError !== 'error') {
    throw new TypeError(
      `${where}: onError must be 'submit', 'cancel' or 'error', got ${JSON.stringify(onError)}.`,
    );
  }
}

/** A tool call that produced no output of its own, as `onToolError` gets it. */
export interface ToolFailure {
  /** The function the model called. */
  functionName: string;
  /** The call's id (`tool_call_id` / `call_id`). */
  callId: string;
  /** No handler for that name, the handler threw or errored, or it outran `timeoutMs`. */
  reason: ToolCallFailureReason;
  /** What went wrong. */
  error: unknown;
  /** What the model is sent instead (`onError: 'submit'`), else `undefined`. */
  output: string | undefined;
  /** The run (Assistants) or response (Responses) that asked. */
  runId?: string | undefined;
  responseId?: string | undefined;
}

/** What a tool operator reports: failures to `onToolError`, handler names matching no tool once. */
export interface ToolReporter {
  failed(failure: ToolFailure): void;
  /** Warns once per handler name that names no function tool of the run (a typo like `get_wether`). */
  checkNames(handlers: unknown, tools: unknown, owner: string): void;
}

const warnFailure = (failure: ToolFailure): void => {
  const owner = failure.responseId ?? failure.runId ?? 'the run';
  const instead = failure.output === undefined ? '' : ' (the model was sent an error string instead)';
  console.warn(
    `rxjs-assistants: tool call ${failure.callId} (${failure.functionName}) of ${owner} failed: ${reasonOf(failure.error).replace(/\.$/, '')}${instead}. Pass onToolError to handle tool failures yourself.`,
  );
};

/** The function names among a run's or response's tools (both wires' shapes), or `undefined`. */
function functionNames(tools: unknown): Set<string> | undefined {
  if (!Array.isArray(tools)) return undefined;
  const names = new Set<string>();
  for (const tool of tools as { type?: unknown; name?: unknown; function?: { name?: unknown } }[]) {
    if (tool?.type !== 'function') continue;
    const name = tool.function?.name ?? tool.name;
    if (typeof name === 'string') names.add(name);
  }
  return names;
}

/** The reporter of one tool operator. `onToolError` defaults to a `console.warn`. Internal. */
export function toolReporter(
  where: string,
  onToolError: ((failure: ToolFailure) => void) | undefined,
): ToolReporter {
  const warned = new Set<string>();
  return {
    failed(failure) {
      try {
        (onToolError ?? warnFailure)(failure);
      } catch (thrown) {
        console.warn(`rxjs-assistants: ${where}'s onToolError threw: ${reasonOf(thrown)}`);
      }
    },
    checkNames(handlers, tools, owner) {
      if (typeof handlers !== 'object' || handlers === null) return;
      const names = functionNames(tools);
      if (names === undefined || names.size === 0) return;
      for (const name of Object.keys(handlers)) {
        if (names.has(name) || warned.has(name)) continue;
        warned.add(name);
        console.warn(
          `rxjs-assistants: ${where} has a handler for "${name}", but ${owner} has no function tool of that name (its functions: ${[...names].join(', ')}).`,
        );
      }
    },
  };
}
