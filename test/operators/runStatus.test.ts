import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { runStatus } from '../../src/operators/runStatus';
import { messageCreated, runEvent } from '../state/events';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('runStatus()', () => {
  it('emits each distinct status in order, from data.status', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold('-a-b-c-d-e-f-g|', {
        a: runEvent('queued', {}, 'thread.run.created'),
        b: runEvent('queued'),
        c: runEvent('in_progress'),
        d: messageCreated('msg_1'),
        e: runEvent('requires_action'),
        f: runEvent('queued'),
        g: runEvent('incomplete', {}, 'thread.run.completed'),
      });
      expectObservable(events.pipe(runStatus())).toBe('-q---i---r-q-x|', {
        q: 'queued',
        i: 'in_progress',
        r: 'requires_action',
        x: 'incomplete',
      });
      expectSubscriptions(events.subscriptions).toBe('^-------------!');
    });
  });

  it('ignores a late non-terminal replay after a terminal status; a new run starts again', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a-b-c-d|', {
        a: runEvent('failed'),
        b: runEvent('in_progress'),
        c: runEvent('queued', { id: 'run_2' }, 'thread.run.created'),
        d: runEvent('completed', { id: 'run_2' }),
      });
      expectObservable(events.pipe(runStatus())).toBe('-f---q-c|', {
        f: 'failed',
        q: 'queued',
        c: 'completed',
      });
    });
  });

  it('passes errors through and stops at unsubscription', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-a-#', { a: runEvent('queued') }, new Error('cut'));
      expectObservable(failing.pipe(runStatus())).toBe('-q-#', { q: 'queued' }, new Error('cut'));
      const endless = cold('-a-b-', { a: runEvent('queued'), b: runEvent('in_progress') });
      expectObservable(endless.pipe(runStatus()), '^-!').toBe('-q-', { q: 'queued' });
      expectSubscriptions(endless.subscriptions).toBe('^-!');
    });
  });
});
