/**
 * Finding a message or step by id in the `messages` and `steps` lists of a `RunState`. Internal.
 *
 * The first element with the id wins, as a linear search would. With the run's {@link ListMemo}
 * (see `memo.ts`) a delta for the element found last costs one comparison, and a long list (a state
 * seeded with a thread's history) is looked up in an id → position map rather than searched;
 * without one, lists are searched. Positions never move: lists only grow at the end (or start again
 * empty for a new run), so what the memo knows about a list stays true of the lists derived from it
 * by {@link replaceAt} and {@link append}, which keep it up to date.
 */

interface Identified {
  readonly id: string;
}

/** Lists at least this long get an id → position map; shorter ones are searched. */
export const INDEXED_FROM = 32;

/** What a memo knows about the newest list of one kind (messages or steps) it has seen. */
export interface ListMemo<T extends Identified> {
  /** The list the fields below describe. */
  list: readonly T[] | undefined;
  /** id → first position in `list`, for a list of {@link INDEXED_FROM} elements or more. */
  positions: Map<string, number> | undefined;
  /** The position last found in `list`: the deltas of one message come in runs. */
  at: number;
}

export function newListMemo<T extends Identified>(): ListMemo<T> {
  return { list: undefined, positions: undefined, at: -1 };
}

/** Position of the first element with `id` in `list`, or `-1`. */
export function positionOf<T extends Identified>(list: readonly T[], id: string, memo?: ListMemo<T>): number {
  if (memo === undefined) return search(list, id);
  if (memo.list === list) {
    if (memo.at >= 0 && list[memo.at]?.id === id) return memo.at;
    const at = memo.positions?.get(id);
    if (at !== undefined && list[at]?.id === id) {
      memo.at = at;
      return at;
    }
    // Not in a list the map describes; a miss after a change made in place searches again.
    if (at === undefined && memo.positions !== undefined) return -1;
  }
  const positions = list.length < INDEXED_FROM ? undefined : positionsIn(list);
  const at = positions === undefined ? search(list, id) : (positions.get(id) ?? -1);
  memo.list = list;
  memo.positions = positions;
  memo.at = at;
  return at;
}

function search(list: readonly Identified[], id: string): number {
  for (let i = 0; i < list.length; i++) if (list[i]?.id === id) return i;
  return -1;
}

function positionsIn(list: readonly Identified[]): Map<string, number> {
  const positions = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const id = list[i]?.id;
    if (typeof id === 'string' && !positions.has(id)) positions.set(id, i);
  }
  return positions;
}

/** A copy of `list` with `item` (of the same id) at `at`, an existing position. */
export function replaceAt<T extends Identified>(
  list: readonly T[],
  at: number,
  item: T,
  memo?: ListMemo<T>,
): T[] {
  const next = list.slice();
  next[at] = item;
  if (memo?.list === list) {
    memo.list = next;
    memo.at = at;
  }
  return next;
}

/** A copy of `list` with `item` appended; `item`'s id is not in `list` (as `positionOf` said). */
export function append<T extends Identified>(list: readonly T[], item: T, memo?: ListMemo<T>): T[] {
  const next = list.slice();
  next.push(item);
  if (memo?.list === list) {
    memo.list = next;
    memo.at = list.length;
    // The map describes the memo's list only, so it grows with it.
    if (memo.positions !== undefined) {
      memo.positions.set(item.id, list.length);
    } else if (next.length >= INDEXED_FROM) {
      memo.positions = positionsIn(next);
    }
  }
  return next;
}
