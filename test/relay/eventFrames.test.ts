import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { eventFrames } from '../../src/relay/eventFrames';
import { text } from './helpers';

/** The frame encoder under virtual time: keep-alive comments fill silences and stop with the stream. */

const a = { event: 'thread.run.created', data: { id: 'run_1' } } as RunEvent;
const b = { event: 'thread.run.completed', data: { id: 'run_1' } } as RunEvent;
const frames = {
  a: 'event: thread.run.created\ndata: {"id":"run_1"}\n\n',
  b: 'event: thread.run.completed\ndata: {"id":"run_1"}\n\n',
  k: ': keep-alive\n\n',
  d: 'event: done\ndata: [DONE]\n\n',
  e: 'event: error\ndata: {"message":"boom"}\n\n',
};

const testScheduler = () =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

describe('eventFrames', () => {
  it('fills each silence of keepAliveMs with a comment, restarting after every frame', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold<RunEvent>('a 2499ms b 1899ms |', { a, b });
      const result = eventFrames(events, 1000, undefined).pipe(map(text));
      expectObservable(result).toBe('a 999ms k 999ms k 499ms b 999ms k 899ms (d|)', frames);
      expectSubscriptions(events.subscriptions).toBe('^ 4399ms !');
    });
  });

  it('writes the error frame and stops the clock when the events error', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const events = cold<RunEvent>('a 1499ms #', { a }, new Error('boom'));
      expectObservable(eventFrames(events, 1000, undefined).pipe(map(text))).toBe(
        'a 999ms k 499ms (e|)',
        frames,
      );
    });
  });

  it('writes no comment with keep-alive off', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const events = cold<RunEvent>('a 5000ms b |', { a, b });
      expectObservable(eventFrames(events, 0, undefined).pipe(map(text))).toBe('a 5000ms b (d|)', frames);
    });
  });

  it('unsubscribing stops both the events and the clock', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold<RunEvent>('a', { a });
      expectObservable(eventFrames(events, 1000, undefined).pipe(map(text)), '^ 2500ms !').toBe(
        'a 999ms k 999ms k',
        frames,
      );
      expectSubscriptions(events.subscriptions).toBe('^ 2500ms !');
    });
  });
});
