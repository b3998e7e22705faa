import { from, lastValueFrom, type Observable, of, retry, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { AssistantsConnectionError } from '../../src/errors/AssistantsConnectionError';
import { AssistantsError } from '../../src/errors/AssistantsError';
import { StreamDisconnectedError } from '../../src/errors/StreamErrors';
import { isRunStatusEvent } from '../../src/events/guards';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message, RequiredActionFunctionToolCall } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import {
  handleRequiresAction,
  RequiredActionExpiredError,
  ToolCallError,
  type ToolContext,
} from '../../src/operators/handleRequiresAction';
import type { ToolArguments } from '../../src/operators/runToolCall';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import {
  aPage,
  aRequiredAction,
  aRun,
  type FunctionCallSpec,
  type MockClient,
  type MockClientOverrides,
  mockClient,
  replayFetch,
  runCompleted,
  runCreated,
  runInProgress,
  runQueued,
  runRequiresAction,
  stepCompleted,
} from '../../src/testing';
import { readFixture, readRecording, recordedSseBody, referenceEvents } from '../helpers/fixtures';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const weather: FunctionCallSpec = { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } };
const calc: FunctionCallSpec = { id: 'call_2', name: 'calculate', arguments: { expression: '2 + 2' } };

/** `thread.run.requires_action` for these calls; no expiry unless given. */
const paused = (calls: FunctionCallSpec[] = [weather], expires_at: number | null = null) =>
  runRequiresAction({ required_action: aRequiredAction(calls), expires_at });

/** The run as a poll reads it while it waits for these calls. */
const waitingRun = (calls: FunctionCallSpec[] = [weather]) =>
  aRun({ status: 'requires_action', required_action: aRequiredAction(calls), expires_at: null });

const outputsOf = (body: unknown) =>
  (body as { tool_outputs: { tool_call_id: string; output: string }[] }).tool_outputs;

/** A client whose run and steps reads are answered (for the polls the operator may start). */
const withReads = (overrides: MockClientOverrides) =>
  mockClient({
    ...overrides,
    steps: { list: () => of(aPage([])) },
    messages: { list: () => of(aPage([])) },
  });

/** Answers each call of a method with the next of `answers` (the last one repeats). */
const inTurn = <T>(answers: (() => Observable<T>)[]) => {
  let n = 0;
  return () => (answers[Math.min(n++, answers.length - 1)] as () => Observable<T>)();
};

