import { isRecord, isUsableIndex, jsonEqual, type Rec, withoutForbiddenKeys } from '../../state/objects';
import type { ResponseOutputItem } from '../types';
import { type ItemRecord, isFinished, itemOrNew, newMessage, newReasoning, setItem } from './outputItems';
import { withField, withParts, withText } from './rebuild';

/**
 * Parts of output items for `reduceResponseState`: a message's (or reasoning item's) `content` by
 * `content_index`, a reasoning item's `summary` by `summary_index`, and the annotations of output
 * text by `annotation_index`. Internal. Each function returns `output` itself when nothing changes.
 */

type PartList = 'content' | 'summary';

/** What a text event writes: its list, the part type it expects, the part's field, append or set. */
export interface TextTarget {
  readonly list: PartList;
  readonly partType: string;
  readonly field: 'text' | 'refusal';
  readonly append: boolean;
}

/* @__NO_SIDE_EFFECTS__ */
const target = (
  list: PartList,
  partType: string,
  field: 'text' | 'refusal',
  append: boolean,
): TextTarget => ({
  list,
  partType,
  field,
  append,
});

/** The target of `response.output_text.delta`, the most frequent event, looked up once. */
export const OUTPUT_TEXT_DELTA = target('content', 'output_text', 'text', true);

const TEXT_TARGETS: ReadonlyMap<string, TextTarget> = /* @__PURE__ */ new Map([
  ['response.output_text.delta', OUTPUT_TEXT_DELTA],
  ['response.output_text.done', target('content', 'output_text', 'text', false)],
  ['response.refusal.delta', target('content', 'refusal', 'refusal', true)],
  ['response.refusal.done', target('content', 'refusal', 'refusal', false)],
  ['response.reasoning_text.delta', target('content', 'reasoning_text', 'text', true)],
  ['response.reasoning_text.done', target('content', 'reasoning_text', 'text', false)],
  ['response.reasoning_summary_text.delta', target('summary', 'summary_text', 'text', true)],
  ['response.reasoning_summary_text.done', target('summary', 'summary_text', 'text', false)],
]);

/** The item a part event begins when the state never saw the item (a stream joined mid-item). */
function makerFor(partType: unknown): (id: string) => ItemRecord {
  return partType === 'reasoning_text' || partType === 'summary_text' ? newReasoning : newMessage;
}

/** An empty part of `type`, for a text event whose `content_part.added` this state never saw. */
function emptyPart(type: string): Rec {
  if (type === 'output_text') return { type, annotations: [], logprobs: [], text: '' };
  return type === 'refusal' ? { type, refusal: '' } : { type, text: '' };
}

/** Where a part event applies: the item (held or begun), its part list and the part held there. */
interface PartSlot {
  readonly at: number;
  readonly item: ItemRecord;
  readonly parts: unknown[];
  readonly index: number;
  readonly held: Rec | undefined;
}

/**
 * The slot of part `index` in `list` of the item the event names, or `undefined` when the event
 * does not apply (no such item, a finished item for a `live` event, an unusable index).
 */
function slotOf(
  output: ResponseOutputItem[],
  event: Rec,
  list: PartList,
  index: unknown,
  partType: unknown,
  live: boolean,
): PartSlot | undefined {
  const at = event['output_index'];
  const item = itemOrNew(output, at, event['item_id'], makerFor(partType));
  if (item === undefined || (live && isFinished(item))) return undefined;
  const parts = item[list];
  if (!Array.isArray(parts)) return undefined;
  const held: unknown = typeof index === 'number' ? parts[index] : undefined;
  if (held === undefined ? !isUsableIndex(index, parts.length) : !isRecord(held)) return undefined;
  return { at: at as number, item, parts, index: index as number, held: held as Rec | undefined };
}

/** `output` with the slot's part replaced by `part` (or `output` itself when `part` is the one held). */
function withPart(
  output: ResponseOutputItem[],
  slot: PartSlot,
  list: PartList,
  part: Rec,
): ResponseOutputItem[] {
  if (part === slot.held) return output;
  const parts = slot.parts.slice();
  parts[slot.index] = part;
  return setItem(output, slot.at, withParts(slot.item, list, parts));
}

/** `true` for the events {@link applyText} handles. */
export function isTextEvent(type: string): boolean {
  return TEXT_TARGETS.has(type);
}

/**
 * `output` after a text delta (appended to its part's text, refusal or summary text) or a text
 * done event (the part's whole text, set).
 */
export function applyText(
  output: ResponseOutputItem[],
  event: Rec,
  type: string,
  spec: TextTarget | undefined = TEXT_TARGETS.get(type),
): ResponseOutputItem[] {
  if (spec === undefined) return output;
  const { list, partType, field, append } = spec;
  const value = append ? event['delta'] : event[field];
  if (typeof value !== 'string' || (append && value === '')) return output;
  const index = list === 'summary' ? event['summary_index'] : event['content_index'];
  const slot = slotOf(output, event, list, index, partType, append);
  if (slot === undefined) return output;
  const part = slot.held ?? emptyPart(partType);
  if (part['type'] !== partType) return output;
  const before = part[field];
  const after = append && typeof before === 'string' ? before + value : value;
  if (after === before && slot.held !== undefined) return output;
  return withPart(
    output,
    slot,
    list,
    field === 'text' ? withText(part, after) : withField(part, field, after),
  );
}

/**
 * `output` after `response.content_part.added | done` or `response.reasoning_summary_part.added |
 * done`. `added` for a part already held is a replay; `done` is the server's final word on the
 * part and replaces it, unless what is held is equal.
 */
export function applyPartEvent(output: ResponseOutputItem[], event: Rec, type: string): ResponseOutputItem[] {
  const incoming = event['part'];
  if (!isRecord(incoming) || typeof incoming['type'] !== 'string') return output;
  const summary = type.startsWith('response.reasoning_summary_part.');
  const list: PartList = summary ? 'summary' : 'content';
  const index = summary ? event['summary_index'] : event['content_index'];
  const slot = slotOf(output, event, list, index, summary ? 'summary_text' : incoming['type'], false);
  if (slot === undefined) return output;
  const held = slot.held;
  if (held !== undefined) {
    const done = type.endsWith('.done');
    if (!done || held['type'] !== incoming['type'] || jsonEqual(held, incoming)) return output;
  }
  return withPart(output, slot, list, withoutForbiddenKeys(incoming));
}

/** `output` after `response.output_text.annotation.added`: the annotation set at its `annotation_index`. */
export function applyAnnotation(output: ResponseOutputItem[], event: Rec): ResponseOutputItem[] {
  const annotation = event['annotation'];
  const at = event['annotation_index'];
  if (!isRecord(annotation)) return output;
  const slot = slotOf(output, event, 'content', event['content_index'], 'output_text', false);
  const held = slot?.held;
  if (slot === undefined || held === undefined || held['type'] !== 'output_text') return output;
  const annotations: unknown[] = Array.isArray(held['annotations']) ? held['annotations'] : [];
  const current: unknown = typeof at === 'number' ? annotations[at] : undefined;
  if (current === undefined ? !isUsableIndex(at, annotations.length) : jsonEqual(current, annotation)) {
    return output;
  }
  const next = annotations.slice();
  next[at as number] = withoutForbiddenKeys(annotation);
  return withPart(output, slot, 'content', withField(held, 'annotations', next));
}
