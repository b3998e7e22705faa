import { isRecord, isUsableIndex, jsonEqual, type Rec, withoutForbiddenKeys } from '../../state/objects';
import type { ResponseOutputItem } from '../types';
import { withCallField, withField } from './rebuild';

/**
 * Output items for `reduceResponseState`: finding the item an event names, replacing it, and the
 * item-level events (added, done, call arguments, built-in tools' progress). Internal.
 *
 * Every function returns `output` itself when the event changes nothing, so the reducer can tell
 * by identity. Items entering from the wire have their top-level forbidden keys removed.
 */

/** An output item read as a record: the wire carries fields the types do not name. */
export type ItemRecord = Rec & { readonly type: string; readonly id?: unknown };

/** `item` as a record (every output item is a JSON object). */
export function recordOf(item: ResponseOutputItem): ItemRecord {
  return item as unknown as ItemRecord;
}

/** `record` as an output item: the reducer builds records of the item's own shape. */
export function itemOf(record: Rec): ResponseOutputItem {
  return record as unknown as ResponseOutputItem;
}

/**
 * The item at `at` when the event naming `itemId` may apply to it: an item with another id there
 * belongs to another response or is a different item, and the event is ignored.
 */
export function itemAt(
  output: readonly ResponseOutputItem[],
  at: unknown,
  itemId: unknown,
): ItemRecord | undefined {
  if (typeof at !== 'number') return undefined;
  const item = output[at];
  if (item === undefined) return undefined;
  const held = recordOf(item);
  if (typeof held.id === 'string' && typeof itemId === 'string' && held.id !== itemId) return undefined;
  return held;
}

/**
 * The item at `at`, or a new one from `make` when `at` is the next index (a stream joined after
 * the item's `output_item.added`); `undefined` when neither applies.
 */
export function itemOrNew(
  output: readonly ResponseOutputItem[],
  at: unknown,
  itemId: unknown,
  make: (id: string) => ItemRecord,
): ItemRecord | undefined {
  if (typeof at === 'number' && at < output.length) return itemAt(output, at, itemId);
  return isUsableIndex(at, output.length) && typeof itemId === 'string' ? make(itemId) : undefined;
}

