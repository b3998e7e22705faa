import { isTerminalStatus } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import type { Message, RunStep } from '../events/types';
import { handOnMemo, memoOf } from './memo';
import { applyMessageDelta, applyMessageEvent } from './messages';
import { nextRun } from './nextRun';
import { isRecord } from './objects';
import type { RunState } from './RunState';
import { applyStepDelta, applyStepEvent } from './steps';

/**
 * The pure reducer behind `runState()`: the state after one more event. Use it in a UI store
 * (Redux, NgRx, Svelte, a React `useReducer`) fed with run events, for instance from
 * `fromServerSentEvents`.
 *
 * - The run's state is read from `data.status`, never from the event name; `done` is a terminal
 *   status; `requiredAction` is set only while `requires_action`; `usage` and `lastError` come from
 *   the latest run payload. A run payload with a new run id (`thread.run.created` of a retry on the
 *   same thread) starts fresh steps and messages. For the same run, a non-terminal payload after a
 *   terminal one and a repeated `thread.run.created` are ignored.
 * - Deltas merge by `index`, never by position: text, refusals, function `arguments` and
 *   code-interpreter `input` and logs are concatenated; annotations merge by their own `index`;
 *   other fields are set. A delta for a message or step not seen yet creates it.
 * - A terminal payload (`thread.message.completed | incomplete`, `thread.run.step.completed |
 *   failed | cancelled | expired`) replaces the accumulated snapshot, so the final content is the
 *   server's. Replayed lifecycle events are idempotent: a non-terminal one updates status fields
 *   and keeps the accumulated content; one that arrives after the terminal payload is ignored, as
 *   are deltas after it.
 * - Untrusted input is handled without harm: an `index` must be a safe integer in `[0, 10000)` and
 *   at most one past the last element (arrays stay dense; a part that would leave a gap waits for
 *   the terminal payload); `__proto__`, `constructor` and `prototype` keys are never copied;
 *   malformed events and unknown event names leave the state as it is.
 *
 * Cheap per delta and structurally shared: only the changed message or step, its array and the
 * state object are new; everything else stays `===`, and an event that changes nothing returns
 * `state` itself. Unknown extra fields of payloads are kept.
 *
 * @param state - The previous state ({@link initialRunState} to start).
 * @param event - The next run event.
 * @returns The next state, or `state` itself when the event changes nothing.
 *
 * @example
 * ```ts
 * import { useEffect, useReducer } from 'react';
 * import { fromServerSentEvents, initialRunState, reduceRunState } from 'rxjs-assistants';
 *
 * const [state, dispatch] = useReducer(reduceRunState, initialRunState);
 * useEffect(() => {
 *   const sub = fromServerSentEvents(response).subscribe(dispatch);
 *   return () => sub.unsubscribe();
 * }, [response]);
 * ```
 */
export function reduceRunState(state: RunState, event: RunEvent): RunState {
  if (!isRecord(event)) return state;
  const name = event.event;
  switch (name) {
    case 'thread.message.delta':
      return withLists(state, state.steps, applyMessageDelta(state.messages, event.data, memoOf(state.run)));
    case 'thread.run.step.delta':
      return withLists(
        state,
        applyStepDelta(state.steps, event.data, state.runId, memoOf(state.run)),
        state.messages,
      );
    case 'thread.message.created':
    case 'thread.message.in_progress':
    case 'thread.message.completed':
    case 'thread.message.incomplete':
      return withLists(
        state,
        state.steps,
        applyMessageEvent(state.messages, name, event.data, memoOf(state.run)),
      );
    case 'thread.run.step.created':
    case 'thread.run.step.in_progress':
    case 'thread.run.step.completed':
    case 'thread.run.step.failed':
    case 'thread.run.step.cancelled':
    case 'thread.run.step.expired':
      return withLists(
        state,
        applyStepEvent(state.steps, name, event.data, memoOf(state.run)),
        state.messages,
      );
    case 'thread.created': {
      const data: unknown = event.data;
      if (!isRecord(data) || typeof data['id'] !== 'string' || data['id'] === state.threadId) return state;
      return { ...state, threadId: data['id'] };
    }
    default:
      return applyRunEvent(state, event);
  }
}

function applyRunEvent(state: RunState, event: RunEvent): RunState {
  const run = nextRun(state.run, event);
  if (run === state.run || run === undefined) return state;
  const newRun = state.runId !== undefined && state.runId !== run.id;
  // The same run's lists carry on, and so does what the reducer knows about them.
  if (!newRun) handOnMemo(state.run, run);
  const status = run.status;
  return {
    threadId: typeof run.thread_id === 'string' ? run.thread_id : state.threadId,
    runId: run.id,
    status,
    run,
    steps: newRun ? [] : state.steps,
    messages: newRun ? [] : state.messages,
    requiredAction: status === 'requires_action' ? (run.required_action ?? undefined) : undefined,
    usage: run.usage ?? undefined,
    lastError: run.last_error ?? undefined,
    done: isTerminalStatus(status),
  };
}

/**
 * `state` with new `steps` and `messages` lists, or `state` itself when both are unchanged. A
 * literal rather than a spread: this runs once per delta.
 */
function withLists(state: RunState, steps: RunStep[], messages: Message[]): RunState {
  if (steps === state.steps && messages === state.messages) return state;
  return {
    threadId: state.threadId,
    runId: state.runId,
    status: state.status,
    run: state.run,
    steps,
    messages,
    requiredAction: state.requiredAction,
    usage: state.usage,
    lastError: state.lastError,
    done: state.done,
  };
}
