import { concatMap, type OperatorFunction } from 'rxjs';
import type { AnyRunEvent } from './eventFamilies';

/**
 * Emits the text of each text content delta (`thread.message.delta`'s `text.value`, or a Responses
 * `response.output_text.delta`), skipping empty ones: the stream to append to a chat bubble.
 *
 * ```
 * events: --created--delta("Hel")--delta("lo")--delta(image)--completed|
 * result: -----------"Hel"---------"lo"-------------------------------|
 * ```
 *
 * The sources make the deltas add up to each message's (or output text part's) final text in both
 * modes (a poll source emits a message's content as one delta, a resumed stream the missing tail
 * as one more delta).
 *
 * @example
 * ```ts
 * import { createRun, textDeltas } from 'rxjs-assistants';
 *
 * createRun(client, { threadId, assistant_id })
 *   .pipe(textDeltas())
 *   .subscribe((text) => process.stdout.write(text));
 * ```
 */
export function textDeltas(): OperatorFunction<AnyRunEvent, string> {
  return concatMap((event) => {
    if ('event' in event) return event.event === 'thread.message.delta' ? texts(event.data) : NONE;
    return event.type === 'response.output_text.delta' &&
      typeof event.delta === 'string' &&
      event.delta !== ''
      ? [event.delta]
      : NONE;
  });
}

const NONE: readonly string[] = [];

function texts(data: unknown): readonly string[] {
  const content = (data as { delta?: { content?: unknown } } | null)?.delta?.content;
  if (!Array.isArray(content)) return NONE;
  const out: string[] = [];
  for (const part of content as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const { type, text } = part as { type?: unknown; text?: { value?: unknown } | null };
    const value = text?.value;
    if (type === 'text' && typeof value === 'string' && value !== '') out.push(value);
  }
  return out;
}