describe('handleRequiresAction: one round', () => {
  it('runs the handler, submits its output in one request and splices the continuation', () => {
    const seen: { args: unknown; call: RequiredActionFunctionToolCall; signal: AbortSignal }[] = [];
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = {
        a: runCreated(),
        b: runInProgress(),
        r: paused(),
        s: stepCompleted(),
        q: runQueued(),
        c: runCompleted(),
      };
      client = mockClient({ runs: { submitToolOutputsStream: () => cold('-s-q-c|', events) } });
      const source = cold('-a-b-r|', events);
      const handlers = {
        get_weather: (args: unknown, call: RequiredActionFunctionToolCall, { signal }: ToolContext) => {
          seen.push({ args, call, signal });
          return cold('--(x|)', { x: '21 °C' });
        },
      };
      expectObservable(source.pipe(handleRequiresAction(client, handlers))).toBe('-a-b-r--s-q-(c|)', events);
      // The source completes at requires_action; the operator leaves it there.
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.args).toEqual({ city: 'Paris' });
    expect(seen[0]?.call).toEqual({
      id: 'call_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    expect(seen[0]?.signal.aborted).toBe(false);
    expect(client.callsTo('runs.submitToolOutputsStream')).toEqual([
      ['thread_1', 'run_1', { tool_outputs: [{ tool_call_id: 'call_1', output: '21 °C' }] }],
    ]);
    expect(client.callsTo('runs.cancel')).toEqual([]);
  });

  it('continues in poll mode with the non-streaming submit when config says so', () => {
    const client = withReads({
      runs: {
        submitToolOutputs: () => of(aRun({ status: 'queued' })),
        retrieve: () => of(aRun({ status: 'completed' })),
      },
    });
    const events: RunEvent[] = [];
    scheduler().run(({ cold }) => {
      cold('-r|', { r: paused() })
        .pipe(
          handleRequiresAction(
            client,
            { get_weather: () => 'sunny' },
            { mode: 'poll', poll: { intervalMs: 0 } },
          ),
        )
        .subscribe((event) => events.push(event));
    });
    expect(events.filter(isRunStatusEvent).map((event) => event.data.status)).toEqual([
      'requires_action',
      'queued',
      'completed',
    ]);
    expect(client.callsTo('runs.submitToolOutputs')).toEqual([
      ['thread_1', 'run_1', { tool_outputs: [{ tool_call_id: 'call_1', output: 'sunny' }] }],
    ]);
    expect(client.callsTo('runs.submitToolOutputsStream')).toEqual([]);
  });

  it('handles as many rounds as the run needs, each call id once', () => {
    const weatherHandler = vi.fn((_args: unknown) => 'sunny');
    const calcHandler = vi.fn((_args: unknown) => 4);
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      const events = { r: paused([weather]), q: runQueued(), R: paused([calc]), c: runCompleted() };
      client = mockClient({
        runs: {
          submitToolOutputsStream: inTurn([() => cold('-q-R|', events), () => cold('-c|', events)]),
        },
      });
      const result = cold('-r|', events).pipe(
        handleRequiresAction(client, { get_weather: weatherHandler, calculate: calcHandler }),
      );
      expectObservable(result).toBe('-rq-R(c|)', events);
    });
    expect(weatherHandler).toHaveBeenCalledTimes(1);
    expect(calcHandler).toHaveBeenCalledTimes(1);
    expect(calcHandler.mock.calls[0]?.[0]).toEqual({ expression: '2 + 2' });
    expect(client.callsTo('runs.submitToolOutputsStream').map(([, , body]) => outputsOf(body))).toEqual([
      [{ tool_call_id: 'call_1', output: 'sunny' }],
      [{ tool_call_id: 'call_2', output: '4' }],
    ]);
  });

  it('accepts one function for every call, with the raw call', () => {
    const route = vi.fn(
      (call: RequiredActionFunctionToolCall, _context: ToolContext) =>
        `${call.function.name}(${call.function.arguments})`,
    );
    const client = mockClient({ runs: { submitToolOutputsStream: () => of(runCompleted()) } });
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('-r|', { r: paused([weather, calc]) }).pipe(handleRequiresAction(client, route));
      expectObservable(result).toBe('-(rc|)', { r: paused([weather, calc]), c: runCompleted() });
    });
    expect(route).toHaveBeenCalledTimes(2);
    expect(route.mock.calls[0]?.[1]).toEqual({ signal: expect.any(AbortSignal) });
    expect(outputsOf(client.callsTo('runs.submitToolOutputsStream')[0]?.[2])).toEqual([
      { tool_call_id: 'call_1', output: 'get_weather({"city":"Paris"})' },
      { tool_call_id: 'call_2', output: 'calculate({"expression":"2 + 2"})' },
    ]);
  });
});

