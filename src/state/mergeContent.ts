import type {
  Annotation,
  ImageFileContentBlock,
  ImageURLContentBlock,
  MessageContent,
  RefusalContentBlock,
  TextContentBlock,
} from '../events/types';
import { copyExtras, copyOwn, hasOtherKeys, isRecord, listOf, mergeByIndex, type Part } from './objects';

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

/** `mergeByIndex` passes a `prev` of the part's own type only; the checks below just narrow it. */
function mergeBlock(prev: MessageContent | undefined, part: Part): MessageContent {
  const type = part.type;
  switch (type) {
    case 'text':
      return mergeText(prev?.type === type ? prev : undefined, part);
    case 'refusal':
      return mergeRefusal(prev?.type === type ? prev : undefined, part);
    case 'image_file':
    case 'image_url':
      return mergeImage(prev?.type === type ? prev : undefined, part, type);
    default:
      return mergeUnknown(prev, part);
  }
}

function mergeText(prev: TextContentBlock | undefined, part: Part): TextContentBlock {
  const delta = isRecord(part['text']) ? part['text'] : undefined;
  const value = typeof delta?.['value'] === 'string' ? delta['value'] : '';
  const annotations = listOf(delta?.['annotations']);
  if (prev === undefined) {
    const text = { value, annotations: annotations ? mergeAnnotations([], annotations) : [] };
    if (delta !== undefined) copyExtras(text, delta, TEXT_KEYS);
    const block: TextContentBlock = { type: 'text', text };
    copyExtras(block, part, TEXT_PART_KEYS);
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
  // Literals first, then unknown fields only where some may exist: this runs once per delta, and
  // `hasOtherKeys` compares interned keys where `copyExtras` would look each one up in a set.
  if (hasOtherKeys(prevText, 'value', 'annotations')) copyExtras(text, prevText, TEXT_KEYS);
  if (hasOtherKeys(prev, 'type', 'text')) copyExtras(block, prev, TEXT_BLOCK_KEYS);
  if (delta !== undefined && hasOtherKeys(delta, 'value', 'annotations')) copyExtras(text, delta, TEXT_KEYS);
  if (hasOtherKeys(part, 'index', 'type', 'text')) copyExtras(block, part, TEXT_PART_KEYS);
  return block;
}

function mergeRefusal(prev: RefusalContentBlock | undefined, part: Part): MessageContent {
  const add = typeof part['refusal'] === 'string' ? part['refusal'] : '';
  if (prev !== undefined && add === '') return prev;
  const block: RefusalContentBlock = {
    type: 'refusal',
    refusal: prev === undefined ? add : prev.refusal + add,
  };
  if (prev !== undefined) copyExtras(block, prev, REFUSAL_BLOCK_KEYS);
  copyExtras(block, part, REFUSAL_PART_KEYS);
  return block;
}

/** Image blocks arrive whole or in pieces; each known field is set, not concatenated. */
function mergeImage(
  prev: ImageFileContentBlock | ImageURLContentBlock | undefined,
  part: Part,
  type: 'image_file' | 'image_url',
): MessageContent {
  const delta = part[type];
  if (prev !== undefined && !isRecord(delta)) return prev;
  const image =
    prev === undefined ? {} : copyOwn(prev.type === 'image_file' ? prev.image_file : prev.image_url);
  if (isRecord(delta)) Object.assign(image, copyOwn(delta));
  // The required reference keeps its place among the fields, or comes last when it was missing.
  const block: MessageContent =
    type === 'image_file'
      ? { type, image_file: { ...image, file_id: stringOr(image['file_id']) } }
      : { type, image_url: { ...image, url: stringOr(image['url']) } };
  if (prev !== undefined) copyExtras(block, prev, IMAGE_KEYS);
  copyExtras(block, part, IMAGE_KEYS);
  return block;
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A block type this version does not know: its top-level fields are set, shallowly. */
function mergeUnknown(prev: MessageContent | undefined, part: Part): MessageContent {
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
        const current = next[key];
        const nested = isRecord(current) ? copyOwn(current) : {};
        next[key] = Object.assign(nested, copyOwn(value));
      } else if (key !== '__proto__' && key !== 'constructor' && key !== 'prototype') {
        next[key] = value;
      }
    }
    return next as unknown as Annotation;
  });
}
