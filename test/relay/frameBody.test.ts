import { map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { eventFrames } from '../../src/relay/eventFrames';
import { bodyBytes, type Frame, type FrameBody } from '../../src/relay/frameBody';
import { text, utf8 } from './helpers';

/**
 * The relay's frame-agnostic core under virtual time: any frames, then the protocol's ending;
 * keep-alive comments fill silences and stop with the stream; a reader too far behind ends it.
 */

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

/** The relay's event body with a keep-alive period (0: none). */
const events = (events$: Observable<RunEvent>, keepAliveMs: number) =>
  bodyBytes(eventFrames('test', events$, { keepAliveMs })).pipe(map(text));

describe('bodyBytes, with the relay event body', () => {
  it('fills each silence of keepAliveMs with a comment, restarting after every frame', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<RunEvent>('a 2499ms b 1899ms |', { a, b });
      expectObservable(events(source, 1000)).toBe('a 999ms k 999ms k 499ms b 999ms k 899ms (d|)', frames);
      expectSubscriptions(source.subscriptions).toBe('^ 4399ms !');
    });
  });

  it('writes the error frame and stops the clock when the events error', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<RunEvent>('a 1499ms #', { a }, new Error('boom'));
      expectObservable(events(source, 1000)).toBe('a 999ms k 499ms (e|)', frames);
    });
  });

  it('writes no comment with keep-alive off', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<RunEvent>('a 5000ms b |', { a, b });
      expectObservable(events(source, 0)).toBe('a 5000ms b (d|)', frames);
    });
  });

  it('unsubscribing stops both the events and the clock', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<RunEvent>('a', { a });
      expectObservable(events(source, 1000), '^ 2500ms !').toBe('a 999ms k 999ms k', frames);
      expectSubscriptions(source.subscriptions).toBe('^ 2500ms !');
    });
  });
});

describe('bodyBytes, with any frames', () => {
  const ending = {
    done: ['<done>'],
    failed: (error: unknown) => [`<failed ${(error as Error).message}>`, utf8('<bye>')],
    fellBehind: (max: number) => [`<behind ${max}>`],
  };
  const body = (frames$: FrameBody['frames$'], keepAliveMs = 0, maxBufferedBytes = 10): FrameBody => ({
    frames$,
    ending,
    keepAliveMs,
    maxBufferedBytes,
  });

  it('writes text and bytes alike, then the ending', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<Frame>('x y |', { x: 'x', y: utf8('y') });
      expectObservable(bodyBytes(body(source)).pipe(map(text))).toBe('x y (d|)', {
        x: 'x',
        y: 'y',
        d: '<done>',
      });
    });
  });

  it('writes every frame of the failed ending, in order', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<Frame>('x #', { x: 'x' }, new Error('boom'));
      expectObservable(bodyBytes(body(source)).pipe(map(text))).toBe('x (fg|)', {
        x: 'x',
        f: '<failed boom>',
        g: '<bye>',
      });
    });
  });

  it('ends with the fellBehind frames and unsubscribes when a frame would put the reader past the bound', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Frame>('x y z w |', { x: '1234', y: '12345', z: '12', w: '1' });
      let behind = 0;
      // The reader takes nothing: everything written is still waiting.
      const bytes = bodyBytes(body(source), () => behind).pipe(
        map((frame) => {
          behind += frame.byteLength;
          return text(frame);
        }),
      );
      expectObservable(bytes).toBe('x y (b|)', { x: '1234', y: '12345', b: '<behind 10>' });
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('gives a reader that has taken everything any frame, however big', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const big = 'x'.repeat(100);
      const source = cold<Frame>('x |', { x: big });
      expectObservable(bodyBytes(body(source)).pipe(map(text))).toBe('x (d|)', { x: big, d: '<done>' });
    });
  });

  it('writes no keep-alive while the reader is behind: the waiting bytes keep the line busy', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<Frame>('x 3000ms |', { x: 'x' });
      expectObservable(bodyBytes(body(source, 1000), () => 1).pipe(map(text))).toBe('x 3000ms (d|)', {
        x: 'x',
        d: '<done>',
      });
    });
  });
});
