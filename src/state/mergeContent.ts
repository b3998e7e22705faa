import type { Annotation, MessageContent, TextContentBlock } from '../events/types';
import { copyExtras, copyOwn, hasOtherKeys, isRecord, mergeByIndex, type Rec } from './objects';

/**
 * Merging of `thread.message.delta` content parts into a message's content, by `index`. Internal.
 *
 * Each function returns its input unchanged (the same reference) when the delta brings nothing
 * usable, so callers can tell "nothing happened" by identity and keep snapshots equal.
 */

const TEXT_BLOCK_KEYS: ReadonlySet<string> = new Set(['type', 'text']);
const TEXT_PART_KEYS: ReadonlySet<string> = new Set(['index', 'type', 'text']);
const TEXT_KEYS: ReadonlySet<string> = new Set(['value', 'annotations']);
const REFUSAL_BLOCK_KEYS: ReadonlySet<string> = new Set(['type', 'refusal']);
const REFUSAL_PART_KEYS: ReadonlySet<string> = new Set(['index', 'type', 'refusal']);
const IMAGE_KEYS: ReadonlySet<string> = new Set(['type', 'image_file', 'image_url', 'index']);
const NESTED_ANNOTATION_KEYS: ReadonlySet<string> = new Set(['file_citation', 'file_path']);

/** `content` with every usable part of `parts` merged in (`content` itself when none was). */
export function mergeContent(content: MessageContent[], parts: readonly unknown[]): MessageContent[] {
  return mergeByIndex(content, parts, mergeBlock);
}

function mergeBlock(prev: MessageContent | undefined, part: Rec): MessageContent {
  const type = part['type'] as string;
  switch (type) {
    case 'text':
      return mergeText(prev as TextContentBlock | undefined, part);
    case 'refusal':
      return mergeRefusal(prev as { type: 'refusal'; refusal: string } | undefined, part);
    case 'image_file':
    case 'image_url':
      return mergeImage(prev, part, type);
    default:
      return mergeUnknown(prev, part);
  }
}

/**
 * The last text block that `mergeText` built with no unknown fields, so the next delta of the same
 * block (the common case: one message streams at a time) skips looking for fields to carry over.
 * A memo only: any other block takes the general path, with the same result.
 */
let plainTextBlock: TextContentBlock | undefined;

function mergeText(prev: TextContentBlock | undefined, part: Rec): TextContentBlock {
  const delta = isRecord(part['text']) ? part['text'] : undefined;
  const value = typeof delta?.['value'] === 'string' ? delta['value'] : '';
  const annotations = Array.isArray(delta?.['annotations']) ? (delta['annotations'] as unknown[]) : undefined;
  if (prev === undefined) {
    const text = { value, annotations: annotations ? mergeAnnotations([], annotations) : [] };
    if (delta !== undefined) copyExtras(text, delta, TEXT_KEYS);
    const block: TextContentBlock = { type: 'text', text };
    copyExtras(block as unknown as Rec, part, TEXT_PART_KEYS);
    return block;
  }
  const prevText = prev.text;
  const mergedAnnotations =
    annotations && annotations.length > 0
      ? mergeAnnotations(prevText.annotations, annotations)
      : prevText.annotations;
  if (value === '' && mergedAnnotations === prevText.annotations) return prev; // an empty part
  const text = {
    value: value === '' ? prevText.value : prevText.value + value,
    annotations: mergedAnnotations,
  };
  const block: TextContentBlock = { type: 'text', text };
  // Literals first, then unknown fields only where some may exist: this runs once per delta.
  let extras = false;
  if (prev !== plainTextBlock) {
    extras = copyExtras(text, prevText, TEXT_KEYS);
    extras = copyExtras(block as unknown as Rec, prev, TEXT_BLOCK_KEYS) || extras;
  }
  if (delta !== undefined && hasOtherKeys(delta, 'value', 'annotations')) {
    extras = copyExtras(text, delta, TEXT_KEYS) || extras;
  }
  if (hasOtherKeys(part, 'index', 'type', 'text')) {
    extras = copyExtras(block as unknown as Rec, part, TEXT_PART_KEYS) || extras;
  }
  plainTextBlock = extras ? undefined : block;
  return block;
}

function mergeRefusal(prev: { type: 'refusal'; refusal: string } | undefined, part: Rec): MessageContent {
  const add = typeof part['refusal'] === 'string' ? part['refusal'] : '';
  if (prev !== undefined && add === '') return prev;
  const block = { type: 'refusal' as const, refusal: prev === undefined ? add : prev.refusal + add };
  if (prev !== undefined) copyExtras(block, prev, REFUSAL_BLOCK_KEYS);
  copyExtras(block, part, REFUSAL_PART_KEYS);
  return block;
}

/** Image blocks arrive whole or in pieces; each known field is set, not concatenated. */
function mergeImage(
  prev: MessageContent | undefined,
  part: Rec,
  type: 'image_file' | 'image_url',
): MessageContent {
  const delta = part[type];
  if (prev !== undefined && !isRecord(delta)) return prev;
  const image = prev === undefined ? {} : copyOwn((prev as unknown as Rec)[type] as object);
  if (isRecord(delta)) Object.assign(image, copyOwn(delta));
  if (type === 'image_file' && typeof image['file_id'] !== 'string') image['file_id'] = '';
  if (type === 'image_url' && typeof image['url'] !== 'string') image['url'] = '';
  const block: Rec = { type, [type]: image };
  if (prev !== undefined) copyExtras(block, prev, IMAGE_KEYS);
  copyExtras(block, part, IMAGE_KEYS);
  return block as unknown as MessageContent;
}

/** A block type this version does not know: its top-level fields are set, shallowly. */
function mergeUnknown(prev: MessageContent | undefined, part: Rec): MessageContent {
  const block = prev === undefined ? {} : copyOwn(prev);
  Object.assign(block, copyOwn(part, 'index'));
  return block as unknown as MessageContent;
}

/** `annotations` with each usable annotation delta merged in by its own `index`. */
function mergeAnnotations(annotations: Annotation[], deltas: readonly unknown[]): Annotation[] {
  return mergeByIndex(annotations, deltas, (prev, delta) => {
    // Annotation fields arrive whole, so they are set (a repeated delta changes nothing), never appended.
    const next = prev === undefined ? {} : copyOwn(prev);
    for (const key in delta) {
      if (key === 'index' || !Object.hasOwn(delta, key)) continue;
      const value = delta[key];
      if (NESTED_ANNOTATION_KEYS.has(key) && isRecord(value)) {
        const nested = isRecord(next[key]) ? copyOwn(next[key] as Rec) : {};
        next[key] = Object.assign(nested, copyOwn(value));
      } else if (key !== '__proto__' && key !== 'constructor' && key !== 'prototype') {
        next[key] = value;
      }
    }
    return next as unknown as Annotation;
  });
}
