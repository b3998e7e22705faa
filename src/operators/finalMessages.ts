import { map, type OperatorFunction, reduce } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import type { Message } from '../events/types';
import { initialRunState, type RunState } from '../state/RunState';
import { reduceRunState } from '../state/reduceRunState';

/**
 * Emits once, when the events complete, the messages the run created, in order of first
 * appearance, with their final content (the server's terminal payload where one arrived, else what
 * the deltas built).
 *
 * ```
 * events: --created--msg.created--delta--delta--msg.completed--completed|
 * result: --------------------------------------------------------------([message])|
 * ```
 *
 * A message belongs to the run when its `run_id` is the run's id; one without a `run_id` counts
 * when it is an assistant message (a stream resumed mid-message). A `user` message in the events is
 * not part of the output unless it carries this run's `run_id`. Emits `[]` when there is none.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from 'rxjs';
 * import { createRun, finalMessages } from 'rxjs-assistants';
 *
 * const messages = await lastValueFrom(createRun(client, { threadId, assistant_id }).pipe(finalMessages()));
 * for (const block of messages[0]?.content ?? []) if (block.type === 'text') console.log(block.text.value);
 * ```
 */
export function finalMessages(): OperatorFunction<RunEvent, Message[]> {
  return (source) =>
    source.pipe(
      reduce(reduceRunState, initialRunState),
      map((state) => state.messages.filter((message) => isRunOutput(message, state))),
    );
}

function isRunOutput(message: Message, { runId }: RunState): boolean {
  if (typeof message.run_id === 'string' && runId !== undefined) return message.run_id === runId;
  return message.role === 'assistant';
}
