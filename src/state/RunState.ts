import type { LastError, Message, RequiredAction, Run, RunStatus, RunStep, Usage } from '../events/types';

/**
 * A snapshot of one run, as the UI wants it: what `runState()` emits after every event and what
 * `reduceRunState` computes.
 *
 * Snapshots are immutable and structurally shared: between two snapshots every message, step and
 * array that did not change is the same object (`===`), so UI frameworks re-render only what
 * changed. Never mutate one; derive the next with `reduceRunState`.
 */
export interface RunState {
  /** The thread, from `thread.created` or the run's `thread_id`. */
  readonly threadId?: string | undefined;
  /** The run these steps and messages belong to (the latest run id seen). */
  readonly runId?: string | undefined;
  /** The run's status, from `data.status` of the latest run payload; `'pending'` before any. */
  readonly status: RunStatus | 'pending';
  /** The latest run payload. */
  readonly run?: Run | undefined;
  /** The run's steps in order of first appearance, tool calls accumulated from deltas. */
  readonly steps: RunStep[];
  /**
   * Messages in order of first appearance, text and annotations accumulated from deltas; a
   * terminal payload (`thread.message.completed | incomplete`) replaces the accumulated content.
   */
  readonly messages: Message[];
  /** What the run waits for, only while its status is `requires_action`. */
  readonly requiredAction?: RequiredAction | undefined;
  /** `usage` of the latest run payload. */
  readonly usage?: Usage | undefined;
  /** `last_error` of the latest run payload. */
  readonly lastError?: LastError | undefined;
  /** `true` once the status is terminal: `completed | incomplete | failed | cancelled | expired`. */
  readonly done: boolean;
}

/**
 * The state before any event: status `'pending'`, no steps, no messages. Frozen; use it as the seed
 * of `reduceRunState` (a UI store's initial value).
 *
 * @example
 * ```ts
 * import { initialRunState, reduceRunState } from 'rxjs-assistants';
 *
 * let state = initialRunState;
 * for (const event of events) state = reduceRunState(state, event);
 * ```
 */
export const initialRunState: RunState = /* @__PURE__ */ Object.freeze({
  threadId: undefined,
  runId: undefined,
  status: 'pending',
  run: undefined,
  steps: frozenEmpty<RunStep>(),
  messages: frozenEmpty<Message>(),
  requiredAction: undefined,
  usage: undefined,
  lastError: undefined,
  done: false,
});

/** An empty list that cannot be changed, typed like the lists the reducer builds. */
/* @__NO_SIDE_EFFECTS__ */
function frozenEmpty<T>(): T[] {
  const list: T[] = [];
  Object.freeze(list);
  return list;
}