describe('handleRequiresAction: handlers', () => {
  it('runs the calls of a round in parallel, at most `concurrency` at once, and submits in call order', () => {
    const calls = [weather, calc, { id: 'call_3', name: 'lookup', arguments: { q: 'x' } }];
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('----(a|)', { a: 'A' });
      const fast = cold('-(b|)', { b: 'B' });
      const mid = cold('--(c|)', { c: 'C' });
      client = mockClient({ runs: { submitToolOutputsStream: () => cold('-c|', { c: runCompleted() }) } });
      const result = cold('-r|', { r: paused(calls) }).pipe(
        handleRequiresAction(
          client,
          { get_weather: () => slow, calculate: () => fast, lookup: () => mid },
          { concurrency: 2 },
        ),
      );
      expectObservable(result).toBe('-r----(c|)', { r: paused(calls), c: runCompleted() });
      expectSubscriptions(slow.subscriptions).toBe('-^---!');
      expectSubscriptions(fast.subscriptions).toBe('-^!');
      expectSubscriptions(mid.subscriptions).toBe('--^-!'); // starts when `fast` is done
    });
    expect(outputsOf(client.callsTo('runs.submitToolOutputsStream')[0]?.[2])).toEqual([
      { tool_call_id: 'call_1', output: 'A' },
      { tool_call_id: 'call_2', output: 'B' },
      { tool_call_id: 'call_3', output: 'C' },
    ]);
  });

  it('runs all calls at once by default', () => {
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const one = cold('---(a|)', { a: 'A' });
      const two = cold('---(b|)', { b: 'B' });
      client = mockClient({ runs: { submitToolOutputsStream: () => cold('(c|)', { c: runCompleted() }) } });
      const result = cold('-r|', { r: paused([weather, calc]) }).pipe(
        handleRequiresAction(client, { get_weather: () => one, calculate: () => two }),
      );
      expectObservable(result).toBe('-r--(c|)', { r: paused([weather, calc]), c: runCompleted() });
      expectSubscriptions(one.subscriptions).toBe('-^--!');
      expectSubscriptions(two.subscriptions).toBe('-^--!');
    });
  });

  it('uses strings as they are, awaits the last value of async results, and JSON-serialises the rest', async () => {
    const results: Record<string, () => unknown> = {
      text: () => 'plain text',
      number: () => 42,
      object: () => ({ temp: 21, unit: 'C' }),
      array: () => [1, 2, 3],
      nothing: () => null,
      void: () => undefined,
      promise: async () => ({ ok: true }),
      observable: () => from(['first', 'last']),
      empty: () => from([]),
      asyncIterable: async function* () {
        yield 1;
        yield 'final';
      },
      bigint: () => 10n,
    };
    const names = Object.keys(results);
    const specs = names.map((name, n) => ({ id: `call_${n + 1}`, name, arguments: {} }));
    const client = mockClient({ runs: { submitToolOutputsStream: () => of(runCompleted()) } });
    await lastValueFrom(of(paused(specs)).pipe(handleRequiresAction(client, results), toArray()));
    const outputs = outputsOf(client.callsTo('runs.submitToolOutputsStream')[0]?.[2]);
    expect(Object.fromEntries(outputs.map((o, n) => [names[n], o.output]))).toEqual({
      text: 'plain text',
      number: '42',
      object: '{"temp":21,"unit":"C"}',
      array: '[1,2,3]',
      nothing: 'null',
      void: '',
      promise: '{"ok":true}',
      observable: 'last',
      empty: '',
      asyncIterable: 'final',
      bigint: expect.stringMatching(/^Error: bigint failed: its result cannot be serialised as JSON/),
    });
  });

  it('answers invalid JSON arguments with an error string, without calling the handler', () => {
    const handler = vi.fn(() => 'never');
    const client = mockClient({ runs: { submitToolOutputsStream: () => of(runCompleted()) } });
    scheduler().run(({ cold, expectObservable }) => {
      const bad = paused([{ id: 'call_1', name: 'get_weather', arguments: '{"city": Par' }]);
      const result = cold('-r|', { r: bad }).pipe(handleRequiresAction(client, { get_weather: handler }));
      expectObservable(result).toBe('-(rc|)', { r: bad, c: runCompleted() });
    });
    expect(handler).not.toHaveBeenCalled();
    const [output] = outputsOf(client.callsTo('runs.submitToolOutputsStream')[0]?.[2]);
    expect(output?.tool_call_id).toBe('call_1');
    expect(output?.output).toMatch(
      /^Error: the arguments for get_weather are not valid JSON \(.+\), so it was not called\. Arguments received: \{"city": Par$/,
    );
  });

  it('gives a handler that runs past timeoutMs an aborted signal and submits a timeout error', () => {
    let signal: AbortSignal | undefined;
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('----------(x|)', { x: 'late' });
      client = mockClient({ runs: { submitToolOutputsStream: () => cold('-c|', { c: runCompleted() }) } });
      const handler = (_args: unknown, _call: unknown, context: ToolContext) => {
        signal = context.signal;
        return slow;
      };
      const result = cold('-r|', { r: paused() }).pipe(
        handleRequiresAction(client, { get_weather: handler }, { timeoutMs: 5 }),
      );
      expectObservable(result).toBe('-r-----(c|)', { r: paused(), c: runCompleted() });
      expectSubscriptions(slow.subscriptions).toBe('-^----!');
    });
    expect(signal?.aborted).toBe(true);
    expect(outputsOf(client.callsTo('runs.submitToolOutputsStream')[0]?.[2])).toEqual([
      { tool_call_id: 'call_1', output: 'Error: get_weather did not finish within 5 ms.' },
    ]);
  });
});

