import { reasonOf } from '../errors/AssistantsError';
import { isRunStatusEvent } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import type { RequiredActionFunctionToolCall, Run } from '../events/types';

/** What `handleRequiresAction` reads of a pause: is it one, and can it be driven. Internal. */

/** `true` for a status event whose run waits for tool outputs. */
export const isPause = (event: RunEvent): boolean =>
  isRunStatusEvent(event) && event.data?.status === 'requires_action';

/**
 * What is wrong with a paused run's payload for driving it, or `undefined`: the run must name
 * itself and its thread, and list at least one call, each with its own id, a function name and
 * string arguments. (fetchClient and openaiClient check payloads where they enter; a custom client
 * or a relay may still hand us anything.)
 */
export function pauseProblem(run: Run): string | undefined {
  const named = (value: unknown) => typeof value === 'string' && value !== '';
  if (!named(run.id) || !named(run.thread_id)) return 'it does not name its id and thread_id';
  const calls: unknown = run.required_action?.submit_tool_outputs?.tool_calls;
  if (!Array.isArray(calls) || calls.length === 0) {
    return 'it lists no calls in required_action.submit_tool_outputs.tool_calls';
  }
  const ids = new Set<string>();
  for (const call of calls as Array<Partial<RequiredActionFunctionToolCall> | null>) {
    const fn = call?.function;
    if (!named(call?.id) || typeof fn?.name !== 'string' || typeof fn.arguments !== 'string') {
      return `a listed call is not { id, function: { name, arguments } }: ${safeJson(call)}`;
    }
    if (ids.has(call?.id as string)) return `it lists the call ${call?.id} twice`;
    ids.add(call?.id as string);
  }
  return undefined;
}

const safeJson = (value: unknown): string => {
  try {
    return String(JSON.stringify(value)).slice(0, 200);
  } catch {
    return reasonOf(value);
  }
};
