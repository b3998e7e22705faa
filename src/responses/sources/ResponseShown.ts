import { isResponseLifecycleEvent, isTerminalResponseStatus, type ResponseEvent } from '../ResponseEvent';
import type { ResponseObject, ResponseOutputItem, ResponseStatus } from '../types';

/**
 * What a subscription has shown of one response: an immutable value folded from the events it
 * emitted, so a re-attach knows its cursor and a poll shows only what is new. The Responses
 * twin of `RunShown`. Internal.
 */

/** What was shown of one output item. */
export interface ItemShown {
  readonly type: string;
  /** `output_item.done` was shown. */
  readonly done: boolean;
  /**
   * Characters shown of each text of the item: a message's parts by `content_index`, a function
   * call's arguments at 0, a reasoning item's summaries by `summary_index`.
   */
  readonly text: readonly number[];
}

export interface ResponseShown {
  readonly responseId: string | undefined;
  readonly status: ResponseStatus | undefined;
  /** A terminal status was shown. */
  readonly finished: boolean;
  /** The last `sequence_number` shown: the cursor a re-attach sends as `starting_after`. */
  readonly cursor: number | undefined;
  /** By `output_index`. */
  readonly items: readonly (ItemShown | undefined)[];
  /** A `function_call` item was shown (a completed response with one waits for its outputs). */
  readonly calls: boolean;
}

/** Nothing shown yet of the response `responseId` (if known), read from after `cursor` (if any). */
export function responseShown(responseId?: string, cursor?: number): ResponseShown {
  return { responseId, status: undefined, finished: false, cursor, items: [], calls: false };
}

/** An index beyond this distance from the items shown is not grown to (a hostile server's 1e9). */
const MAX_INDEX_GAP = 256;

/**
 * `false` for an event the subscription must not show: a replay at or below the cursor (a server
 * that ignored `starting_after`), or a lifecycle event of another response.
 */
export function belongsToResponse(shown: ResponseShown, event: ResponseEvent): boolean {
  const sequence = event.sequence_number;
  if (typeof sequence === 'number' && shown.cursor !== undefined && sequence <= shown.cursor) return false;
  if (shown.responseId !== undefined && isResponseLifecycleEvent(event)) {
    return event.response.id === shown.responseId;
  }
  return true;
}

/**
 * The text of a message's content part: an output text's `text`, a refusal's `refusal`, else `''`.
 * Read the same way where a part is shown and where a snapshot's part is synthesised, so what
 * was counted as shown is what is left out.
 */
export function partText(part: unknown): string {
  const { text, refusal } = (part ?? {}) as { text?: unknown; refusal?: unknown };
  return typeof text === 'string' ? text : typeof refusal === 'string' ? refusal : '';
}

/** The characters of each text of an item, as its snapshot has them. */
function textLengths(item: ResponseOutputItem): number[] {
  switch (item.type) {
    case 'message': {
      const content: unknown = (item as { content?: unknown }).content;
      return Array.isArray(content) ? content.map((part: unknown) => partText(part).length) : [];
    }
    case 'function_call': {
      const args = (item as { arguments?: unknown }).arguments;
      return [typeof args === 'string' ? args.length : 0];
    }
    case 'reasoning': {
      const summary = (item as { summary?: unknown }).summary;
      return Array.isArray(summary)
        ? summary.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text.length : 0))
        : [];
    }
    default:
      return [];
  }
}

const itemOf = (item: ResponseOutputItem, done: boolean): ItemShown => ({
  type: item.type,
  done,
  text: textLengths(item),
});

/** `shown` with the cursor moved (one object, built as a literal: this is the per-event path). */
function withCursor(shown: ResponseShown, cursor: number | undefined): ResponseShown {
  if (cursor === shown.cursor) return shown;
  return {
    responseId: shown.responseId,
    status: shown.status,
    finished: shown.finished,
    cursor,
    items: shown.items,
    calls: shown.calls,
  };
}

/** `shown` with the item at `index` replaced and the cursor moved. */
function withItem(
  shown: ResponseShown,
  index: number,
  item: ItemShown,
  cursor: number | undefined = shown.cursor,
): ResponseShown {
  if (index > shown.items.length + MAX_INDEX_GAP) return withCursor(shown, cursor);
  const items = shown.items.slice();
  items[index] = item;
  return {
    responseId: shown.responseId,
    status: shown.status,
    finished: shown.finished,
    cursor,
    items,
    calls: shown.calls || item.type === 'function_call',
  };
}