describe('handleRequiresAction: onError', () => {
  const unknownCall: FunctionCallSpec = { id: 'call_9', name: 'launch_rockets', arguments: {} };

  it("'submit' (default): an unknown function or a failing handler gets an error string naming it", () => {
    const client = mockClient({ runs: { submitToolOutputsStream: () => of(runCompleted()) } });
    scheduler().run(({ cold, expectObservable }) => {
      const calls = [weather, calc, unknownCall];
      const result = cold('-r|', { r: paused(calls) }).pipe(
        handleRequiresAction(client, {
          get_weather: () => {
            throw new Error('no such city');
          },
          calculate: () => cold('-#', undefined, new Error('division by zero')),
        }),
      );
      expectObservable(result).toBe('-r(c|)', { r: paused(calls), c: runCompleted() });
    });
    expect(outputsOf(client.callsTo('runs.submitToolOutputsStream')[0]?.[2])).toEqual([
      { tool_call_id: 'call_1', output: 'Error: get_weather failed: no such city' },
      { tool_call_id: 'call_2', output: 'Error: calculate failed: division by zero' },
      {
        tool_call_id: 'call_9',
        output: 'Error: there is no function named "launch_rockets" (available: get_weather, calculate).',
      },
    ]);
    expect(client.callsTo('runs.cancel')).toEqual([]);
  });

  it("'cancel': aborts the other handlers, cancels the run, emits its final status and completes", () => {
    let otherSignal: AbortSignal | undefined;
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('---#', undefined, new Error('boom'));
      const other = cold('------(x|)', { x: 'ok' });
      const cancelled = aRun({ status: 'cancelled' });
      client = mockClient({ runs: { cancel: () => cold('-(k|)', { k: cancelled }) } });
      const result = cold('-r|', { r: paused([weather, calc]) }).pipe(
        handleRequiresAction(
          client,
          {
            get_weather: () => failing,
            calculate: (_a: unknown, _c: unknown, { signal }: ToolContext) => {
              otherSignal = signal;
              return other;
            },
          },
          { onError: 'cancel' },
        ),
      );
      expectObservable(result).toBe('-r---(k|)', {
        r: paused([weather, calc]),
        k: { event: 'thread.run.cancelled', data: cancelled },
      });
      expectSubscriptions(other.subscriptions).toBe('-^--!');
    });
    expect(otherSignal?.aborted).toBe(true);
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
    expect(client.callsTo('runs.submitToolOutputsStream')).toEqual([]);
  });

  it("'error': errors with a ToolCallError carrying the call, aborts the others and cancels the run once", () => {
    let otherSignal: AbortSignal | undefined;
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = mockClient({ runs: { cancel: () => cold('-(k|)', { k: aRun({ status: 'cancelling' }) }) } });
      const result = cold('-r|', { r: paused([weather, unknownCall]) }).pipe(
        handleRequiresAction(
          client,
          {
            get_weather: (_a: unknown, _c: unknown, { signal }: ToolContext) => {
              otherSignal = signal;
              return cold('-----(x|)', { x: 'ok' });
            },
          },
          { onError: 'error' },
        ),
      );
      expectObservable(result).toBe(
        '-(r#)',
        { r: paused([weather, unknownCall]) },
        expect.objectContaining({
          name: 'ToolCallError',
          reason: 'unknown_function',
          functionName: 'launch_rockets',
          runId: 'run_1',
          threadId: 'thread_1',
          toolCall: expect.objectContaining({ id: 'call_9' }),
          message:
            'Tool call call_9 (launch_rockets) of run run_1 failed: there is no function named "launch_rockets" (available: get_weather).',
        }),
      );
    });
    expect(otherSignal?.aborted).toBe(true);
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
    expect(client.callsTo('runs.submitToolOutputsStream')).toEqual([]);
  });

  it.each([
    ['an Error', new Error('boom'), 'failed: boom'],
    // `String()` of this throws: the message must still be built.
    ['a value that cannot be printed', Object.create(null) as object, 'failed: [object Object]'],
  ])('ToolCallError is an AssistantsError with the handler error as cause (%s)', async (_, cause, says) => {
    const client = mockClient({ runs: { cancel: () => of(aRun({ status: 'cancelled' })) } });
    const result = of(paused()).pipe(
      handleRequiresAction(
        client,
        {
          get_weather: () => {
            throw cause;
          },
        },
        { onError: 'error' },
      ),
    );
    const error = await lastValueFrom(result).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolCallError);
    expect(error).toBeInstanceOf(AssistantsError);
    expect(error).toMatchObject({ reason: 'handler_error', cause, message: expect.stringContaining(says) });
  });
});

