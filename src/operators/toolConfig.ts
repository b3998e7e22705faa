import { checkDuration } from '../core/limits';

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
  if (onError !== undefined && onError !== 'submit' && onError !== 'cancel' && onError !== 'error') {
    throw new TypeError(
      `${where}: onError must be 'submit', 'cancel' or 'error', got ${JSON.stringify(onError)}.`,
    );
  }
}
