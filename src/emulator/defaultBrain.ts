import type { FunctionDefinition } from '../events/types';
import { evaluateArithmetic, formatNumber } from './arithmetic';
import type { BrainAction, BrainContext } from './Brain';
import { firstJsonObject } from './jsonText';

/**
 * The emulator's deterministic default brain. For the latest user message of the thread:
 *
 * 1. If the run has function tools and the message contains a tool's name (the longest, if several
 *    do), it calls that tool once, with the first JSON object found in the message as arguments
 *    (`{}` if none; quotes outside braces are prose, and at most 256 `{…}` that look like objects
 *    are tried). After the outputs arrive it replies `<name> returned: <output>` (one line per
 *    call).
 * 2. Else, if the message (ignoring a trailing `=` or `?`) is an arithmetic expression, it replies
 *    with its value: `2 + 2` → `2 + 2 = 4` (`+ - * / % ^ **`, parentheses, at most 12 significant
 *    digits).
 * 3. Else it replies `You said: "<message>"`.
 *
 * Replies stream in word-sized deltas, one per `latencyMs`. It answers at once with an array of
 * actions (a `Brain` that never streams an iterable), so a brain that wraps it can spread them.
 *
 * @example
 * ```ts
 * import { defaultBrain, startEmulator } from 'rxjs-assistants/emulator';
 *
 * // Fail every run whose message says "fail", answer the rest like the default brain.
 * const emulator = await startEmulator({
 *   brain: (context) =>
 *     context.lastUserText.includes('fail') ? [{ type: 'fail', code: 'server_error' }] : defaultBrain(context),
 * });
 * ```
 */
export const defaultBrain = ({ run, lastUserText, toolResults }: BrainContext): BrainAction[] => {
  const functions = (run.tools ?? []).flatMap((tool) => (tool.type === 'function' ? [tool.function] : []));
  if (functions.length > 0) {
    if (toolResults.length > 0)
      return [{ type: 'text', text: toolResults.map((r) => `${r.name} returned: ${r.output}`).join('\n') }];
    const tool = mentionedTool(functions, lastUserText);
    if (tool)
      return [
        {
          type: 'function_calls',
          calls: [{ name: tool.name, arguments: firstJsonObject(lastUserText) ?? '{}' }],
        },
      ];
  }
  const expression = withoutTrailingMark(lastUserText);
  const value = evaluateArithmetic(expression);
  if (value !== undefined) return [{ type: 'text', text: `${expression} = ${formatNumber(value)}` }];
  return [{ type: 'text', text: `You said: "${lastUserText}"` }];
};

const mentionedTool = (functions: FunctionDefinition[], text: string): FunctionDefinition | undefined =>
  functions
    .filter((f) => f.name !== '' && text.includes(f.name))
    .reduce<FunctionDefinition | undefined>(
      (best, f) => (!best || f.name.length > best.name.length ? f : best),
      undefined,
    );

/**
 * The text trimmed, without one trailing `=` or `?` (and the space before it). By hand: the regex
 * `\s*[=?]\s*$` retries its `\s*` from every space of a long run of them, quadratic in its length.
 */
function withoutTrailingMark(text: string): string {
  const trimmed = text.trim();
  const last = trimmed.at(-1);
  return last === '=' || last === '?' ? trimmed.slice(0, -1).trimEnd() : trimmed;
}