/** A message item begun by a text event whose `output_item.added` this state never saw. */
export function newMessage(id: string): ItemRecord {
  return { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' };
}

/** A reasoning item begun by a reasoning event whose `output_item.added` this state never saw. */
export function newReasoning(id: string): ItemRecord {
  return { id, type: 'reasoning', summary: [], content: [] };
}

/** `output` with `item` at `at` (an existing index or the next one). */
export function setItem(output: readonly ResponseOutputItem[], at: number, item: Rec): ResponseOutputItem[] {
  const next = output.slice();
  next[at] = itemOf(item);
  return next;
}

/** `true` once an item can no longer change: deltas after it are replays. */
export function isFinished(item: ItemRecord): boolean {
  const status = item['status'];
  return status === 'completed' || status === 'incomplete' || status === 'failed';
}

/** `true` when `incoming` is the same item as `held` (same type, and the same id where both have one). */
function sameItem(held: ItemRecord, incoming: Rec): boolean {
  if (held.type !== incoming['type']) return false;
  const id = incoming['id'];
  return typeof held.id !== 'string' || typeof id !== 'string' || held.id === id;
}

/**
 * `output` after `response.output_item.added | done`. `added` for an item already held is a replay
 * (what is held has more); `done` is the server's final word on the item and replaces it, unless
 * what is held is equal (then it stays, `===`).
 */
export function applyItemEvent(
  output: ResponseOutputItem[],
  done: boolean,
  at: unknown,
  incoming: unknown,
): ResponseOutputItem[] {
  if (!isRecord(incoming) || typeof incoming['type'] !== 'string') return output;
  const held = typeof at === 'number' ? output[at] : undefined;
  if (held === undefined) {
    return isUsableIndex(at, output.length) ? setItem(output, at, withoutForbiddenKeys(incoming)) : output;
  }
  if (!done || !sameItem(recordOf(held), incoming) || jsonEqual(held, incoming)) return output;
  return setItem(output, at as number, finalItem(recordOf(held), incoming));
}

/**
 * The server's final `incoming` item in place of `held`, keeping each of held's content and
 * summary parts that is equal to the final one (`===`), so a part that did not change does not
 * re-render when its item completes.
 */
function finalItem(held: ItemRecord, incoming: Rec): Rec {
  let out = withoutForbiddenKeys(incoming);
  for (const key of PART_LISTS) {
    const before = held[key];
    const after = out[key];
    if (!Array.isArray(before) || !Array.isArray(after)) continue;
    let parts: unknown[] = after;
    after.forEach((part: unknown, j) => {
      const kept: unknown = before[j];
      if (kept === undefined || kept === part || !jsonEqual(kept, part)) return;
      if (parts === after) parts = after.slice();
      parts[j] = kept;
    });
    if (parts !== after) out = withField(out, key, parts);
  }
  return out;
}

const PART_LISTS = ['content', 'summary'] as const;

/**
 * `output` replaced by a terminal payload's `output`: each item equal to the one held keeps the
 * held object (`===`), others are the server's. `output` itself when all are equal.
 */
export function reconcileOutput(
  output: ResponseOutputItem[],
  incoming: readonly unknown[],
): ResponseOutputItem[] {
  const next: ResponseOutputItem[] = [];
  let changed = false;
  for (const item of incoming) {
    if (!isRecord(item) || typeof item['type'] !== 'string') continue;
    const held = output[next.length];
    if (held !== undefined && jsonEqual(held, item)) {
      next.push(held);
    } else {
      const same = held !== undefined && sameItem(recordOf(held), item);
      next.push(itemOf(same ? finalItem(recordOf(held), item) : withoutForbiddenKeys(item)));
      changed = true;
    }
  }
  return changed || next.length !== output.length ? next : output;
}

/** The item type and field that a call's argument events write, by event type. */
const CALL_FIELDS: ReadonlyMap<string, readonly [itemType: string, field: string, append: boolean]> =
  /* @__PURE__ */ new Map([
    ['response.function_call_arguments.delta', ['function_call', 'arguments', true]],
    ['response.function_call_arguments.done', ['function_call', 'arguments', false]],
    ['response.mcp_call_arguments.delta', ['mcp_call', 'arguments', true]],
    ['response.mcp_call_arguments.done', ['mcp_call', 'arguments', false]],
    ['response.custom_tool_call_input.delta', ['custom_tool_call', 'input', true]],
    ['response.custom_tool_call_input.done', ['custom_tool_call', 'input', false]],
    ['response.code_interpreter_call_code.delta', ['code_interpreter_call', 'code', true]],
    ['response.code_interpreter_call_code.done', ['code_interpreter_call', 'code', false]],
  ]);

/** `true` for the events {@link applyCallField} handles. */
export function isCallFieldEvent(type: string): boolean {
  return CALL_FIELDS.has(type);
}

/**
 * `output` after a call's arguments (input, code) delta or done event: a delta appends to the
 * field, a done event sets it (`arguments`, `input` or `code` of the event).
 */
export function applyCallField(output: ResponseOutputItem[], event: Rec): ResponseOutputItem[] {
  const spec = CALL_FIELDS.get(event['type'] as string);
  if (spec === undefined) return output;
  const [itemType, field, append] = spec;
  const value = append ? event['delta'] : event[field];
  if (typeof value !== 'string' || (append && value === '')) return output;
  const at = event['output_index'];
  const item = itemAt(output, at, event['item_id']);
  if (item === undefined || item.type !== itemType || (append && isFinished(item))) return output;
  const held = item[field];
  const next = append ? (typeof held === 'string' ? held + value : value) : value;
  if (next === held) return output;
  return setItem(output, at as number, withCallField(item, field, next));
}

/**
 * `output` after a built-in tool's progress event (`response.file_search_call.searching` …): the
 * item's `status` becomes the event's last word (`searching`, `interpreting`, `completed` …) when
 * the item has a status and is not finished.
 */
export function applyToolProgress(output: ResponseOutputItem[], event: Rec): ResponseOutputItem[] {
  const type = event['type'] as string;
  const dot = type.lastIndexOf('.');
  const itemType = type.slice('response.'.length, dot);
  const status = type.slice(dot + 1);
  const at = event['output_index'];
  const item = itemAt(output, at, event['item_id']);
  if (item === undefined || item.type !== itemType || typeof item['status'] !== 'string') return output;
  if (item['status'] === status || isFinished(item)) return output;
  return setItem(output, at as number, withField(item, 'status', status));
}
