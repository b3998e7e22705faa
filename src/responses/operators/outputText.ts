import { map, type OperatorFunction, reduce } from 'rxjs';
import { isTerminalResponseStatus, type ResponseEvent } from '../ResponseEvent';
import { initialResponseState, type ResponseState } from '../state/ResponseState';
import { reduceResponseState } from '../state/reduceResponseState';
import type { ResponseOutputItem } from '../types';

/**
 * Emits once, when the events complete, the output text of the last response of the chain: its
 * `output_text` parts concatenated in order (what the API calls `output_text`), from the terminal
 * payload's output when it has one, else from what the deltas built.
 *
 * ```
 * events: --created--delta("Hel")--delta("lo")--completed|
 * result: -----------------------------------------------("Hello")|
 * ```
 *
 * After a function-call round (`handleFunctionCalls`) the text is the continuation's, the answer
 * the model gave with the tools' outputs. Emits `''` when the last response has no text.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from 'rxjs';
 * import { createResponse, outputText } from 'rxjs-assistants';
 *
 * const text = await lastValueFrom(
 *   createResponse(client, { model: 'gpt-4o-mini', input: 'Hello!' }).pipe(outputText()),
 * );
 * ```
 */
export function outputText(): OperatorFunction<ResponseEvent, string> {
  return (source) => source.pipe(reduce(reduceResponseState, initialResponseState), map(textOfState));
}

/** The output text of the state's current response. */
function textOfState(state: ResponseState): string {
  const response = state.response;
  const final =
    response !== undefined && isTerminalResponseStatus(response.status) ? response.output : undefined;
  return textOfOutput(Array.isArray(final) && final.length > 0 ? final : state.output);
}

function textOfOutput(output: readonly ResponseOutputItem[]): string {
  let text = '';
  for (const item of output) {
    if (item.type !== 'message' || !('content' in item) || !Array.isArray(item.content)) continue;
    for (const part of item.content as readonly unknown[]) {
      if (isOutputText(part)) text += part.text;
    }
  }
  return text;
}

function isOutputText(part: unknown): part is { type: 'output_text'; text: string } {
  return (
    typeof part === 'object' &&
    part !== null &&
    (part as { type?: unknown }).type === 'output_text' &&
    typeof (part as { text?: unknown }).text === 'string'
  );
}
