import { defer, EMPTY, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { AssistantsConnectionError } from '../../src/errors/AssistantsConnectionError';
import type { RunEvent } from '../../src/events/RunEvent';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import { retryRun } from '../../src/operators/retryRun';
import { createRun } from '../../src/sources/createRun';
import {
  aRequiredAction,
  type MockClient,
  mockClient,
  runCompleted,
  runCreated,
  runFailed,
  runQueued,
  runRequiresAction,
} from '../../src/testing';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const apiError = (status: number, headers: Record<string, string> = {}) =>
  new AssistantsApiError({ status, method: 'POST', url: '/threads/thread_1/runs', headers });
/** A failure to connect: nothing was sent. */
const connectionError = () =>
  new AssistantsConnectionError(
    'POST',
    '/threads/thread_1/runs',
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
  );

const events = {
  a: runCreated(),
  c: runCompleted(),
  f: runFailed({ last_error: { code: 'server_error', message: 'Something went wrong.' } }),
  r: runFailed({ last_error: { code: 'rate_limit_exceeded', message: 'Rate limit reached.' } }),
  x: runFailed({ last_error: { code: 'invalid_prompt', message: 'No.' } }),
};

/** A source whose n-th subscription is the n-th of `attempts` (the last one repeats); counts them. */
const attemptsOf = (attempts: (() => Observable<RunEvent>)[]) => {
  let n = 0;
  const source = defer(() => (attempts[Math.min(n++, attempts.length - 1)] as () => Observable<RunEvent>)());
  return { source, subscriptions: () => n };
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('retryRun: errors before the run exists', () => {
  it('retries a 429 after the retry-after-ms the server asked for', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { source } = attemptsOf([
        () => cold('-#', undefined, apiError(429, { 'retry-after-ms': '300' })),
        () => cold('-a-c|', events),
      ]);
      expectObservable(source.pipe(retryRun())).toBe('- 300ms -a-c|', events);
    });
  });

  it('honours retry-after in seconds, over a numeric delay', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { source } = attemptsOf([
        () => cold('-#', undefined, apiError(503, { 'retry-after': '2' })),
        () => cold('-a-c|', events),
      ]);
      expectObservable(source.pipe(retryRun({ delay: 10 }))).toBe('- 2000ms -a-c|', events);
    });
  });

  it('backs off exponentially with jitter by default, at most `count` times, then errors', () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0); // the low end: 0.75 × the step
    const unavailable = apiError(503);
    let attempts!: ReturnType<typeof attemptsOf>;
    scheduler().run(({ cold, expectObservable }) => {
      attempts = attemptsOf([() => cold('-#', undefined, unavailable)]);
      // 1: error at 1, wait 375 → 2: error at 377, wait 750 → 3: error at 1128, given up.
      expectObservable(attempts.source.pipe(retryRun())).toBe('- 375ms - 750ms -#', undefined, unavailable);
    });
    expect(random).toHaveBeenCalledTimes(2);
    expect(attempts.subscriptions()).toBe(3);
  });

  it('retries at most `count` times', () => {
    const unavailable = apiError(503);
    let attempts!: ReturnType<typeof attemptsOf>;
    scheduler().run(({ cold, expectObservable }) => {
      attempts = attemptsOf([() => cold('-#', undefined, unavailable)]);
      expectObservable(attempts.source.pipe(retryRun({ count: 1, delay: 5 }))).toBe(
        '-------#',
        undefined,
        unavailable,
      );
    });
    expect(attempts.subscriptions()).toBe(2);
    scheduler().run(({ cold, expectObservable }) => {
      attempts = attemptsOf([() => cold('-#', undefined, unavailable)]);
      expectObservable(attempts.source.pipe(retryRun({ count: 0 }))).toBe('-#', undefined, unavailable);
    });
    expect(attempts.subscriptions()).toBe(1);
  });

  it('retries a failure to connect (nothing was sent) too', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { source } = attemptsOf([
        () => cold('-#', undefined, connectionError()),
        () => cold('-a-c|', events),
      ]);
      expectObservable(source.pipe(retryRun({ delay: 10 }))).toBe('- 10ms -a-c|', events);
    });
  });

  it.each([
    ['HTTP 500', apiError(500)],
    ['HTTP 502', apiError(502)],
    [
      'a connection reset after sending',
      new AssistantsConnectionError(
        'POST',
        '/threads/thread_1/runs',
        Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      ),
    ],
  ])('does not retry %s before any event: the create may have been applied', (_, error) => {
    let attempts!: ReturnType<typeof attemptsOf>;
    scheduler().run(({ cold, expectObservable }) => {
      attempts = attemptsOf([() => cold('-#', undefined, error), () => cold('-a-c|', events)]);
      expectObservable(attempts.source.pipe(retryRun({ delay: 1 }))).toBe('-#', undefined, error);
    });
    expect(attempts.subscriptions()).toBe(1);
  });

  it('does not retry an error after the attempt emitted an event (its run exists)', () => {
    const unavailable = apiError(503);
    let attempts!: ReturnType<typeof attemptsOf>;
    scheduler().run(({ cold, expectObservable }) => {
      attempts = attemptsOf([() => cold('-a-#', events, unavailable), () => cold('-a-c|', events)]);
      expectObservable(attempts.source.pipe(retryRun({ delay: 1, retryable: () => true }))).toBe(
        '-a-#',
        events,
        unavailable,
      );
    });
    expect(attempts.subscriptions()).toBe(1);
  });

  it('does not retry a 400, a 404 or another error', () => {
    for (const error of [apiError(400), apiError(404), new TypeError('bug')]) {
      scheduler().run(({ cold, expectObservable }) => {
        const attempts = attemptsOf([() => cold('-#', undefined, error)]);
        expectObservable(attempts.source.pipe(retryRun({ delay: 1 }))).toBe('-#', undefined, error);
      });
    }
  });

  it('uses a delay function with the reason and the retry number; its completion also retries', () => {
    const calls: [unknown, number][] = [];
    const first = apiError(503);
    const second = connectionError();
    scheduler().run(({ cold, expectObservable }) => {
      const { source } = attemptsOf([
        () => cold('-#', undefined, first),
        () => cold('-#', undefined, second),
        () => cold('-a-c|', events),
      ]);
      const delay = (reason: unknown, attempt: number) => {
        calls.push([reason, attempt]);
        return attempt === 1 ? cold('---x', { x: 1 }) : EMPTY;
      };
      expectObservable(source.pipe(retryRun({ delay }))).toBe('------a-c|', events);
    });
    expect(calls).toEqual([
      [first, 1],
      [second, 2],
    ]);
  });

  it('lets `retryable` decide, given the default decision', () => {
    const seen: [unknown, boolean][] = [];
    const badRequest = apiError(400);
    scheduler().run(({ cold, expectObservable }) => {
      const { source } = attemptsOf([() => cold('-#', undefined, badRequest), () => cold('-a-c|', events)]);
      const retryable = (reason: unknown, transient: boolean) => {
        seen.push([reason, transient]);
        return true;
      };
      expectObservable(source.pipe(retryRun({ delay: 1, retryable }))).toBe('---a-c|', events);
    });
    expect(seen).toEqual([[badRequest, false]]);
  });
});

