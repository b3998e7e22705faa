import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { finalMessages } from '../../src/operators/finalMessages';
import {
  aMessage,
  messageCompleted,
  messageCreated,
  RUN,
  runEvent,
  textBlock,
  textDelta,
} from '../state/events';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('finalMessages()', () => {
  it('emits once, at completion, the run’s messages in order of first appearance with their final content', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold('-a-b-c-d-e-f-g|', {
        a: runEvent('in_progress'),
        b: messageCreated('msg_2'),
        c: messageCreated('msg_1'),
        d: textDelta('msg_1', 'one'),
        e: textDelta('msg_2', 'two'),
        f: messageCompleted('msg_2', [textBlock('two!')]),
        g: runEvent('completed'),
      });
      expectObservable(events.pipe(finalMessages())).toBe('--------------(m|)', {
        m: [
          aMessage('msg_2', 'completed', [textBlock('two!')]),
          aMessage('msg_1', 'in_progress', [textBlock('one')]),
        ],
      });
      expectSubscriptions(events.subscriptions).toBe('^-------------!');
    });
  });

  it('leaves out user messages and other runs’ messages, keeps a user message of this run', () => {
    const user = (id: string, run_id: string | null): RunEvent =>
      messageCreated(id, { role: 'user', run_id, assistant_id: null });
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a-b-c-d-e|', {
        a: user('msg_user', null),
        b: runEvent('in_progress'),
        c: messageCreated('msg_other', { run_id: 'run_0' }),
        d: user('msg_user_of_run', RUN),
        e: messageCreated('msg_1'),
      });
      expectObservable(events.pipe(finalMessages())).toBe('----------(m|)', {
        m: [
          aMessage('msg_user_of_run', 'in_progress', [], { role: 'user', run_id: RUN, assistant_id: null }),
          aMessage('msg_1', 'in_progress'),
        ],
      });
    });
  });

  it('counts an assistant message without run_id (a stream resumed mid-message)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a|', { a: textDelta('msg_9', 'tail') });
      expectObservable(events.pipe(finalMessages())).toBe('--(m|)', {
        m: [
          {
            id: 'msg_9',
            object: 'thread.message',
            role: 'assistant',
            status: 'in_progress',
            content: [textBlock('tail')],
          },
        ],
      });
    });
  });

  it('emits [] when there is no message, and passes errors through', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold('-a|', { a: runEvent('completed') }).pipe(finalMessages())).toBe('--(m|)', {
        m: [],
      });
      const failing = cold('-a-#', { a: messageCreated('msg_1') }, new Error('cut'));
      expectObservable(failing.pipe(finalMessages())).toBe('---#', undefined, new Error('cut'));
      expectSubscriptions(failing.subscriptions).toBe('^--!');
    });
  });
});
