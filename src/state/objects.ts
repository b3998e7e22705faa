/**
 * Small, allocation-light helpers the reducer uses to read untrusted payloads and to build new
 * objects without generic deep merges. Internal.
 */

/** Keys that are never copied from a payload into an object the reducer builds. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Exclusive upper bound of a delta `index` (content blocks, annotations, tool calls, code outputs).
 * Real messages and steps have a handful; anything at or above this is treated as hostile and ignored.
 */
export const MAX_DELTA_INDEX = 10_000;

/** Any object we read fields from. */
export type Rec = Record<string, unknown>;

/** `true` for a non-null, non-array object. */
export function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `true` for an array whose elements are all objects (content blocks, tool calls). */
export function isListOfRecords(value: unknown): value is Rec[] {
  return Array.isArray(value) && value.every(isRecord);
}

/**
 * `true` when `index` may be written into an array of length `length`: a safe integer in
 * `[0, MAX_DELTA_INDEX)` and at most `length` (an existing element or the next one), so arrays stay
 * dense. A part that would leave a gap is ignored; the terminal payload brings the whole content.
 */
export function isUsableIndex(index: unknown, length: number): index is number {
  return (
    typeof index === 'number' &&
    Number.isSafeInteger(index) &&
    index >= 0 &&
    index < MAX_DELTA_INDEX &&
    index <= length
  );
}

/**
 * `true` when `obj` has exactly the keys in `keys` (own or inherited enumerable ones, which plain
 * JSON objects do not have). The reducer then rebuilds it as a literal instead of a spread.
 */
export function hasExactKeys(obj: object, keys: ReadonlySet<string>): boolean {
  let count = 0;
  for (const key in obj) {
    if (!keys.has(key)) return false;
    count++;
  }
  return count === keys.size;
}

/**
 * Copies `source`'s own enumerable keys that are not in `known` onto `target`, never the forbidden
 * ones. This is how unknown wire fields survive a rebuild without a generic merge.
 *
 * @returns Whether any key was copied.
 */
export function copyExtras(target: Rec, source: object, known: ReadonlySet<string>): boolean {
  let copied = false;
  for (const key in source) {
    if (known.has(key) || FORBIDDEN_KEYS.has(key) || !Object.hasOwn(source, key)) continue;
    target[key] = (source as Rec)[key];
    copied = true;
  }
  return copied;
}

/**
 * `true` when `obj` has an enumerable key other than `a`, `b` and `c`. A cheap pre-check before
 * {@link copyExtras} on the per-delta path: the keys of parsed JSON are internalised, so each
 * comparison is a pointer comparison, where a `Set` lookup would hash.
 */
export function hasOtherKeys(obj: object, a: string, b: string, c?: string): boolean {
  for (const key in obj) {
    if (key !== a && key !== b && key !== c) return true;
  }
  return false;
}

/** A shallow copy of `source` without the forbidden keys (and without `skip`, when given). */
export function copyOwn(source: object, skip?: string): Rec {
  const out: Rec = {};
  for (const key in source) {
    if (key === skip || FORBIDDEN_KEYS.has(key) || !Object.hasOwn(source, key)) continue;
    out[key] = (source as Rec)[key];
  }
  return out;
}

/**
 * `payload` itself when it carries none of the forbidden keys at its top level, else a shallow
 * copy without them. Payloads are stored by reference: the reducer never mutates them.
 */
export function withoutForbiddenKeys<T extends object>(payload: T): T {
  if (
    Object.hasOwn(payload, '__proto__') ||
    Object.hasOwn(payload, 'constructor') ||
    Object.hasOwn(payload, 'prototype')
  ) {
    return copyOwn(payload) as T;
  }
  return payload;
}

/** Structural equality of JSON values, bounded in depth (deeper values count as different). */
export function jsonEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > 16) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  return sameFields(a as Rec, b as Rec, undefined, depth);
}

/** `true` when `a` and `b` have the same own keys with equal JSON values, ignoring `skip`. */
export function sameFields(a: object, b: object, skip: string | undefined, depth = 0): boolean {
  let countA = 0;
  for (const key in a) if (key !== skip && Object.hasOwn(a, key)) countA++;
  let countB = 0;
  for (const key in b) {
    if (key === skip || !Object.hasOwn(b, key)) continue;
    countB++;
    if (!Object.hasOwn(a, key) || !jsonEqual((a as Rec)[key], (b as Rec)[key], depth + 1)) return false;
  }
  return countA === countB;
}

/**
 * `list` with each usable part of `parts` merged in at its own `index`, never by position: parts
 * that are not objects with a string `type` and a usable index, or whose `type` differs from the
 * element already at that index, are ignored. `merge` returns `prev` to leave an element as it is.
 * The array is copied on the first change only, so `list` itself comes back when nothing changed.
 */
export function mergeByIndex<T extends { type: string }>(
  list: T[],
  parts: readonly unknown[],
  merge: (prev: T | undefined, part: Rec) => T,
): T[] {
  let out = list;
  for (const part of parts) {
    if (!isRecord(part) || typeof part['type'] !== 'string' || !isUsableIndex(part['index'], out.length)) {
      continue;
    }
    const index = part['index'];
    const prev = out[index];
    if (prev !== undefined && prev.type !== part['type']) continue; // a different element there: keep ours
    const next = merge(prev, part);
    if (next === prev) continue;
    if (out === list) out = list.slice();
    out[index] = next;
  }
  return out;
}