describe('handleRequiresAction: unsubscribing and errors', () => {
  it('aborts running handlers and cancels the run exactly once when the subscriber leaves', () => {
    let signal: AbortSignal | undefined;
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      client = mockClient({ runs: { cancel: () => cold('-(k|)', { k: aRun({ status: 'cancelling' }) }) } });
      const slow = cold('-----(x|)', { x: 'late' });
      const result = cold('-r|', { r: paused() }).pipe(
        handleRequiresAction(client, {
          get_weather: (_a: unknown, _c: unknown, context: ToolContext) => {
            signal = context.signal;
            return slow;
          },
        }),
      );
      expectObservable(result, '^--!').toBe('-r-', { r: paused() });
      expectSubscriptions(slow.subscriptions).toBe('-^-!');
    });
    expect(signal?.aborted).toBe(true);
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
    expect(client.callsTo('runs.submitToolOutputsStream')).toEqual([]);
  });

  it('cancels once when the subscriber leaves during the continuation, and not after it ended', () => {
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = mockClient({
        runs: {
          submitToolOutputsStream: () => cold('-q---c|', { q: runQueued(), c: runCompleted() }),
          cancel: () => cold('-(k|)', { k: aRun({ status: 'cancelling' }) }),
        },
      });
      const result = cold('-r|', { r: paused() }).pipe(
        handleRequiresAction(client, { get_weather: () => 'ok' }),
      );
      expectObservable(result, '^----!').toBe('-rq--', { r: paused(), q: runQueued() });
      expectObservable(result, '^---------!').toBe('-rq---(c|)', {
        r: paused(),
        q: runQueued(),
        c: runCompleted(),
      });
    });
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
  });

  it('leaves the run alone on unsubscribe with cancelOnUnsubscribe: false', () => {
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = mockClient();
      const result = cold('-r|', { r: paused() }).pipe(
        handleRequiresAction(
          client,
          { get_weather: () => cold('-----(x|)', { x: 'late' }) },
          { cancelOnUnsubscribe: false },
        ),
      );
      expectObservable(result, '^--!').toBe('-r-', { r: paused() });
    });
    expect(client.calls.filter((call) => call.method === 'runs.cancel')).toEqual([]);
  });

  it('errors when the submit is refused while the run still waits for it, and cancels the paused run once', () => {
    const refused = new AssistantsApiError({
      status: 400,
      method: 'POST',
      url: '/submit_tool_outputs',
      message: 'bad',
    });
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = mockClient({
        runs: {
          submitToolOutputsStream: () => cold('-#', undefined, refused),
          retrieve: () => cold('-(w|)', { w: waitingRun() }),
          cancel: () => cold('-(k|)', { k: aRun({ status: 'cancelling' }) }),
        },
      });
      const result = cold('-r|', { r: paused() }).pipe(
        handleRequiresAction(client, { get_weather: () => 'ok' }),
      );
      expectObservable(result).toBe('-r-#', { r: paused() }, refused);
    });
    expect(client.callsTo('runs.submitToolOutputsStream')).toHaveLength(1);
    expect(client.callsTo('runs.retrieve')).toEqual([['thread_1', 'run_1']]);
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
  });

  it('follows the run to its outcome when the submit is refused because it was cancelled meanwhile', () => {
    const refused = new AssistantsApiError({
      status: 400,
      method: 'POST',
      url: '/submit_tool_outputs',
      message: 'Runs in status "cancelled" do not accept tool outputs.',
    });
    const cancelled = aRun({ status: 'cancelled' });
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = withReads({
        runs: {
          submitToolOutputsStream: () => cold('-#', undefined, refused),
          retrieve: () => cold('-(c|)', { c: cancelled }),
        },
      });
      const result = cold('-r|', { r: paused() }).pipe(
        handleRequiresAction(client, { get_weather: () => 'ok' }),
      );
      // The refusal's retrieve, then the watch's first poll: the run's own end, no error, no cancel.
      expectObservable(result).toBe('-r--(c|)', {
        r: paused(),
        c: { event: 'thread.run.cancelled', data: cancelled },
      });
    });
    expect(client.callsTo('runs.submitToolOutputsStream')).toHaveLength(1);
    expect(client.callsTo('runs.cancel')).toEqual([]);
  });

  it('errors with RequiredActionExpiredError when expires_at passes while handlers run, without cancelling', () => {
    let signal: AbortSignal | undefined;
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = mockClient();
      // expires_at is in epoch seconds; the TestScheduler's clock starts at 0, so 3 s is frame 3000.
      const expiring = paused([weather, calc], 3);
      const result = cold('-r|', { r: expiring }).pipe(
        handleRequiresAction(client, {
          get_weather: () => 'fast',
          calculate: (_a: unknown, _c: unknown, context: ToolContext) => {
            signal = context.signal;
            return cold('5000ms (x|)', { x: 'slow' });
          },
        }),
      );
      expectObservable(result).toBe(
        '-r 2998ms #',
        { r: expiring },
        expect.objectContaining({
          name: 'RequiredActionExpiredError',
          runId: 'run_1',
          expiresAt: 3,
          pendingCalls: [expect.objectContaining({ id: 'call_2' })],
          message:
            'Run run_1 expired at 1970-01-01T00:00:03.000Z while its tools were still running (calculate call_2); no outputs were submitted.',
        }),
      );
    });
    expect(signal?.aborted).toBe(true);
    expect(client.calls).toEqual([]);
  });

  it('RequiredActionExpiredError is an AssistantsError', () => {
    const error = new RequiredActionExpiredError({ threadId: 't', runId: 'r' }, 3, []);
    expect(error).toBeInstanceOf(AssistantsError);
    expect(error.name).toBe('RequiredActionExpiredError');
  });

  it('ignores an expires_at already past when the round starts (clock skew) and lets the server decide', () => {
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = mockClient({ runs: { submitToolOutputsStream: () => cold('(c|)', { c: runCompleted() }) } });
      const stale = paused([weather], 0);
      const result = cold('-r|', { r: stale }).pipe(
        handleRequiresAction(client, { get_weather: () => cold('5000ms (x|)', { x: 'slow' }) }),
      );
      expectObservable(result).toBe('-r 4999ms (c|)', { r: stale, c: runCompleted() });
    });
    expect(client.callsTo('runs.submitToolOutputsStream')).toHaveLength(1);
  });
});

