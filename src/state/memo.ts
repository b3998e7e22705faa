import type { Message, Run, RunStep } from '../events/types';
import { type ListMemo, newListMemo } from './byId';

/**
 * What the reducer remembers from one event to the next while it folds the events of one run, so
 * that the per-delta path skips work whose result it already knows. Internal.
 *
 * A memo belongs to the run payload that the states hold (see {@link memoOf}), so reducers fed
 * different events never share one. States that hold the same run payload do (two reducers fed the
 * same event objects, or a branch reduced from an older snapshot): every entry is checked against
 * the object it describes, by identity, before it is used, so an entry that the other lineage moved
 * on costs a miss, never a wrong result.
 */
export interface Memo {
  readonly messages: ListMemo<Message>;
  readonly steps: ListMemo<RunStep>;
  /** The last message built as a wire-shaped literal, which has exactly the wire keys. */
  literalMessage: Required<Message> | undefined;
}

/**
 * Memos by the run payload of the states they serve (`state.run`). Along a run every delta brings
 * a new state, new lists and a new message, but the run payload stays the same object until the
 * next run event, which hands the memo on to its successor. A `WeakMap` entry per new state or list
 * would cost the garbage collector more than the rest of the per-delta work.
 */
const memos = new WeakMap<Run, Memo>();

/**
 * The memo of the states that hold `run`, or `undefined` for a state without a run payload (deltas
 * before any run event, as in a stream joined mid-run): those search their lists every time.
 */
export function memoOf(run: Run | undefined): Memo | undefined {
  if (run === undefined) return undefined;
  let memo = memos.get(run);
  if (memo === undefined) {
    memo = { messages: newListMemo(), steps: newListMemo(), literalMessage: undefined };
    memos.set(run, memo);
  }
  return memo;
}

/** Hands the memo of the states that held `previous` on to those that hold `next`, of the same run. */
export function handOnMemo(previous: Run | undefined, next: Run): void {
  const memo = previous === undefined ? undefined : memos.get(previous);
  if (memo !== undefined && !memos.has(next)) memos.set(next, memo);
}
