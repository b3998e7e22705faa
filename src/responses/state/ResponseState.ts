import type {
  FunctionCallOutput,
  ResponseError,
  ResponseFunctionCall,
  ResponseObject,
  ResponseOutputItem,
  ResponseStatus,
  ResponseUsage,
} from '../types';

/** A response of the chain that was followed by another one: what a UI shows of an earlier turn. */
export interface ResponseTurn {
  /** The response's latest lifecycle payload (its terminal one, normally). */
  readonly response?: ResponseObject | undefined;
  /** Its output items, as {@link ResponseState.output} held them when the next response began. */
  readonly output: ResponseOutputItem[];
}

/**
 * A snapshot of one Responses run (a chain of responses joined by function-call rounds), as a UI
 * wants it: what `responseState()` emits and what `reduceResponseState` computes.
 *
 * Snapshots are immutable and structurally shared: between two snapshots every item, content part
 * and array that did not change is the same object (`===`), so UI frameworks re-render only what
 * changed. Never mutate one; derive the next with `reduceResponseState`.
 */
export interface ResponseState {
  /** The current response (the latest of the chain): the id of its lifecycle payloads. */
  readonly responseId?: string | undefined;
  /** `response.status` of the current response's latest lifecycle payload; `'pending'` before any. */
  readonly status: ResponseStatus | 'pending';
  /** The current response's latest lifecycle payload, as the event carried it. */
  readonly response?: ResponseObject | undefined;
  /**
   * The current response's output items by `output_index`: message text accumulated by
   * `content_index`, function-call arguments accumulated, reasoning summaries by `summary_index`,
   * annotations added. A terminal payload's non-empty `output` replaces what the events built.
   */
  readonly output: ResponseOutputItem[];
  /**
   * The current response's `function_call` items that no submitted output answers yet, once the
   * response is `completed` (empty otherwise): what the chain waits for.
   */
  readonly unansweredCalls: ResponseFunctionCall[];
  /** Every function-call output submitted in the chain (`response.function_call_output` events), in order. */
  readonly toolOutputs: FunctionCallOutput[];
  /** The earlier responses of the chain, oldest first. */
  readonly turns: ResponseTurn[];
  /** `usage` of the current response's latest lifecycle payload. */
  readonly usage?: ResponseUsage | undefined;
  /** `error` of the current response's latest lifecycle payload (why it failed). */
  readonly error?: ResponseError | undefined;
  /**
   * The highest `sequence_number` applied for the current response: events of that response at or
   * below it are replays (see `reduceResponseState`).
   */
  readonly sequenceNumber?: number | undefined;
  /**
   * `true` once nothing more will happen: the current response's status is terminal (`completed |
   * failed | incomplete | cancelled`) and it is not a `completed` response with function calls
   * (those are answered by a continuation, which the chain then shows).
   */
  readonly done: boolean;
}

/**
 * The state before any event: status `'pending'`, no output. Frozen; use it as the seed of
 * `reduceResponseState` (a UI store's initial value).
 *
 * @example
 * ```ts
 * import { initialResponseState, reduceResponseState } from 'rxjs-assistants';
 *
 * let state = initialResponseState;
 * for (const event of events) state = reduceResponseState(state, event);
 * ```
 */
export const initialResponseState: ResponseState = /* @__PURE__ */ Object.freeze({
  responseId: undefined,
  status: 'pending',
  response: undefined,
  output: frozenEmpty<ResponseOutputItem>(),
  unansweredCalls: frozenEmpty<ResponseFunctionCall>(),
  toolOutputs: frozenEmpty<FunctionCallOutput>(),
  turns: frozenEmpty<ResponseTurn>(),
  usage: undefined,
  error: undefined,
  sequenceNumber: undefined,
  done: false,
});

/** An empty list that cannot be changed, typed like the lists the reducer builds. Internal. */
/* @__NO_SIDE_EFFECTS__ */
export function frozenEmpty<T>(): T[] {
  const list: T[] = [];
  Object.freeze(list);
  return list;
}
