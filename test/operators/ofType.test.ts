import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  MessageDeltaEvent,
  MessageEvent,
  RunEvent,
  RunEventOf,
  RunStatusEvent,
  RunStepDeltaEvent,
  RunStepEvent,
} from '../../src/events/RunEvent';
import type { Message, Run, RunStep } from '../../src/events/types';
import { ofType } from '../../src/operators/ofType';
import { messageCreated, runEvent, stepDelta, textDelta } from '../state/events';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('ofType()', () => {
  it('lets through only the named events', () => {
    const a = runEvent('in_progress');
    const b = textDelta('msg_1', 'x');
    const c = stepDelta('step_1');
    const d = messageCreated('msg_1');
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold('-a-b-c-d-b|', { a, b, c, d });
      expectObservable(events.pipe(ofType('thread.message.delta'))).toBe('---b-----b|', { b });
      expectObservable(events.pipe(ofType('thread.run.in_progress', 'thread.run.step.delta'))).toBe(
        '-a---c----|',
        {
          a,
          c,
        },
      );
      expectSubscriptions(events.subscriptions).toBe(['^---------!', '^---------!']);
    });
  });

  it('throws a TypeError that says how to call it when given no name', () => {
    const call = ofType as (...names: string[]) => unknown;
    expect(() => call()).toThrow(TypeError);
    expect(() => call()).toThrow(/at least one event name/);
  });

  it('narrows the union (type test)', () => {
    const events = null as unknown as Observable<RunEvent>;
    const deltas = () => events.pipe(ofType('thread.message.delta'));
    expectTypeOf(deltas).returns.toEqualTypeOf<Observable<MessageDeltaEvent>>();

    const several = () => events.pipe(ofType('thread.message.delta', 'thread.run.step.delta'));
    expectTypeOf(several).returns.toEqualTypeOf<Observable<MessageDeltaEvent | RunStepDeltaEvent>>();

    const completed = () =>
      events.pipe(ofType('thread.message.completed', 'thread.run.step.completed', 'thread.run.failed'));
    type Out = ReturnType<typeof completed> extends Observable<infer T> ? T : never;
    expectTypeOf<Out['data']>().toEqualTypeOf<Message | RunStep | Run>();
    expectTypeOf<Out['event']>().toEqualTypeOf<
      'thread.message.completed' | 'thread.run.step.completed' | 'thread.run.failed'
    >();
    expectTypeOf<Extract<Out, { event: 'thread.message.completed' }>>().toMatchTypeOf<MessageEvent>();
    expectTypeOf<Extract<Out, { event: 'thread.run.step.completed' }>>().toMatchTypeOf<RunStepEvent>();
    expectTypeOf<Extract<Out, { event: 'thread.run.failed' }>>().toMatchTypeOf<RunStatusEvent>();
    expectTypeOf<Out>().toEqualTypeOf<
      RunEventOf<'thread.message.completed' | 'thread.run.step.completed' | 'thread.run.failed'>
    >();

    // @ts-expect-error: not an event name (and a TypeError at runtime)
    expect(() => ofType('thread.message.deltas')).toThrow(TypeError);
  });
});

describe('ofType: names it does not know', () => {
  it('rejects a typo at call time, with the name it probably meant', () => {
    expect(() => ofType('thread.message.deltas' as never)).toThrow(
      'ofType: "thread.message.deltas" is not an event of the Assistants stream (did you mean "thread.message.delta"?). For an event name newer than this version, filter(e => e.event === name) lets it through.',
    );
    expect(() => ofType('something.else' as never)).toThrow(/is not an event of the Assistants stream\. For/);
    expect(() => ofType(42 as never)).toThrow(/42 is not an event/);
  });
});
