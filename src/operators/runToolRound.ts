import {
  asyncScheduler,
  defer,
  from,
  map,
  mergeMap,
  type Observable,
  race,
  takeWhile,
  tap,
  toArray,
} from 'rxjs';
import { longTimer } from '../core/limits';
import type { RequiredActionFunctionToolCall } from '../events/types';
import { type CallView, runToolCall, type ToolCallResult, type ToolHandlers } from './runToolCall';

/** A {@link ToolCallResult} whose handler failed. Internal. */
export type FailedToolCall<Call = RequiredActionFunctionToolCall> = ToolCallResult<Call> & {
  failure: NonNullable<ToolCallResult['failure']>;
};

/** How one round of tool calls ended. Internal. */
export type ToolRoundOutcome<Call = RequiredActionFunctionToolCall> =
  | { kind: 'done'; results: ToolCallResult<Call>[] }
  | { kind: 'failed'; result: FailedToolCall<Call> }
  | { kind: 'expired'; pending: Call[] };

/** Options of {@link runToolRound}. Internal. */
export interface ToolRoundOptions {
  concurrency: number;
  timeoutMs: number | undefined;
  /** End the round at the first failure (and abort the other handlers), instead of collecting it. */
  stopAtFailure: boolean;
  /** The run's `expires_at` (epoch seconds), if any. */
  expiresAt: number | null | undefined;
}

const isFailed = <Call>(result: ToolCallResult<Call> | undefined): result is FailedToolCall<Call> =>
  result?.failure !== undefined;

/**
 * Runs the handlers of one `requires_action` round, at most `concurrency` at once, and emits one
 * outcome: every result (in order of completion), the first failure (with `stopAtFailure`), or the calls
 * still unfinished when the run's `expires_at` passed. Leaving early aborts the running handlers.
 * Internal, used by `handleRequiresAction`.
 */
export function runToolRound<Call>(
  calls: readonly Call[],
  view: (call: Call) => CallView,
  handlers: ToolHandlers<Call>,
  options: ToolRoundOptions,
): Observable<ToolRoundOutcome<Call>> {
  const { concurrency, timeoutMs, stopAtFailure, expiresAt } = options;
  const unfinished = new Set(calls);
  const outcome$ = from(calls).pipe(
    mergeMap((call) => runToolCall(call, view, handlers, timeoutMs), concurrency),
    tap((result) => unfinished.delete(result.call)),
    takeWhile((result) => !(stopAtFailure && isFailed(result)), true),
    toArray(),
    map((results): ToolRoundOutcome<Call> => {
      const last = results.at(-1);
      return stopAtFailure && isFailed(last) ? { kind: 'failed', result: last } : { kind: 'done', results };
    }),
  );
  // An expires_at already past when the round starts says more about the two clocks than about
  // the run: the server's answer to the submit decides then.
  // The wait goes through longTimer: an expires_at weeks ahead must not overflow a timer and fire
  // at once.
  if (typeof expiresAt !== 'number' || expiresAt * 1000 <= asyncScheduler.now()) return outcome$;
  const expired$ = defer(() => longTimer(expiresAt * 1000 - asyncScheduler.now())).pipe(
    map((): ToolRoundOutcome<Call> => ({ kind: 'expired', pending: [...unfinished] })),
  );
  return race(outcome$, expired$);
}
