import { Subject } from 'rxjs';
import type { RunEvent } from '../../src/events/RunEvent';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import { type ToUIMessageStreamOptions, toUIMessageStream } from '../../src/ui/toUIMessageStream';
import type { UIMessageStreamChunk } from '../../src/ui/UIMessageStreamChunk';

/**
 * The chunks `toUIMessageStream` writes, grouped by what caused them: `[0]` at subscription,
 * `[i + 1]` for `events[i]`, and the last group at completion (or at `error`, when given).
 */
export function chunksByEvent(
  events: readonly (RunEvent | ResponseEvent)[],
  options: ToUIMessageStreamOptions & { error?: unknown } = {},
): UIMessageStreamChunk[][] {
  const { error, ...streamOptions } = options;
  const source = new Subject<RunEvent | ResponseEvent>();
  const groups: UIMessageStreamChunk[][] = [[]];
  let completed = false;
  source.pipe(toUIMessageStream(streamOptions)).subscribe({
    next: (chunk) => groups.at(-1)?.push(chunk),
    error: (e) => {
      throw e;
    },
    complete: () => {
      completed = true;
    },
  });
  for (const event of events) {
    groups.push([]);
    source.next(event);
  }
  groups.push([]);
  if (error === undefined) source.complete();
  else source.error(error);
  if (!completed) throw new Error('toUIMessageStream did not complete');
  return groups;
}

/** Every chunk, in order. */
export const chunksOf = (
  events: readonly (RunEvent | ResponseEvent)[],
  options: ToUIMessageStreamOptions & { error?: unknown } = {},
): UIMessageStreamChunk[] => chunksByEvent(events, options).flat();

/** The text the chunks give each text part id, as a reader accumulates it. */
export function textsOf(chunks: readonly UIMessageStreamChunk[]): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const chunk of chunks) {
    if (chunk.type === 'text-start') texts[chunk.id] = '';
    if (chunk.type === 'text-delta') texts[chunk.id] = (texts[chunk.id] ?? '') + chunk.delta;
  }
  return texts;
}
