import { from, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { runState } from '../../src/operators/runState';
import type { RunState } from '../../src/state/RunState';
import { pace } from '../../src/ui/pace';
import { messageCreated, runEvent, textDelta } from '../state/events';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A run of `deltas` text deltas of one character each, then completed. */
const longRun = (deltas: number): RunEvent[] => [
  runEvent('in_progress'),
  messageCreated('msg_1'),
  ...Array.from({ length: deltas }, (_, i) => textDelta('msg_1', String(i % 10))),
  runEvent('completed'),
];

describe('pace()', () => {
  it('emits the last value of each macrotask, and the last value at the end at once', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' (abc)--d-e-(f|)');
      expectObservable(source.pipe(pace())).toBe('c------d-e-(f|)');
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('delivers the value still waiting before an error', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('(ab#)').pipe(pace())).toBe('(b#)');
    });
  });

  it('coalesces a 40,000-delta run into one snapshot per macrotask, the final one included, and leaves no timer', async () => {
    vi.useFakeTimers();
    const events = new Subject<RunEvent>();
    const snapshots: RunState[] = [];
    let completed = false;
    events.pipe(runState({ pace: 'frame' })).subscribe({
      next: (state) => snapshots.push(state),
      complete: () => {
        completed = true;
      },
    });
    const run = longRun(40_000);
    // 1,000 events per macrotask: 40 batches
    for (let i = 0; i < run.length; i += 1000) {
      for (const event of run.slice(i, i + 1000)) events.next(event);
      await vi.advanceTimersByTimeAsync(1);
    }
    events.complete();
    expect(completed).toBe(true);
    expect(snapshots.length).toBe(41);
    const unpaced: RunState[] = [];
    from(run)
      .pipe(runState())
      .subscribe((state) => unpaced.push(state));
    expect(unpaced).toHaveLength(40_003);
    expect(snapshots.at(-1)).toEqual(unpaced.at(-1));
    expect(snapshots.at(-1)?.done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('delivers the last value when the source ends before the frame, and nothing after', async () => {
    vi.useFakeTimers();
    const values: number[] = [];
    from([1, 2, 3])
      .pipe(pace())
      .subscribe((value) => values.push(value));
    expect(values).toEqual([3]);
    await vi.advanceTimersByTimeAsync(100);
    expect(values).toEqual([3]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind when unsubscribed while a value waits', () => {
    vi.useFakeTimers();
    const source = new Subject<number>();
    const values: number[] = [];
    const subscription = source.pipe(pace()).subscribe((value) => values.push(value));
    source.next(1);
    expect(vi.getTimerCount()).toBe(1);
    subscription.unsubscribe();
    expect(vi.getTimerCount()).toBe(0);
    expect(values).toEqual([]);
  });

  it('uses requestAnimationFrame when the page has it: one value per frame', () => {
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback));
    vi.stubGlobal('cancelAnimationFrame', (handle: number) => {
      frames[handle - 1] = () => {};
    });
    const runFrame = () => {
      const pending = frames.splice(0);
      for (const callback of pending) callback(0);
    };
    const source = new Subject<number>();
    const values: number[] = [];
    const subscription = source.pipe(pace()).subscribe((value) => values.push(value));
    source.next(1);
    source.next(2);
    expect(values).toEqual([]);
    runFrame();
    expect(values).toEqual([2]);
    source.next(3);
    source.next(4);
    source.next(5);
    runFrame();
    runFrame();
    expect(values).toEqual([2, 5]);
    source.next(6);
    subscription.unsubscribe();
    runFrame();
    expect(values).toEqual([2, 5]);
  });

  it('runState refuses an unknown pace at once', () => {
    expect(() => runState({ pace: 'second' as never })).toThrow(/pace must be 'event' or 'frame'/);
  });
});
