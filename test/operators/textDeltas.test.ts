import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { textDeltas } from '../../src/operators/textDeltas';
import {
  messageCompleted,
  messageCreated,
  messageDelta,
  runEvent,
  textBlock,
  textDelta,
} from '../state/events';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('textDeltas()', () => {
  it('emits the text value of each text delta, skipping empty and non-text ones', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold('-a-b-c-d-e-f-g|', {
        a: runEvent('in_progress'),
        b: messageCreated('msg_1'),
        c: textDelta('msg_1', 'Hel', 0, []),
        d: textDelta('msg_1', ''),
        e: messageDelta('msg_1', { index: 1, type: 'image_file', image_file: { file_id: 'f' } }),
        f: textDelta('msg_1', 'lo'),
        g: messageCompleted('msg_1', [textBlock('Hello')]),
      });
      expectObservable(events.pipe(textDeltas())).toBe('-----x-----y--|', { x: 'Hel', y: 'lo' });
      expectSubscriptions(events.subscriptions).toBe('^-------------!');
    });
  });

  it('emits every text part of one delta, in order, at once', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a---|', {
        a: messageDelta(
          'msg_1',
          { index: 0, type: 'text', text: { value: 'x' } },
          { index: 1, type: 'refusal', refusal: 'no' },
          { index: 2, type: 'text', text: { value: 'y' } },
          null,
        ),
      });
      expectObservable(events.pipe(textDeltas())).toBe('-(xy)|', { x: 'x', y: 'y' });
    });
  });

  it('passes errors through and stops at unsubscription', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-a-#', { a: textDelta('msg_1', 'x') }, new Error('cut'));
      expectObservable(failing.pipe(textDeltas())).toBe('-x-#', { x: 'x' }, new Error('cut'));
      const endless = cold('-a-a-a-', { a: textDelta('msg_1', 'x') });
      expectObservable(endless.pipe(textDeltas()), '^--!').toBe('-x-', { x: 'x' });
      expectSubscriptions(endless.subscriptions).toBe('^--!');
    });
  });
});
