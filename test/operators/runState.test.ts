import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { runState } from '../../src/operators/runState';
import { initialRunState } from '../../src/state/RunState';
import { reduceRunState } from '../../src/state/reduceRunState';
import { messageCreated, runEvent, textDelta } from '../state/events';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const a = runEvent('in_progress');
const b = messageCreated('msg_1');
const c = textDelta('msg_1', 'Hi');
const d = runEvent('completed');
const sA = reduceRunState(initialRunState, a);
const sB = reduceRunState(sA, b);
const sC = reduceRunState(sB, c);
const sD = reduceRunState(sC, d);

describe('runState()', () => {
  it('emits a snapshot after every event', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold('  -a-b--c-d|', { a, b, c, d });
      const expected = '    -w-x--y-z|';
      expectObservable(events.pipe(runState())).toBe(expected, { w: sA, x: sB, y: sC, z: sD });
      expectSubscriptions(events.subscriptions).toBe('^--------!');
    });
    expect(sC.messages[0]?.content).toEqual([{ type: 'text', text: { value: 'Hi', annotations: [] } }]);
    expect(sD).toMatchObject({ status: 'completed', done: true });
  });

  it('starts from the initial state again for each subscription', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a-c|', { a, c });
      const state$ = events.pipe(runState());
      expectObservable(state$).toBe('-w-y|', { w: sA, y: reduceRunState(sA, c) });
      expectObservable(state$).toBe('-w-y|', { w: sA, y: reduceRunState(sA, c) });
    });
  });

  it('passes errors through and stops at unsubscription', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-a-#', { a }, new Error('cut'));
      expectObservable(failing.pipe(runState())).toBe('-w-#', { w: sA }, new Error('cut'));
      const endless = cold('-a-b-c-d-', { a, b, c, d });
      expectObservable(endless.pipe(runState()), '^--!').toBe('-w-', { w: sA });
      expectSubscriptions(endless.subscriptions).toBe('^--!');
    });
  });
});
