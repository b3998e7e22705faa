import type { BrainFunctionCallsAction, BrainTextAction } from './Brain';

// What the run script and the response script both make of a brain's actions: the chunks a text
// streams in, the arguments of calls.

/** Word-sized chunks with their leading space, as the service streams them: `"Hi there"` → `"Hi"`, `" there"`. */
export const splitWords = (text: string): string[] => text.match(/\s*\S+|\s+$/g) ?? [];

/**
 * The chunks of a message's text: word-sized, except that each citation marker is a chunk of its
 * own (so that its annotation comes with it).
 */
export function textChunks(text: string | readonly string[], citations: Citations = {}): string[] {
  if (typeof text !== 'string') return [...text];
  const markers = Object.keys(citations).filter((marker) => marker !== '');
  if (markers.length === 0) return splitWords(text);
  const escaped = markers.map((marker) => marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return text
    .split(new RegExp(`(${escaped.join('|')})`))
    .flatMap((part) => (Object.hasOwn(citations, part) ? [part] : splitWords(part)));
}

/** A text action's citations: marker → cited file id. */
export type Citations = NonNullable<BrainTextAction['citations']>;

/** Throws the `TypeError` that fails the run (or response) for a `function_calls` action without calls or names. */
export function checkFunctionCalls(action: BrainFunctionCallsAction): void {
  if (!Array.isArray(action.calls) || action.calls.length === 0)
    throw new TypeError('A function_calls action needs at least one call.');
  if (action.calls.some((call) => typeof call.name !== 'string' || call.name === ''))
    throw new TypeError('Each call of a function_calls action needs a name.');
}

/** A call's arguments as JSON text (an object is serialised; none is `{}`). */
export const callArguments = (call: BrainFunctionCallsAction['calls'][number]): string =>
  typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});

/**
 * A call's arguments in the pieces they stream in: each piece ends after a quote or at 16
 * characters (`{"city":"Paris"}` → `{"`, `city"`, `:"`, `Paris"`, `}`), as the service's
 * `function_call_arguments.delta` events split JSON. Joined, they are the arguments.
 */
export function argumentChunks(args: string): string[] {
  const chunks: string[] = [];
  let start = 0;
  for (let i = 0; i < args.length; i++)
    if (args[i] === '"' || i - start === 15) {
      chunks.push(args.slice(start, i + 1));
      start = i + 1;
    }
  if (start < args.length) chunks.push(args.slice(start));
  return chunks;
}
