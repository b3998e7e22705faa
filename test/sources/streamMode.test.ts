import { of, Subject, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it, vi } from 'vitest';
import { RunStreamError, StreamDisconnectedError, StreamParseError } from '../../src/errors/StreamErrors';
import type { RunEvent } from '../../src/events/RunEvent';
import { createRun } from '../../src/sources/createRun';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import { submitToolOutputs } from '../../src/sources/submitToolOutputs';
import {
  aFunctionToolCall,
  aRun,
  messageDelta,
  mockClient,
  requiresActionEvents,
  runCompleted,
  runCreated,
  runEvents,
  runInProgress,
  runQueued,
  threadCreated,
} from '../../src/testing';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const params = { threadId: 'thread_1', assistant_id: 'asst_1' };

describe('sources in stream mode', () => {
  it('emits the stream events and completes at the terminal status, dropping what follows', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = { a: runCreated(), b: runInProgress(), c: runCompleted(), d: messageDelta('late') };
      const stream = cold('-a-b-c-d|', events);
      const client = mockClient({ runs: { createStream: () => stream } });
      expectObservable(createRun(client, params)).toBe('-a-b-(c|)', events);
      expectSubscriptions(stream.subscriptions).toBe('^----!');
      expect(client.callsTo('runs.cancel')).toEqual([]);
    });
  });

  it('reads the state from data.status, not from the event name', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const odd = { event: 'thread.run.in_progress', data: aRun({ status: 'incomplete' }) } as RunEvent;
      const events = { a: runCreated(), b: odd, c: runCompleted() };
      const client = mockClient({ runs: { createStream: () => cold('-a-b-c|', events) } });
      expectObservable(createRun(client, params)).toBe('-a-(b|)', events);
    });
  });

  it('completes at requires_action and leaves the run alone', () => {
    const paused = requiresActionEvents();
    const client = mockClient({ threads: { createAndRunStream: () => of(...paused, runCompleted()) } });
    const seen: RunEvent[] = [];
    createThreadAndRun(client, { assistant_id: 'asst_1' }).subscribe((event) => seen.push(event));
    expect(seen).toEqual(paused);
    expect(client.callsTo('runs.cancel')).toEqual([]);
  });

  it('sends the body, the thread id and include[] to the stream endpoint', () => {
    const client = mockClient({ runs: { createStream: () => of(...runEvents()) } });
    createRun(client, { ...params, include: ['x'], instructions: 'Be brief.' }).subscribe();
    expect(client.callsTo('runs.createStream')).toEqual([
      ['thread_1', { assistant_id: 'asst_1', instructions: 'Be brief.' }, { include: ['x'] }],
    ]);
  });

  it('is cold: nothing is sent before subscription', () => {
    const client = mockClient({ runs: { createStream: () => of(...runEvents()) } });
    const run$ = createRun(client, params);
    expect(client.calls).toEqual([]);
    run$.subscribe();
    run$.subscribe();
    expect(client.callsTo('runs.createStream')).toHaveLength(2);
  });

  it('passes unknown thread.* events through', () => {
    const unknown = { event: 'thread.run.step.reticulating', data: { id: 'x' } } as unknown as RunEvent;
    const client = mockClient({ runs: { createStream: () => of(runCreated(), unknown, runCompleted()) } });
    const seen: RunEvent[] = [];
    createRun(client, params).subscribe((event) => seen.push(event));
    expect(seen).toEqual([runCreated(), unknown, runCompleted()]);
  });

  it('a failed run is data: it completes after thread.run.failed', () => {
    const events = runEvents({ status: 'failed' });
    const client = mockClient({ runs: { createStream: () => of(...events) } });
    const complete = vi.fn();
    const error = vi.fn();
    createRun(client, params).subscribe({ complete, error });
    expect(complete).toHaveBeenCalledOnce();
    expect(error).not.toHaveBeenCalled();
  });

  it('submits tool outputs with the stream endpoint and emits the continuation', () => {
    const continuation = runEvents({ continuation: true, toolCalls: [aFunctionToolCall({ output: '21' })] });
    const client = mockClient({ runs: { submitToolOutputsStream: () => of(...continuation) } });
    const seen: RunEvent[] = [];
    const tool_outputs = [{ tool_call_id: 'call_1', output: '21' }];
    submitToolOutputs(client, { threadId: 'thread_1', runId: 'run_1', tool_outputs }).subscribe((e) =>
      seen.push(e),
    );
    expect(seen).toEqual(continuation);
    expect(client.callsTo('runs.submitToolOutputsStream')).toEqual([['thread_1', 'run_1', { tool_outputs }]]);
  });
});