/** `text[at] += length` (or `= length`, with `whole`) of the item at `index`, and the cursor moved. */
function count(
  shown: ResponseShown,
  cursor: number | undefined,
  index: number,
  at: number,
  length: number,
  whole: boolean,
): ResponseShown {
  const item = shown.items[index];
  if (item === undefined || at < 0 || at > item.text.length + MAX_INDEX_GAP) return withCursor(shown, cursor);
  const text = item.text.slice();
  text[at] = whole ? length : (text[at] ?? 0) + length;
  return withItem(shown, index, { type: item.type, done: item.done, text }, cursor);
}

/** The response a lifecycle event carries shown: its id, status, and its output when it has one. */
function showResponse(
  shown: ResponseShown,
  cursor: number | undefined,
  response: ResponseObject,
): ResponseShown {
  const { id, status, output } = response;
  if (typeof id !== 'string' || typeof status !== 'string' || !Array.isArray(output)) {
    throw new TypeError('the response lacks "id", "status" or "output"');
  }
  let next: ResponseShown = {
    responseId: shown.responseId ?? id,
    status,
    finished: isTerminalResponseStatus(status),
    cursor,
    items: shown.items,
    calls: shown.calls,
  };
  const finished = next.finished;
  for (let index = 0; index < output.length; index++) {
    const item = output[index];
    if (typeof item?.type !== 'string') continue;
    const seen = next.items[index];
    if (seen?.done && !finished) continue;
    next = withItem(next, index, itemOf(item, finished || seen?.done === true));
  }
  return next;
}

const indexOf = (value: unknown): number => (typeof value === 'number' ? value : -1);

/** What was shown after one more event of the response. Throws for a payload it cannot read. */
export function showResponseEvent(shown: ResponseShown, event: ResponseEvent): ResponseShown {
  const sequence = event.sequence_number;
  const cursor =
    typeof sequence === 'number' && (shown.cursor === undefined || sequence > shown.cursor)
      ? sequence
      : shown.cursor;
  // Text deltas first: they are nearly every event of a response.
  switch (event.type) {
    case 'response.output_text.delta':
    case 'response.refusal.delta':
      return count(
        shown,
        cursor,
        indexOf(event.output_index),
        indexOf(event.content_index),
        event.delta.length,
        false,
      );
    case 'response.function_call_arguments.delta':
      return count(shown, cursor, indexOf(event.output_index), 0, event.delta.length, false);
    case 'response.reasoning_summary_text.delta':
      return count(
        shown,
        cursor,
        indexOf(event.output_index),
        indexOf(event.summary_index),
        event.delta.length,
        false,
      );
    case 'response.output_text.done':
      return count(
        shown,
        cursor,
        indexOf(event.output_index),
        indexOf(event.content_index),
        event.text.length,
        true,
      );
    case 'response.refusal.done':
      return count(
        shown,
        cursor,
        indexOf(event.output_index),
        indexOf(event.content_index),
        event.refusal.length,
        true,
      );
    case 'response.content_part.added':
    case 'response.content_part.done': {
      const text = partText(event.part);
      return count(
        shown,
        cursor,
        indexOf(event.output_index),
        indexOf(event.content_index),
        text.length,
        true,
      );
    }
    case 'response.function_call_arguments.done':
      return count(shown, cursor, indexOf(event.output_index), 0, event.arguments.length, true);
    case 'response.reasoning_summary_text.done':
      return count(
        shown,
        cursor,
        indexOf(event.output_index),
        indexOf(event.summary_index),
        event.text.length,
        true,
      );
    case 'response.output_item.added':
    case 'response.output_item.done': {
      const index = indexOf(event.output_index);
      if (index < 0 || typeof event.item?.type !== 'string') throw new TypeError('the item lacks "type"');
      return withItem(shown, index, itemOf(event.item, event.type === 'response.output_item.done'), cursor);
    }
    default:
      return isResponseLifecycleEvent(event)
        ? showResponse(shown, cursor, event.response)
        : withCursor(shown, cursor);
  }
}
