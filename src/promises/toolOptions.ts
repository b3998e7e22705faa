import type { ToolLoopConfig } from '../operators/toolConfig';

const TOOL_LOOP_KEYS = ['concurrency', 'timeoutMs', 'onError', 'onToolError'] as const;

/**
 * Throws a `TypeError` when a promise helper is given tool-loop options without handlers: they
 * would be ignored, which is never what was meant. Internal.
 */
export function checkToolOptions(where: string, handlers: unknown, options: ToolLoopConfig): void {
  if (handlers !== undefined) return;
  const stray = TOOL_LOOP_KEYS.find((key) => options[key] !== undefined);
  if (stray === undefined) return;
  throw new TypeError(
    `${where}: ${stray} configures the tool handlers, but no handlers were given: pass { handlers: { [functionName]: (args) => output }, ${stray}: … }, or remove ${stray}.`,
  );
}
