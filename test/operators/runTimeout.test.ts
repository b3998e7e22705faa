import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it, vi } from 'vitest';
import { AssistantsError } from '../../src/errors/AssistantsError';
import { handleRequiresAction, type ToolContext } from '../../src/operators/handleRequiresAction';
import { RunTimeoutError, runTimeout } from '../../src/operators/runTimeout';
import { createRun } from '../../src/sources/createRun';
import {
  aRequiredAction,
  aRun,
  type MockClient,
  mockClient,
  runCompleted,
  runCreated,
  runInProgress,
  runRequiresAction,
  threadCreated,
} from '../../src/testing';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const events = { a: runCreated(), b: runInProgress(), c: runCompleted() };

describe('runTimeout', () => {
  it("'first': errors when no event arrives in time, and unsubscribes the source", () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('------a|', events);
      expectObservable(source.pipe(runTimeout({ first: 5 }))).toBe(
        '-----#',
        undefined,
        expect.objectContaining({
          name: 'RunTimeoutError',
          limit: 'first',
          ms: 5,
          runId: undefined,
          message: 'The run (no run id seen yet) sent no first event within 5 ms (runTimeout first: 5).',
        }),
      );
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it("'first' alone does not limit the gaps after the first event", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a 20ms b|', events);
      expectObservable(source.pipe(runTimeout({ first: 5 }))).toBe('-a 20ms b|', events);
    });
  });

  it("'idle': errors when the gap between events is too long, naming the run", () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-------c|', events);
      expectObservable(source.pipe(runTimeout({ idle: 4 }))).toBe(
        '-a-b---#',
        events,
        expect.objectContaining({
          limit: 'idle',
          ms: 4,
          runId: 'run_1',
          threadId: 'thread_1',
          message: 'Run run_1 sent no event for 4 ms (runTimeout idle: 4).',
        }),
      );
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it("'idle' also bounds the wait for the first event unless 'first' is given", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const late = cold('------a|', events);
      expectObservable(late.pipe(runTimeout({ idle: 4 }))).toBe(
        '----#',
        undefined,
        expect.objectContaining({ limit: 'idle', ms: 4 }),
      );
      const slowStart = cold('------a-b|', events);
      expectObservable(slowStart.pipe(runTimeout({ first: 10, idle: 4 }))).toBe('------a-b|', events);
    });
  });

  it("'total': errors when the run does not finish in time, even while events keep coming", () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-b-b-b-c|', { ...events });
      expectObservable(source.pipe(runTimeout({ total: 6, idle: 3 }))).toBe(
        '-a-b-b#',
        events,
        expect.objectContaining({
          limit: 'total',
          ms: 6,
          runId: 'run_1',
          message: 'Run run_1 did not finish within 6 ms (runTimeout total: 6).',
        }),
      );
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('passes a run that is in time through untouched', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-c|', events);
      expectObservable(source.pipe(runTimeout({ first: 2, idle: 2, total: 100 }))).toBe('-a-b-c|', events);
    });
  });

  it('leaves no timer behind once the run completes', () => {
    vi.useFakeTimers();
    try {
      const received: unknown[] = [];
      of(events.a, events.c)
        .pipe(runTimeout({ first: 60_000, idle: 60_000, total: 60_000 }))
        .subscribe((event) => received.push(event));
      expect(received).toHaveLength(2);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes source errors through', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const failure = new Error('cut');
      expectObservable(cold('-a#', events, failure).pipe(runTimeout({ total: 10 }))).toBe(
        '-a#',
        events,
        failure,
      );
    });
  });

  it('takes the thread id from thread.created before any run event', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('-t----', { t: threadCreated({ id: 'thread_9' }) });
      expectObservable(source.pipe(runTimeout({ idle: 2 }))).toBe(
        '-t-#',
        { t: threadCreated({ id: 'thread_9' }) },
        expect.objectContaining({ threadId: 'thread_9', runId: undefined }),
      );
    });
  });

  it('cancels a started run on the server exactly once (the source tears down)', () => {
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = mockClient({
        runs: {
          createStream: () => cold('-a-b------c|', events),
          cancel: () => cold('-(k|)', { k: aRun({ status: 'cancelling' }) }),
        },
      });
      const run$ = createRun(client, { threadId: 'thread_1', assistant_id: 'asst_1' }).pipe(
        runTimeout({ idle: 3 }),
      );
      expectObservable(run$).toBe('-a-b--#', events, expect.any(RunTimeoutError));
    });
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
  });

  it('placed after handleRequiresAction, a timeout while tools run aborts them and cancels the run once', () => {
    let client!: MockClient;
    let signal: AbortSignal | undefined;
    scheduler().run(({ cold, expectObservable }) => {
      const paused = runRequiresAction({ required_action: aRequiredAction(), expires_at: null });
      client = mockClient({
        runs: {
          createStream: () => cold('-a-p|', { a: runCreated(), p: paused }),
          cancel: () => cold('-(k|)', { k: aRun({ status: 'cancelling' }) }),
        },
      });
      const slowTool = (_args: unknown, _call: unknown, context: ToolContext) => {
        signal = context.signal;
        return cold('1000ms (x|)', { x: 'late' });
      };
      const run$ = createRun(client, { threadId: 'thread_1', assistant_id: 'asst_1' }).pipe(
        handleRequiresAction(client, { get_weather: slowTool }),
        runTimeout({ idle: 10 }),
      );
      expectObservable(run$).toBe(
        '-a-p 9ms #',
        { a: runCreated(), p: paused },
        expect.objectContaining({ limit: 'idle', runId: 'run_1' }),
      );
    });
    expect(signal?.aborted).toBe(true);
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
    expect(client.callsTo('runs.submitToolOutputsStream')).toEqual([]);
  });

  it('RunTimeoutError is an AssistantsError', () => {
    const error = new RunTimeoutError('total', 1000, 'run_1', 'thread_1');
    expect(error).toBeInstanceOf(AssistantsError);
    expect(error.name).toBe('RunTimeoutError');
  });

  it.each([
    [{}, /no limit given/],
    [undefined, /no limit given/],
    [{ first: 0 }, /first must be a finite number of milliseconds > 0, got 0/],
    [{ idle: Number.NaN }, /idle must be/],
    [{ total: Infinity }, /total must be/],
    [{ total: '5' }, /total must be/],
  ])('throws a TypeError at call time for %j', (config, message) => {
    expect(() => runTimeout(config as never)).toThrow(TypeError);
    expect(() => runTimeout(config as never)).toThrow(message);
  });
});

describe('runTimeout: limits past the 2^31-1 ms a timer can hold', () => {
  it('refuses them at call time instead of firing at once', () => {
    const days30 = 30 * 24 * 3600 * 1000;
    expect(() => runTimeout({ total: days30 })).toThrow(/runTimeout: total must be at most 2147483647 ms/);
    expect(() => runTimeout({ idle: days30 })).toThrow(/idle must be at most/);
    expect(() => runTimeout({ first: 2 ** 31 })).toThrow(/first must be at most/);
    expect(() => runTimeout({ total: 2 ** 31 - 1 })).not.toThrow();
  });
});
