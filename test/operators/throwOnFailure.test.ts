import { lastValueFrom, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { AssistantsError } from '../../src/errors/AssistantsError';
import type { RunEvent } from '../../src/events/RunEvent';
import { RunFailedError, throwOnFailure } from '../../src/operators/throwOnFailure';
import {
  aRun,
  messageDelta,
  runCancelled,
  runCompleted,
  runCreated,
  runExpired,
  runFailed,
  runIncomplete,
  runInProgress,
  runRequiresAction,
} from '../../src/testing';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('throwOnFailure', () => {
  it('emits the failed terminal event, then errors with a RunFailedError, and unsubscribes the source', () => {
    const failed = runFailed({ last_error: { code: 'rate_limit_exceeded', message: 'Slow down.' } });
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = { a: runCreated(), d: messageDelta('Hi'), f: failed, x: runInProgress() };
      const source = cold('-a-d-f-x|', events);
      expectObservable(source.pipe(throwOnFailure())).toBe(
        '-a-d-(f#)',
        events,
        expect.objectContaining({
          name: 'RunFailedError',
          status: 'failed',
          runId: 'run_1',
          threadId: 'thread_1',
          run: failed.data,
          lastError: { code: 'rate_limit_exceeded', message: 'Slow down.' },
          incompleteDetails: null,
          message: 'Run run_1 failed: rate_limit_exceeded: Slow down.',
        }),
      );
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it.each<[string, RunEvent, Record<string, unknown>]>([
    [
      'incomplete',
      runIncomplete(),
      {
        status: 'incomplete',
        incompleteDetails: { reason: 'max_completion_tokens' },
        lastError: null,
        message: 'Run run_1 ended incomplete: max_completion_tokens',
      },
    ],
    ['expired', runExpired(), { status: 'expired', message: 'Run run_1 expired before it finished' }],
    ['cancelled', runCancelled(), { status: 'cancelled', message: 'Run run_1 was cancelled' }],
    [
      'failed without last_error',
      runFailed({ last_error: null }),
      { status: 'failed', lastError: null, message: 'Run run_1 failed (the server gave no last_error)' },
    ],
  ])('turns %s into a RunFailedError naming the status and reason', (_label, terminal, fields) => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-t|', { a: runInProgress(), t: terminal });
      expectObservable(source.pipe(throwOnFailure())).toBe(
        '-a-(t#)',
        { a: runInProgress(), t: terminal },
        expect.objectContaining(fields),
      );
    });
  });

  it('reads data.status, not the event name (thread.run.completed carrying incomplete)', () => {
    const odd = { event: 'thread.run.completed', data: aRun({ status: 'incomplete' }) } as RunEvent;
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-o|', { o: odd }).pipe(throwOnFailure())).toBe(
        '-(o#)',
        { o: odd },
        expect.any(RunFailedError),
      );
    });
  });

  it('passes completed runs, paused runs and source errors through untouched', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const ok = { a: runCreated(), c: runCompleted() };
      expectObservable(cold('-a-c|', ok).pipe(throwOnFailure())).toBe('-a-c|', ok);
      const paused = { r: runRequiresAction() };
      expectObservable(cold('-r|', paused).pipe(throwOnFailure())).toBe('-r|', paused);
      const cut = new Error('cut');
      expectObservable(cold('-a#', ok, cut).pipe(throwOnFailure())).toBe('-a#', ok, cut);
    });
  });

  it('RunFailedError is an AssistantsError', async () => {
    const error = await lastValueFrom(of(runFailed()).pipe(throwOnFailure())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect(error).toBeInstanceOf(AssistantsError);
  });
});
