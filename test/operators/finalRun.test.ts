import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { AssistantsError } from '../../src/errors/AssistantsError';
import type { RunEvent } from '../../src/events/RunEvent';
import { finalRun, NoRunEventError } from '../../src/operators/finalRun';
import { aRun, messageCreated, runEvent, textDelta } from '../state/events';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('finalRun()', () => {
  it('emits the last run payload once, at completion', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold('-a-b-c-d|', {
        a: runEvent('queued', {}, 'thread.run.created'),
        b: runEvent('in_progress'),
        c: textDelta('msg_1', 'x'),
        d: runEvent('incomplete', {}, 'thread.run.completed'),
      });
      expectObservable(events.pipe(finalRun())).toBe('--------(r|)', { r: aRun('incomplete') });
      expectSubscriptions(events.subscriptions).toBe('^-------!');
    });
  });

  it('gives the paused run when the source ends at requires_action', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a-b|', { a: runEvent('in_progress'), b: runEvent('requires_action') });
      expectObservable(events.pipe(finalRun())).toBe('----(r|)', { r: aRun('requires_action') });
    });
  });

  it('ignores a late non-terminal replay after the terminal payload', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a-b|', { a: runEvent('completed'), b: runEvent('in_progress') });
      expectObservable(events.pipe(finalRun())).toBe('----(r|)', { r: aRun('completed') });
    });
  });

  it('errors with NoRunEventError when the events hold no run event', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-m-|', { m: messageCreated('msg_1') });
      expectObservable(events.pipe(finalRun())).toBe('---#', undefined, expect.any(NoRunEventError));
    });
    let error: unknown;
    scheduler().run(({ cold }) => {
      cold<RunEvent>('|')
        .pipe(finalRun())
        .subscribe({ error: (e: unknown) => (error = e) });
    });
    expect(error).toBeInstanceOf(AssistantsError);
    expect(error).toMatchObject({
      name: 'NoRunEventError',
      message: expect.stringContaining('without any run event'),
    });
  });

  it('passes source errors through and stops at unsubscription', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-a-#', { a: runEvent('in_progress') }, new Error('cut'));
      expectObservable(failing.pipe(finalRun())).toBe('---#', undefined, new Error('cut'));
      const endless = cold('-a--', { a: runEvent('in_progress') });
      expectObservable(endless.pipe(finalRun()), '^-!').toBe('---');
      expectSubscriptions(endless.subscriptions).toBe('^-!');
    });
  });
});