describe('handleRequiresAction: each tool call id once', () => {
  it('does not run or submit again when a poll re-observes the same requires_action', () => {
    const handler = vi.fn(() => 'sunny');
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = withReads({
        runs: {
          // The submit's answer was read before the run took the outputs in.
          submitToolOutputs: () => cold('-(s|)', { s: waitingRun() }),
          retrieve: () => cold('-(c|)', { c: aRun({ status: 'completed' }) }),
        },
      });
      const result = cold('-r|', { r: paused() }).pipe(
        handleRequiresAction(client, { get_weather: handler }, { mode: 'poll', poll: { intervalMs: 10 } }),
      );
      expectObservable(result).toBe('-rs 9ms -(c|)', {
        r: paused(),
        s: { event: 'thread.run.requires_action', data: waitingRun() },
        c: { event: 'thread.run.completed', data: aRun({ status: 'completed' }) },
      });
    });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(client.callsTo('runs.submitToolOutputs')).toHaveLength(1);
    expect(client.callsTo('runs.cancel')).toEqual([]);
  });

  it('keeps the ids per operator instance: a re-subscription sends the kept output, never re-running the handler', () => {
    const handler = vi.fn(() => 'sunny');
    const lost = new AssistantsApiError({ status: 503, method: 'POST', url: '/submit_tool_outputs' });
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = mockClient({
        runs: {
          submitToolOutputsStream: inTurn([
            () => cold('-#', undefined, lost),
            () => cold('-(c|)', { c: runCompleted() }),
          ]),
        },
      });
      const result = cold('-r|', { r: paused() }).pipe(
        handleRequiresAction(client, { get_weather: handler }, { cancelOnUnsubscribe: false }),
        retry(1),
      );
      expectObservable(result).toBe('-r-r(c|)', { r: paused(), c: runCompleted() });
    });
    expect(handler).toHaveBeenCalledTimes(1);
    const bodies = client.callsTo('runs.submitToolOutputsStream').map(([, , body]) => body);
    expect(bodies).toEqual([
      { tool_outputs: [{ tool_call_id: 'call_1', output: 'sunny' }] },
      { tool_outputs: [{ tool_call_id: 'call_1', output: 'sunny' }] },
    ]);
  });

  it('a submit that fails without an answer: the run still waits → the same outputs again', () => {
    const handler = vi.fn(() => 'sunny');
    const noAnswer = new AssistantsConnectionError('POST', '/submit_tool_outputs', new Error('ECONNRESET'));
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = mockClient({
        runs: {
          submitToolOutputsStream: inTurn([
            () => cold('-#', undefined, noAnswer),
            () => cold('-q-(c|)', { q: runQueued(), c: runCompleted() }),
          ]),
          retrieve: () => cold('-(w|)', { w: waitingRun() }),
        },
      });
      const result = cold('-r|', { r: paused() }).pipe(
        handleRequiresAction(client, { get_weather: handler }),
      );
      expectObservable(result).toBe('-r--q-(c|)', { r: paused(), q: runQueued(), c: runCompleted() });
    });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(client.callsTo('runs.retrieve')).toEqual([['thread_1', 'run_1']]);
    const bodies = client.callsTo('runs.submitToolOutputsStream').map(([, , body]) => body);
    expect(bodies).toEqual([
      { tool_outputs: [{ tool_call_id: 'call_1', output: 'sunny' }] },
      { tool_outputs: [{ tool_call_id: 'call_1', output: 'sunny' }] },
    ]);
    expect(client.callsTo('runs.cancel')).toEqual([]);
  });

  it('a submit that fails without an answer: the run moved on → follows it by polling, no second submit', () => {
    const noAnswer = new AssistantsConnectionError('POST', '/submit_tool_outputs', new Error('ECONNRESET'));
    let client!: MockClient;
    const events: RunEvent[] = [];
    scheduler().run(({ cold }) => {
      client = withReads({
        runs: {
          submitToolOutputsStream: () => cold('-#', undefined, noAnswer),
          retrieve: inTurn([
            () => cold('-(p|)', { p: aRun({ status: 'in_progress' }) }),
            () => cold('-(p|)', { p: aRun({ status: 'in_progress' }) }),
            () => cold('-(c|)', { c: aRun({ status: 'completed' }) }),
          ]),
        },
      });
      cold('-r|', { r: paused() })
        .pipe(handleRequiresAction(client, { get_weather: () => 'sunny' }, { poll: { intervalMs: 5 } }))
        .subscribe((event) => events.push(event));
    });
    expect(events.filter(isRunStatusEvent).map((event) => event.data.status)).toEqual([
      'requires_action',
      'in_progress',
      'completed',
    ]);
    expect(client.callsTo('runs.submitToolOutputsStream')).toHaveLength(1);
    expect(client.callsTo('runs.cancel')).toEqual([]);
  });

  it('a stream that broke before its first event: the resumed poll sees the run waiting → the same outputs again', () => {
    const handler = vi.fn(() => 'sunny');
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = withReads({
        runs: {
          submitToolOutputsStream: inTurn([
            () =>
              cold(
                '-#',
                undefined,
                new StreamDisconnectedError('The stream ended before the done frame.', 0),
              ),
            () => cold('-(c|)', { c: runCompleted() }),
          ]),
          retrieve: () => cold('-(w|)', { w: waitingRun() }),
        },
      });
      const result = cold('-r|', { r: paused() }).pipe(
        handleRequiresAction(client, { get_weather: handler }),
      );
      expectObservable(result).toBe('-r-w(c|)', {
        r: paused(),
        w: { event: 'thread.run.requires_action', data: waitingRun() },
        c: runCompleted(),
      });
    });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(client.callsTo('runs.submitToolOutputsStream')).toHaveLength(2);
    expect(client.callsTo('runs.submitToolOutputsStream')[1]?.[2]).toEqual({
      tool_outputs: [{ tool_call_id: 'call_1', output: 'sunny' }],
    });
  });

  it('gives up after 3 sends without an answer, with the last failure, and cancels the run', () => {
    const noAnswer = new AssistantsConnectionError('POST', '/submit_tool_outputs', new Error('ECONNRESET'));
    let client!: MockClient;
    scheduler().run(({ cold, expectObservable }) => {
      client = mockClient({
        runs: {
          submitToolOutputsStream: () => cold('-#', undefined, noAnswer),
          retrieve: () => cold('(w|)', { w: waitingRun() }),
          cancel: () => cold('(k|)', { k: aRun({ status: 'cancelling' }) }),
        },
      });
      const result = cold('-r|', { r: paused() }).pipe(
        handleRequiresAction(client, { get_weather: () => 'ok' }),
      );
      expectObservable(result).toBe('-r--#', { r: paused() }, noAnswer);
    });
    expect(client.callsTo('runs.submitToolOutputsStream')).toHaveLength(3);
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
  });
});

