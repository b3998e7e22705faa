/**
 * id → position index of the `messages` and `steps` arrays of a `RunState`, kept beside the arrays
 * so a delta finds its message without a linear search while the state stays a plain object.
 * Internal.
 *
 * Positions never move: lists only grow at the end (or start again empty for a new run), so a list
 * that differs from its predecessor in one element shares the predecessor's index, and an appended
 * list gets a copy with one more entry. An index is never mutated once attached, so every snapshot
 * stays valid on its own; a list the reducer did not build (a state made by hand, an old snapshot
 * reduced again) is indexed once, on first use.
 *
 * Where an index lives: the newest list of the lineage being reduced sits in a one-entry "hot"
 * slot, because attaching an index to every new array through a WeakMap costs more than the rest of
 * the per-delta work. A list enters the WeakMap only when another lineage takes the hot slot (two
 * runs reduced in turn), so interleaved reducers stay O(1) per delta as well. The slot holds one
 * array strongly until the next reduction of that kind.
 */

interface Identified {
  readonly id: string;
}

type Index = ReadonlyMap<string, number>;

/** The index operations over one kind of list (messages or steps), each with its own hot slot. */
export interface ListIndex {
  /** Position of the element with `id` in `list`, or `-1`. */
  positionOf(list: readonly Identified[], id: string): number;
  /** A copy of `list` with `item` at `at` (an existing position); shares the index. */
  replaceAt<T extends Identified>(list: readonly T[], at: number, item: T): T[];
  /** A copy of `list` with `item` appended; its index is the old one plus `item`. */
  append<T extends Identified>(list: readonly T[], item: T): T[];
}

/** A new, independent {@link ListIndex}. */
export function createListIndex(): ListIndex {
  const parked = new WeakMap<readonly Identified[], Index>();
  let hotList: readonly Identified[] | undefined;
  let hotIndex: Index | undefined;
  // The position last found, and the newest list of its lineage: deltas of one message come in
  // runs, and comparing the id with that element's is cheaper than hashing a freshly parsed id
  // string for the map. Positions never move within a lineage, so the memo stays exact.
  let lastList: readonly Identified[] | undefined;
  let lastAt = -1;

  const lookup = (list: readonly Identified[]): Index | undefined =>
    list === hotList ? hotIndex : parked.get(list);

  const build = (list: readonly Identified[]): Index => {
    const index = new Map<string, number>();
    for (let i = 0; i < list.length; i++) {
      const id = list[i]?.id;
      // The first occurrence wins, as a linear search would.
      if (typeof id === 'string' && !index.has(id)) index.set(id, i);
    }
    parked.set(list, index);
    return index;
  };

  const attach = (from: readonly Identified[], next: readonly Identified[], index: Index): void => {
    // Continuing the hot lineage drops the superseded list from the slot (an old snapshot reduced
    // again is simply re-indexed); switching lineage parks the other one's newest list first.
    if (from !== hotList && hotList !== undefined && hotIndex !== undefined) parked.set(hotList, hotIndex);
    hotList = next;
    hotIndex = index;
    if (from === lastList) lastList = next;
  };

  return {
    positionOf(list, id) {
      if (list === lastList && list[lastAt]?.id === id) return lastAt;
      const index = lookup(list) ?? build(list);
      const at = index.get(id);
      if (at === undefined) return -1;
      if (list[at]?.id === id) {
        lastList = list;
        lastAt = at;
        return at;
      }
      // Someone changed the array in place; read it again rather than trust a stale index.
      return build(list).get(id) ?? -1;
    },
    replaceAt(list, at, item) {
      const next = list.slice();
      next[at] = item;
      const index = lookup(list);
      if (index !== undefined) attach(list, next, index);
      return next;
    },
    append(list, item) {
      const next = list.slice();
      next.push(item);
      const index = lookup(list) ?? build(list);
      const grown = new Map(index);
      if (!grown.has(item.id)) grown.set(item.id, list.length);
      attach(list, next, grown);
      return next;
    },
  };
}
