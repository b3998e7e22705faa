import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import type { ToolCall } from '../../src/events/types';
import { toolCalls } from '../../src/operators/toolCalls';
import { fnCall, runEvent, stepDelta, stepEvent, toolStep } from '../state/events';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const fileSearch: ToolCall = {
  id: 'fs_1',
  type: 'file_search',
  file_search: { results: [{ file_id: 'file_1', file_name: 'a.txt', score: 0.5 }] },
};

describe('toolCalls()', () => {
  it('emits a step’s calls from its terminal payload, each id once', () => {
    const done = toolStep([fnCall('call_1', 'f', '{"a":1}', 'out'), fnCall('call_2', 'g', '{}', 'out2')]);
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold('-a-b-c-d-e-f|', {
        a: stepEvent('created', 'step_1', toolStep()),
        b: stepDelta('step_1', {
          index: 0,
          id: 'call_1',
          type: 'function',
          function: { name: 'f', arguments: '{"a":' },
        }),
        c: stepDelta('step_1', { index: 0, type: 'function', function: { arguments: '1}' } }),
        d: stepEvent('completed', 'step_1', done),
        e: stepEvent('completed', 'step_1', done), // replayed
        f: runEvent('completed'),
      });
      expectObservable(events.pipe(toolCalls())).toBe('-------(xy)-|', {
        x: fnCall('call_1', 'f', '{"a":1}', 'out'),
        y: fnCall('call_2', 'g', '{}', 'out2'),
      });
      expectSubscriptions(events.subscriptions).toBe('^-----------!');
    });
  });

  it('takes results that only the step.completed payload carries (file_search)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a-b-c|', {
        a: stepEvent('created', 'step_1', toolStep()),
        b: stepDelta('step_1', { index: 0, id: 'fs_1', type: 'file_search', file_search: { results: [] } }),
        c: stepEvent('completed', 'step_1', toolStep([fileSearch])),
      });
      expectObservable(events.pipe(toolCalls())).toBe('-----x|', { x: fileSearch });
    });
  });

  it('emits the calls of failed, cancelled and expired steps too', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a-b-c|', {
        a: stepEvent('failed', 'step_1', toolStep([fnCall('c1', 'f', '{}')])),
        b: stepEvent('cancelled', 'step_2', toolStep([fnCall('c2', 'f', '{}')])),
        c: stepEvent('expired', 'step_3', toolStep([fnCall('c3', 'f', '{}')])),
      });
      expectObservable(events.pipe(toolCalls())).toBe('-x-y-z|', {
        x: fnCall('c1', 'f', '{}'),
        y: fnCall('c2', 'f', '{}'),
        z: fnCall('c3', 'f', '{}'),
      });
    });
  });

  it('flushes, at completion, the calls of steps that never finished (a run paused at requires_action)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a-b-c-d|', {
        a: stepEvent('created', 'step_1', toolStep()),
        b: stepDelta('step_1', {
          index: 0,
          id: 'call_1',
          type: 'function',
          function: { name: 'f', arguments: '{}', output: null },
        }),
        c: stepDelta('step_1', {
          index: 1,
          id: 'call_2',
          type: 'function',
          function: { name: 'g', arguments: '[]' },
        }),
        d: runEvent('requires_action'),
      });
      expectObservable(events.pipe(toolCalls())).toBe('--------(xy|)', {
        x: fnCall('call_1', 'f', '{}'),
        y: fnCall('call_2', 'g', '[]'),
      });
    });
  });

  it('does not emit again at the end a call already emitted, even if its step went back', () => {
    const events: Record<string, RunEvent> = {
      a: stepEvent('completed', 'step_1', toolStep([fnCall('call_1', 'f', '{}', 'o')])),
      b: stepEvent('created', 'step_2', toolStep([fnCall('call_1', 'f', '{}', 'o')])),
    };
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b|', events).pipe(toolCalls())).toBe('-x--|', {
        x: fnCall('call_1', 'f', '{}', 'o'),
      });
    });
  });

  it('keeps its memory per subscription, passes errors through, stops at unsubscription', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = stepEvent('completed', 'step_1', toolStep([fnCall('call_1', 'f', '{}', 'o')]));
      const once = cold('-a|', { a }).pipe(toolCalls());
      expectObservable(once).toBe('-x|', { x: fnCall('call_1', 'f', '{}', 'o') });
      expectObservable(once).toBe('-x|', { x: fnCall('call_1', 'f', '{}', 'o') });
      const failing = cold('-a-#', { a }, new Error('cut'));
      expectObservable(failing.pipe(toolCalls())).toBe(
        '-x-#',
        { x: fnCall('call_1', 'f', '{}', 'o') },
        new Error('cut'),
      );
      const endless = cold('-a--', { a });
      expectObservable(endless.pipe(toolCalls()), '^--!').toBe('-x-', {
        x: fnCall('call_1', 'f', '{}', 'o'),
      });
      expectSubscriptions(endless.subscriptions).toBe('^--!');
    });
  });
});