describe('handleRequiresAction: handler types', () => {
  it('accepts handlers that type their own arguments, with the call and context inferred', () => {
    const client = mockClient();
    handleRequiresAction(client, {
      get_weather: async ({ city }: { city: string }, call, { signal }) => {
        expectTypeOf(call).toEqualTypeOf<RequiredActionFunctionToolCall>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        return city;
      },
      untyped: (args) => {
        // A JSON object of unknown fields: destructuring gives `unknown`, never `any`.
        expectTypeOf(args).toEqualTypeOf<ToolArguments>();
        const { city } = args;
        expectTypeOf(city).toBeUnknown();
        return of(1, 2);
      },
      destructured: ({ city }) => {
        expectTypeOf(city).toBeUnknown();
        // @ts-expect-error an untyped argument is unknown, so it cannot be used as a string
        return city.toUpperCase();
      },
    });
    handleRequiresAction(client, (call, { signal }) => {
      expectTypeOf(call.function.arguments).toBeString();
      return signal.aborted ? 'aborted' : call.function.name;
    });
  });
});

describe('handleRequiresAction: call-time checks', () => {
  const client = mockClient();
  it.each([
    [null, /handlers must be/],
    ['get_weather', /handlers must be/],
    [{ get_weather: 'sunny' }, /the handler for "get_weather" must be a function, got string/],
  ])('rejects handlers %j', (handlers, message) => {
    expect(() => handleRequiresAction(client, handlers as never)).toThrow(message);
  });

  it.each([
    [{ concurrency: 0 }, /concurrency must be a whole number ≥ 1 or Infinity, got 0/],
    [{ concurrency: 1.5 }, /concurrency/],
    [{ timeoutMs: -1 }, /timeoutMs must be a finite number of milliseconds > 0, got -1/],
    [{ onError: 'ignore' }, /onError must be 'submit', 'cancel' or 'error', got "ignore"/],
    [{ mode: 'push' }, /mode must be 'stream' or 'poll'/],
  ])('rejects config %j', (config, message) => {
    expect(() => handleRequiresAction(client, {}, config as never)).toThrow(TypeError);
    expect(() => handleRequiresAction(client, {}, config as never)).toThrow(message);
  });
});

