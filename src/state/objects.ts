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

/** A delta part {@link mergeByIndex} accepted: an object with a string `type` and a usable `index`. */
export interface Part extends Rec {
  readonly type: string;
  readonly index: number;
}

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

/** The keys of a wire object, in the order the server sends them, for {@link hasExactKeys}. */
export interface WireKeys {
  readonly order: readonly string[];
  readonly set: ReadonlySet<string>;
}

/* @__NO_SIDE_EFFECTS__ */
export function wireKeys(...order: string[]): WireKeys {
  return { order, set: new Set(order) };
}

/**
 * `true` when `obj` has exactly the keys in `keys` (own or inherited enumerable ones, which plain
 * JSON objects do not have). The reducer then rebuilds it as a literal instead of a spread.
 *
 * Keys in `keys.order` (the server's order, and that of the literals the reducer builds) are
 * checked by comparing interned strings, which is cheaper than a set lookup per key on the
 * per-delta path; any other order falls back to the set.
 */
export function hasExactKeys<T extends object>(obj: T, keys: WireKeys): obj is Required<T> {
  const order = keys.order;
  let count = 0;
  for (const key in obj) {
    if (key !== order[count]) return hasKeySet(obj, keys.set);
    count++;
  }
  return count === order.length;
}

function hasKeySet(obj: object, keys: ReadonlySet<string>): boolean {
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
export function copyExtras(target: object, source: object, known: ReadonlySet<string>): boolean {
  let copied = false;
  for (const key in source) {
    if (known.has(key) || FORBIDDEN_KEYS.has(key) || !Object.hasOwn(source, key)) continue;
    // Any object holds any string key at run time; the types describe only the known ones.
    (target as Rec)[key] = fieldOf(source, key);
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
    out[key] = fieldOf(source, key);
  }
  return out;
}

/** `obj[key]`, for a key that `for … in` found (the types describe only the known keys). */
function fieldOf(obj: object, key: string): unknown {
  return (obj as Rec)[key];
}

/** `value` when it is an array, else `undefined`; typed `unknown[]`, not `any[]`. */
export function listOf(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/**
 * A shallow copy of `source` (own enumerable keys but the forbidden ones), of the same type: the
 * types describe plain data, which has nothing else.
 */
export function cloneOwn<T extends object>(source: T): T {
  return copyOwn(source) as T;
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
    return cloneOwn(payload);
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
  return sameFields(a, b, undefined, depth);
}

/** `true` when `a` and `b` have the same own keys with equal JSON values, ignoring `skip`. */
export function sameFields(a: object, b: object, skip: string | undefined, depth = 0): boolean {
  let countA = 0;
  for (const key in a) if (key !== skip && Object.hasOwn(a, key)) countA++;
  let countB = 0;
  for (const key in b) {
    if (key === skip || !Object.hasOwn(b, key)) continue;
    countB++;
    if (!Object.hasOwn(a, key) || !jsonEqual(fieldOf(a, key), fieldOf(b, key), depth + 1)) return false;
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
  merge: (prev: T | undefined, part: Part) => T,
): T[] {
  let out = list;
  for (const part of parts) {
    if (!isPart(part, out.length)) continue;
    const index = part.index;
    const prev = out[index];
    if (prev !== undefined && prev.type !== part.type) continue; // a different element there: keep ours
    const next = merge(prev, part);
    if (next === prev) continue;
    if (out === list) out = list.slice();
    out[index] = next;
  }
  return out;
}

/** `true` for an object with a string `type` and an `index` usable in a list of `length`. */
function isPart(value: unknown, length: number): value is Part {
  return isRecord(value) && typeof value['type'] === 'string' && isUsableIndex(value['index'], length);
}