describe('retryRun: failed runs', () => {
  it('starts a new run after a run failed with server_error, without emitting the failed event', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { source } = attemptsOf([() => cold('-a-f|', events), () => cold('-a-c|', events)]);
      expectObservable(source.pipe(retryRun({ delay: 10 }))).toBe('-a 11ms -a-c|', events);
    });
  });

  it('retries rate_limit_exceeded too, and emits the failed run once the retries are spent', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const attempts = attemptsOf([() => cold('-a-r|', events)]);
      expectObservable(attempts.source.pipe(retryRun({ count: 1, delay: 10 }))).toBe('-a 11ms -a-r|', events);
    });
  });

  it('does not retry a run that failed for another reason', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const attempts = attemptsOf([() => cold('-a-x|', events)]);
      expectObservable(attempts.source.pipe(retryRun({ delay: 1 }))).toBe('-a-x|', events);
    });
  });

  it('gives `retryable` the failed run (a Run, not an Error)', () => {
    const seen: [unknown, boolean][] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const { source } = attemptsOf([() => cold('-x|', events), () => cold('-c|', events)]);
      const retryable = (reason: unknown, transient: boolean) => {
        seen.push([reason, transient]);
        return true;
      };
      expectObservable(source.pipe(retryRun({ delay: 3, retryable }))).toBe('-----c|', events);
    });
    expect(seen).toEqual([[events.x.data, false]]);
  });

  it.each([
    ['a new call id', 'call_2'],
    // A server that numbers calls per run: the new run's call_1 is another call, and needs its output.
    ['the same call id (numbered per run)', 'call_1'],
  ])(
    "runs each call once: the failed attempt's calls never again, the retried run's own (%s) once",
    (_, nextId) => {
      const handler = vi.fn(() => 'sunny');
      const paused = (runId: string, callId: string) =>
        runRequiresAction({
          id: runId,
          required_action: aRequiredAction([{ id: callId }]),
          expires_at: null,
        });
      let client!: MockClient;
      let received: RunEvent[] = [];
      scheduler().run(({ cold }) => {
        let creates = 0;
        let submits = 0;
        client = mockClient({
          runs: {
            // Attempt 1 pauses, then fails with server_error; attempt 2 (a new run) pauses for its own call.
            createStream: () =>
              creates++ === 0
                ? cold('-p|', { p: paused('run_1', 'call_1') })
                : cold('-p|', { p: paused('run_2', nextId) }),
            submitToolOutputsStream: () =>
              submits++ === 0
                ? cold('-q-f|', { q: runQueued(), f: events.f })
                : cold('-q-c|', { q: runQueued({ id: 'run_2' }), c: runCompleted({ id: 'run_2' }) }),
          },
        });
        createRun(client, { threadId: 'thread_1', assistant_id: 'asst_1' })
          .pipe(
            handleRequiresAction(client, { get_weather: handler }, { poll: { intervalMs: 5 } }),
            retryRun({ delay: 10 }),
          )
          .subscribe((event) => received.push(event));
      });
      expect(handler).toHaveBeenCalledTimes(2);
      expect(client.callsTo('runs.createStream')).toHaveLength(2);
      expect(client.callsTo('runs.submitToolOutputsStream').map(([, runId, body]) => [runId, body])).toEqual([
        ['run_1', { tool_outputs: [{ tool_call_id: 'call_1', output: 'sunny' }] }],
        ['run_2', { tool_outputs: [{ tool_call_id: nextId, output: 'sunny' }] }],
      ]);
      expect(client.callsTo('runs.cancel')).toEqual([]);
      received = received.filter((event) => event.event !== 'thread.run.step.created');
      expect(received.map((event) => `${event.event}:${(event.data as { id: string }).id}`)).toEqual([
        'thread.run.requires_action:run_1',
        'thread.run.queued:run_1',
        'thread.run.requires_action:run_2',
        'thread.run.queued:run_2',
        'thread.run.completed:run_2',
      ]);
    },
  );
});

describe('retryRun: call-time checks', () => {
  it.each([
    [{ count: -1 }, /count must be a whole number ≥ 0, got -1/],
    [{ count: 1.5 }, /count/],
    [{ delay: -5 }, /delay \(or a function\) must be a finite number of milliseconds ≥ 0, got -5/],
    [{ delay: '5' }, /delay/],
    // Past what a timer holds, it would fire at once.
    [{ delay: 30 * 24 * 3600 * 1000 }, /delay \(or a function\) must be at most 2147483647 ms/],
    [{ retryable: true }, /retryable must be a function, got boolean/],
  ])('throws a TypeError for %j', (config, message) => {
    expect(() => retryRun(config as never)).toThrow(TypeError);
    expect(() => retryRun(config as never)).toThrow(message);
  });
});