describe('cancel on unsubscribe', () => {
  it('unsubscribing once the run id is known cancels the run exactly once', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = { a: threadCreated(), b: runCreated(), c: runInProgress() };
      const stream = cold('-a-b-c----', events);
      const cancel = cold('--r|', { r: aRun({ status: 'cancelling' }) });
      const client = mockClient({
        threads: { createAndRunStream: () => stream },
        runs: { cancel: () => cancel },
      });
      expectObservable(createThreadAndRun(client, { assistant_id: 'asst_1' }), '^------!').toBe(
        '-a-b-c-',
        events,
      );
      expectSubscriptions(stream.subscriptions).toBe('^------!');
      expectSubscriptions(cancel.subscriptions).toBe('-------^--!');
    });
    const subject = new Subject<RunEvent>();
    const live = mockClient({ runs: { createStream: () => subject, cancel: () => of(aRun()) } });
    const subscription = createRun(live, params).subscribe();
    subject.next(runCreated());
    subscription.unsubscribe();
    subscription.unsubscribe();
    expect(live.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
  });

  it('sends no cancel before the run id is known, nor after a terminal status', () => {
    const subject = new Subject<RunEvent>();
    const early = mockClient({ runs: { createStream: () => subject, cancel: () => of(aRun()) } });
    createRun(early, params).subscribe().unsubscribe();
    expect(early.callsTo('runs.cancel')).toEqual([]);

    const done = mockClient({ runs: { createStream: () => of(...runEvents()), cancel: () => of(aRun()) } });
    createRun(done, params).subscribe().unsubscribe();
    expect(done.callsTo('runs.cancel')).toEqual([]);
  });

  it('cancelOnUnsubscribe: false leaves the run running', () => {
    const subject = new Subject<RunEvent>();
    const client = mockClient({ runs: { createStream: () => subject, cancel: () => of(aRun()) } });
    const subscription = createRun(client, params, { cancelOnUnsubscribe: false }).subscribe();
    subject.next(runCreated());
    subscription.unsubscribe();
    expect(client.callsTo('runs.cancel')).toEqual([]);
  });

  it('reports a failed cancel through onCancelError instead of throwing into the void', () => {
    const subject = new Subject<RunEvent>();
    const failure = new Error('network down');
    const client = mockClient({
      runs: { createStream: () => subject, cancel: () => throwError(() => failure) },
    });
    const onCancelError = vi.fn();
    const subscription = createRun(client, params, { onCancelError }).subscribe();
    subject.next(runCreated());
    subscription.unsubscribe();
    expect(onCancelError).toHaveBeenCalledWith(failure, { threadId: 'thread_1', runId: 'run_1' });
  });

  it('an error from the stream, with the run live and no resume, cancels the run too', () => {
    const subject = new Subject<RunEvent>();
    const client = mockClient({ runs: { createStream: () => subject, cancel: () => of(aRun()) } });
    const error = vi.fn();
    createRun(client, params, { resumeOnDisconnect: false }).subscribe({ error });
    subject.next(runCreated());
    subject.error(new StreamDisconnectedError('cut', 10));
    expect(error).toHaveBeenCalledWith(expect.any(StreamDisconnectedError));
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
  });
});

describe('stream errors', () => {
  it('a cut before the run id is known is a typed error and nothing is re-created', () => {
    const client = mockClient({
      threads: { createAndRunStream: () => throwError(() => new StreamDisconnectedError('cut', 5)) },
    });
    const error = vi.fn();
    createThreadAndRun(client, { assistant_id: 'asst_1' }).subscribe({ error });
    expect(error).toHaveBeenCalledWith(expect.any(StreamDisconnectedError));
    expect(String(error.mock.calls[0]?.[0].message)).toMatch(/before the run id was known/);
    expect(client.callsTo('threads.createAndRunStream')).toHaveLength(1);
    expect(client.calls.map((c) => c.method)).toEqual(['threads.createAndRunStream']);
  });

  it('a malformed frame errors with the parse error, after the events before it', () => {
    const parse = new StreamParseError('thread.message.delta', '{"id":', 'Unexpected end of JSON input');
    const subject = new Subject<RunEvent>();
    const client = mockClient({ runs: { createStream: () => subject, cancel: () => of(aRun()) } });
    const seen: RunEvent[] = [];
    const error = vi.fn();
    createRun(client, params).subscribe({ next: (e) => seen.push(e), error });
    subject.next(runCreated());
    subject.next(runQueued());
    subject.error(parse);
    expect(seen).toEqual([runCreated(), runQueued()]);
    expect(error).toHaveBeenCalledWith(parse);
  });

  it('an error frame without resume errors with the payload', () => {
    const frame = new RunStreamError({ message: 'Sorry, something went wrong.', code: 'server_error' });
    const client = mockClient({
      runs: { createStream: () => throwError(() => frame) },
    });
    const error = vi.fn();
    createRun(client, params, { resumeOnDisconnect: false }).subscribe({ error });
    expect(error).toHaveBeenCalledWith(frame);
  });
});

describe('argument checks', () => {
  it('throws a TypeError that says how to fix the call', () => {
    const client = mockClient();
    expect(() => createRun(client, { assistant_id: 'a' } as never)).toThrow(/threadId/);
    expect(() => createRun(client, { threadId: 't' } as never)).toThrow(/assistant_id/);
    expect(() => createRun(client, params, { mode: 'push' as never })).toThrow(/'stream' or 'poll'/);
    expect(() => createRun(client, params, { poll: { intervalMs: -1 } })).toThrow(/intervalMs/);
    expect(() => createRun(client, params, { poll: { intervalMs: 100, maxIntervalMs: 10 } })).toThrow(
      /maxIntervalMs/,
    );
    expect(() => submitToolOutputs(client, { threadId: 't', runId: 'r' } as never)).toThrow(/tool_outputs/);
  });
});