describe('handleRequiresAction: the recorded StreamingToolCall session, end to end', () => {
  const name = 'openai-dotnet.StreamingToolCall.json';
  const recording = readRecording(name);
  const [, createEntry, submitEntry] = recording.Entries;

  it('runs the one handler once, submits the recorded tool_call_id, and gives the recorded final messages', async () => {
    const replay = replayFetch(readFixture('recordings', name));
    const client = fetchClient({
      apiKey: 'test',
      baseURL: 'https://api.openai.com/v1',
      fetch: replay,
      maxRetries: 0,
    });
    const handler = vi.fn(() => 'warm and sunny');
    const body = createEntry?.RequestBody as { assistant_id: string; thread: never };

    const events = await lastValueFrom(
      createThreadAndRun(client, { assistant_id: body.assistant_id, thread: body.thread }).pipe(
        handleRequiresAction(client, { get_current_weather: handler }),
        toArray(),
      ),
    );

    expect(handler).toHaveBeenCalledTimes(1);
    const recordedCall = (submitEntry!.RequestBody as { tool_outputs: { tool_call_id: string }[] })
      .tool_outputs[0];
    const submits = replay.requests.filter((request) => request.path.endsWith('/submit_tool_outputs'));
    expect(submits).toHaveLength(1);
    expect(submits[0]?.body).toEqual({
      tool_outputs: [{ tool_call_id: recordedCall?.tool_call_id, output: 'warm and sunny' }],
      stream: true,
    });
    expect(recordedCall?.tool_call_id).toMatch(/^call_/);

    // Both recorded streams, in one Observable.
    const recorded = [createEntry, submitEntry].flatMap((entry) =>
      referenceEvents(recordedSseBody(entry as never)),
    );
    expect(events).toEqual(recorded);
    const expected = recorded
      .filter((event) => event.event === 'thread.message.completed')
      .map((event) => event.data as Message);
    expect(expected).toHaveLength(1);
    const messages = await lastValueFrom(from(events).pipe(finalMessages()));
    expect(messages).toEqual(expected);
    expect(events.at(-1)?.data).toMatchObject({ object: 'thread.run', status: 'completed' });
    expect(replay.pending().map((entry) => entry.RequestUri)).toEqual([
      'https://api.openai.com/v1/assistants',
    ]);
  });

  it('the handler got the recorded arguments and call', async () => {
    const replay = replayFetch(readFixture('recordings', name));
    const client = fetchClient({
      apiKey: 'test',
      baseURL: 'https://api.openai.com/v1',
      fetch: replay,
      maxRetries: 0,
    });
    const handler = vi.fn((_args: unknown, _call: RequiredActionFunctionToolCall) => 'warm and sunny');
    const body = createEntry?.RequestBody as { assistant_id: string; thread: never };
    await lastValueFrom(
      createThreadAndRun(client, { assistant_id: body.assistant_id, thread: body.thread }).pipe(
        handleRequiresAction(client, { get_current_weather: handler }),
      ),
    );
    const paused = referenceEvents(recordedSseBody(createEntry as never)).find(
      (event) => event.event === 'thread.run.requires_action',
    );
    const call = (paused!.data as { required_action: { submit_tool_outputs: { tool_calls: unknown[] } } })
      .required_action.submit_tool_outputs.tool_calls[0];
    expect(handler.mock.calls[0]?.[1]).toEqual(call);
    expect(handler.mock.calls[0]?.[0]).toEqual(
      JSON.parse((call as { function: { arguments: string } }).function.arguments),
    );
  });
});
