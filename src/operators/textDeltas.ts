import { concatMap, type OperatorFunction } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';

/**
 * Emits the text of each text content delta (`thread.message.delta`, `text.value`), skipping empty
 * ones: the stream to append to a chat bubble.
 *
 * ```
 * events: --created--delta("Hel")--delta("lo")--delta(image)--completed|
 * result: -----------"Hel"---------"lo"-------------------------------|
 * ```
 *
 * The sources make the deltas add up to each message's final text in both modes (a poll source
 * emits a message's content as one delta, a resumed stream the missing tail as one more delta).
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
export function textDeltas(): OperatorFunction<RunEvent, string> {
  return concatMap((event) => (event.event === 'thread.message.delta' ? texts(event.data) : NONE));
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
