import { defer, type MonoTypeOperatorFunction, tap } from 'rxjs';
import type { FaultRule } from '../../src/emulator';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import type { Rng } from './harness';
import type { HandlerBehaviour, Plan } from './plan';

/** What the responses-tools row draws besides the plan: handler behaviours, a fault, and a tracker. */

const BEHAVIOURS: readonly HandlerBehaviour[] = ['ok', 'ok', 'async', 'slow', 'throw', 'reject'];

/** A call that gives no output of its own: no handler, or one that throws or rejects. */
export const failing = (name: string, behaviour: HandlerBehaviour): boolean =>
  name === 'missing' || behaviour === 'throw' || behaviour === 'reject';

/** Each planned call's behaviour, keyed by what the handler sees: the name and the arguments. */
export function drawBehaviours(rng: Rng, plan: Plan): (name: string, args: string) => HandlerBehaviour {
  const behaviours = new Map<string, HandlerBehaviour>();
  for (const call of plan.rounds.flat()) {
    const key = `${call.name}(${JSON.stringify(call.args)})`;
    if (!behaviours.has(key)) behaviours.set(key, rng.pick(BEHAVIOURS));
  }
  return (name, args) => behaviours.get(`${name}(${args})`) ?? 'ok';
}

/** A fault of the row. */
export interface ToolFault {
  rules: FaultRule[];
  name: string;
  /** The watcher errors mid-chain and `retry()` subscribes it again. */
  resubscribe?: true;
}

/**
 * A fault every round survives, drawn for the mode: an error frame in a create stream, 429s on a
 * continuation's create, 503s on polls, or (a watcher in poll mode) a poll burst beyond
 * fetchClient's retries that errors the pipeline, which `retry()` subscribes again.
 */
export function drawFault(rng: Rng, plan: Plan, mode: 'stream' | 'poll', watcher: boolean): ToolFault {
  const polls = mode === 'poll' ? ['503-polls', ...(watcher ? ['resubscribe', 'resubscribe'] : [])] : [];
  const kind = rng.pick(['none', 'error-frame', '429', ...polls]);
  const round = rng.int(0, plan.rounds.length);
  const times = rng.int(1, 2);
  if (kind === 'error-frame' && mode === 'stream') {
    const afterEvents = rng.int(1, 10);
    const rule: FaultRule = {
      type: 'error_event',
      on: 'responses.create',
      stream: true,
      skip: round,
      times: 1,
      afterEvents,
    };
    return { rules: [rule], name: `error frame in create stream #${round}` };
  }
  if (kind === '429') {
    const skip = Math.max(1, round);
    const rule: FaultRule = {
      type: 'status',
      status: 429,
      on: 'responses.create',
      skip,
      times,
      retryAfterMs: rng.int(5, 30),
    };
    return { rules: [rule], name: `${times}× 429 on continuation create #${skip}` };
  }
  if (kind === '503-polls') {
    const rule: FaultRule = {
      type: 'status',
      status: 503,
      on: 'responses.retrieve',
      skip: rng.int(0, 4),
      times,
      retryAfterMs: rng.int(5, 20),
    };
    return { rules: [rule], name: `${times}× 503 on a poll` };
  }
  if (kind === 'resubscribe') {
    const rule: FaultRule = {
      type: 'status',
      status: 500,
      on: 'responses.retrieve',
      skip: rng.int(0, 8),
      times: 3,
      retryAfterMs: 1,
    };
    return { rules: [rule], name: '3× 500 on a poll, retry() subscribes again', resubscribe: true };
  }
  return { rules: [], name: 'no fault' };
}

/**
 * Where each subscription of a pipeline starts in its events: put `track` before a `retry()`, and
 * `last(events)` gives the events of the last subscription (a re-subscribed watch shows the chain
 * again from its start).
 */
export function subscriptions(): {
  track: MonoTypeOperatorFunction<ResponseEvent>;
  last: (events: readonly ResponseEvent[]) => ResponseEvent[];
  count: () => number;
} {
  const starts: number[] = [];
  let passed = 0;
  return {
    track: (source) =>
      defer(() => {
        starts.push(passed);
        return source.pipe(tap(() => passed++));
      }),
    last: (events) => events.slice(starts.at(-1) ?? 0),
    count: () => starts.length,
  };
}
