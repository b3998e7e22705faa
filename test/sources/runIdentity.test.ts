import { concat, config, NEVER, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it, vi } from 'vitest';
import { StreamParseError } from '../../src/errors/StreamErrors';
import type { RunEvent } from '../../src/events/RunEvent';
import { runState } from '../../src/operators/runState';
import { createRun } from '../../src/sources/createRun';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import {
  aRun,
  messageCompleted,
  messageCreated,
  messageDelta,
  mockClient,
  runCompleted,
  runCreated,
  runInProgress,
  stepCompleted,
  stepCreated,
  stepDelta,
  threadCreated,
} from '../../src/testing';

// A subscription's run is fixed by the first frame that names it (DESIGN section 4): events for
// another run never end the Observable, change what it cancels, or enter its state.

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const params = { threadId: 'thread_1', assistant_id: 'asst_1' };

describe('a stream that names another run', () => {
  it("a foreign run's status events are dropped: they neither end the run nor retarget its cancel", () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const foreign = { thread_id: 'thread_9', id: 'run_B' };
      const events = {
        a: runCreated(),
        b: runInProgress(foreign),
        c: runCompleted(foreign),
        d: messageDelta('late'),
      };
      const client = mockClient({ runs: { createStream: () => cold('-a-b-c-d', events) } });
      expectObservable(createRun(client, params), '^--------!').toBe('-a-----d', events);
      flush();
      expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
    });
  });

  it('a foreign run id on the same thread is dropped too', () => {
    const client = mockClient({
      runs: {
        createStream: () => of(runCreated(), runCompleted({ id: 'run_B' }), runInProgress(), runCompleted()),
      },
    });
    const seen: RunEvent[] = [];
    createRun(client, params).subscribe((event) => seen.push(event));
    expect(seen.map((e) => `${e.event} ${(e.data as { id: string }).id}`)).toEqual([
      'thread.run.created run_1',
      'thread.run.in_progress run_1',
      'thread.run.completed run_1',
    ]);
  });

  it("steps and messages of another run (and their deltas) never enter the run's state", () => {
    const client = mockClient({
      runs: {
        createStream: () =>
          of(
            runCreated(),
            stepCreated({ id: 'step_B', run_id: 'run_B' }),
            stepDelta([], { stepId: 'step_B' }),
            messageCreated({ id: 'msg_B', run_id: 'run_B' }),
            messageDelta('foreign', { messageId: 'msg_B' }),
            messageCompleted({ id: 'msg_B', run_id: 'run_B' }),
            stepCompleted({ id: 'step_B', run_id: 'run_B' }),
            messageCreated(),
            messageDelta('mine'),
            messageCompleted(),
            runCompleted(),
          ),
      },
    });
    let last: { steps: unknown[]; messages: Array<{ id: string }> } | undefined;
    createRun(client, params)
      .pipe(runState())
      .subscribe((state) => {
        last = state;
      });
    expect(last?.steps).toEqual([]);
    expect(last?.messages.map((m) => m.id)).toEqual(['msg_1']);
  });

  it('createThreadAndRun fixes the thread at thread.created and the run at its first run frame', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const events = {
        t: threadCreated(),
        u: threadCreated({ id: 'thread_9' }),
        a: runCreated(),
        b: runInProgress({ thread_id: 'thread_9', id: 'run_1' }),
        c: runInProgress(),
      };
      const client = mockClient({ threads: { createAndRunStream: () => cold('-t-u-a-b-c', events) } });
      expectObservable(createThreadAndRun(client, { assistant_id: 'asst_1' }), '^-----------!').toBe(
        '-t---a---c',
        events,
      );
      flush();
      expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
    });
  });
});

describe('malformed frames from a mock or custom client', () => {
  // fetchClient and openaiClient check frames where they enter (parseEventStream); a client built
  // by hand (mockClient, a custom transport) can still hand the source anything. The source must
  // never throw out of its observer (RxJS would report it as unhandled and Node would exit).
  const malformed: Array<[string, RunEvent]> = [
    ['a message delta without delta', { event: 'thread.message.delta', data: { id: 'msg_1' } } as RunEvent],
    [
      'a message delta with content {}',
      { event: 'thread.message.delta', data: { id: 'msg_1', delta: { content: {} } } } as unknown as RunEvent,
    ],
    [
      'a message delta with content [null]',
      {
        event: 'thread.message.delta',
        data: { id: 'msg_1', delta: { content: [null] } },
      } as unknown as RunEvent,
    ],
    [
      'a step delta with tool_calls {}',
      {
        event: 'thread.run.step.delta',
        data: { id: 'step_1', delta: { step_details: { type: 'tool_calls', tool_calls: {} } } },
      } as unknown as RunEvent,
    ],
    [
      'a step delta with tool_calls [null]',
      {
        event: 'thread.run.step.delta',
        data: { id: 'step_1', delta: { step_details: { type: 'tool_calls', tool_calls: [null] } } },
      } as unknown as RunEvent,
    ],
  ];

  it.each(malformed)('%s is a typed error in the Observable, never a throw', (_, bad) => {
    const client = mockClient({
      runs: { createStream: () => of(runCreated(), bad, runCompleted()), cancel: () => of(aRun()) },
    });
    const seen: RunEvent[] = [];
    let error: unknown;
    createRun(client, params, { resumeOnDisconnect: false }).subscribe({
      next: (event) => seen.push(event),
      error: (e) => {
        error = e;
      },
    });
    expect(seen.map((e) => e.event)).toEqual(['thread.run.created']);
    expect(error).toBeInstanceOf(StreamParseError);
  });

  it('even with resumeOnDisconnect, a malformed frame ends the run with the typed error and cancels it once', () => {
    const bad = { event: 'thread.message.delta', data: { id: 'msg_1' } } as RunEvent;
    const client = mockClient({
      runs: { createStream: () => of(runCreated(), bad, runCompleted()), cancel: () => of(aRun()) },
    });
    let error: unknown;
    createRun(client, params).subscribe({
      error: (e) => {
        error = e;
      },
    });
    expect(error).toBeInstanceOf(StreamParseError);
    expect((error as StreamParseError).event).toBe('thread.message.delta');
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
  });

  it('a source that never ends is not needed for the check (NEVER is fine)', () => {
    const client = mockClient({ runs: { createStream: () => NEVER } });
    const subscription = createRun(client, params).subscribe();
    subscription.unsubscribe();
    expect(client.callsTo('runs.cancel')).toEqual([]);
  });
});

describe('the cancel sent when the subscriber leaves', () => {
  it('a throwing onCancelError is reported as a warning, never as an unhandled error', () => {
    const stray: unknown[] = [];
    const saved = config.onUnhandledError;
    config.onUnhandledError = (error) => stray.push(error);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const client = mockClient({
        runs: {
          createStream: () => concat(of(runCreated()), NEVER),
          cancel: () => throwError(() => new Error('503')),
        },
      });
      createRun(client, params, {
        onCancelError: () => {
          throw new Error('oops in the callback');
        },
      })
        .subscribe()
        .unsubscribe();
      expect(stray).toEqual([]);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/onCancelError threw: oops in the callback/));
    } finally {
      config.onUnhandledError = saved;
      warn.mockRestore();
    }
  });
});
