import { firstValueFrom, from, lastValueFrom, type Observable, of, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import { AssistantsError } from '../../src/errors/AssistantsError';
import {
  aMessage,
  aPage,
  aRun,
  type MockCall,
  type MockClientOverrides,
  mockClient,
  runCompleted,
  runCreated,
  runEvents,
  UnmockedMethodError,
} from '../../src/testing';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const errorOf = async (source: Promise<unknown>): Promise<unknown> =>
  source.then(
    () => {
      throw new Error('expected an error');
    },
    (error: unknown) => error,
  );

describe('mockClient', () => {
  it('is a full AssistantsClient', () => {
    const client = mockClient();
    expectTypeOf(client).toExtend<AssistantsClient>();
    const methods = Object.entries(client)
      .filter(([, value]) => typeof value === 'object' && !Array.isArray(value))
      .flatMap(([namespace, value]) => Object.keys(value as object).map((name) => `${namespace}.${name}`));
    expect(methods).toHaveLength(42);
  });

  it('returns the overrides’ Observables, which work under TestScheduler.run', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = { a: runCreated(), b: runCompleted() };
      const stream = cold('-a-b|', events);
      const client = mockClient({ runs: { createStream: () => stream } });
      expectObservable(client.runs.createStream('thread_1', { assistant_id: 'asst_1' })).toBe(
        '-a-b|',
        events,
      );
      expectSubscriptions(stream.subscriptions).toBe('^---!');
    });
  });

  it('passes the arguments to the override', async () => {
    const client = mockClient({
      runs: { retrieve: (threadId, runId) => of(aRun({ thread_id: threadId, id: runId })) },
    });
    const run = await firstValueFrom(client.runs.retrieve('thread_9', 'run_9'));
    expect(run).toMatchObject({ id: 'run_9', thread_id: 'thread_9' });
  });

  it('accepts any ObservableInput from an override (array, Promise)', async () => {
    const client = mockClient({
      runs: { createStream: () => runEvents({ text: ['a'] }) },
      messages: { list: async () => aPage([aMessage()]) },
    });
    const events = await lastValueFrom(
      client.runs.createStream('thread_1', { assistant_id: 'asst_1' }).pipe(toArray()),
    );
    expect(events.map((e) => e.event).at(-1)).toBe('thread.run.completed');
    expect((await firstValueFrom(client.messages.list('thread_1'))).data).toHaveLength(1);
  });

  it('makes an un-mocked method error on subscribe, naming it and how to mock it', async () => {
    const client = mockClient({ runs: { createStream: () => from(runEvents()) } });
    const cancel$ = client.runs.cancel('thread_1', 'run_1'); // no throw at call time
    const error = await errorOf(firstValueFrom(cancel$));
    expect(error).toBeInstanceOf(UnmockedMethodError);
    expect(error).toBeInstanceOf(AssistantsError);
    expect(error).toMatchObject({ name: 'UnmockedMethodError', method: 'runs.cancel' });
    expect((error as Error).message).toBe(
      'mockClient: runs.cancel() was subscribed but not mocked. Give it in the overrides, e.g. ' +
        'mockClient({ runs: { cancel: () => of(aRun()) } }).',
    );
    const list = await errorOf(firstValueFrom(client.messages.list('thread_1')));
    expect((list as Error).message).toContain(
      'mockClient({ messages: { list: () => of(aPage([aMessage()])) } })',
    );
    const stream = await errorOf(
      firstValueFrom(client.threads.createAndRunStream({ assistant_id: 'asst_1' })),
    );
    expect((stream as Error).message).toContain('createAndRunStream: () => from(runEvents())');
  });

  it('mocks the Responses family like the other namespaces', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const response = { id: 'resp_1', status: 'in_progress' as const, output: [] };
      const events = {
        a: { type: 'response.in_progress' as const, sequence_number: 4, response },
        b: {
          type: 'response.completed' as const,
          sequence_number: 5,
          response: { ...response, status: 'completed' as const },
        },
      };
      const client = mockClient({ responses: { retrieveStream: () => cold('-a-b|', events) } });
      expectObservable(client.responses.retrieveStream('resp_1', { starting_after: 3 })).toBe(
        '-a-b|',
        events,
      );
      expect(client.callsTo('responses.retrieveStream')).toEqual([['resp_1', { starting_after: 3 }]]);
    });
  });

  it.each([
    [
      'responses.createStream',
      "createStream: () => of({ type: 'response.completed', response: { id: 'resp_1', status: 'completed', output: [] } })",
    ],
    ['responses.cancel', "cancel: () => of({ id: 'resp_1', status: 'completed', output: [] })"],
    ['responses.delete', "delete: () => of({ id: '…', deleted: true })"],
    ['responses.inputItems', "inputItems: () => of({ object: 'list', data: [], has_more: false })"],
    ['conversations.create', "create: () => of({ id: 'conv_1' })"],
    ['conversationItems.create', "create: () => of({ object: 'list', data: [], has_more: false })"],
    ['conversationItems.retrieve', "retrieve: () => of({ type: 'message', id: 'msg_1' })"],
    ['conversationItems.delete', "delete: () => of({ id: 'conv_1' })"],
  ] as const)('names how to mock %s when it is not mocked', async (method, example) => {
    const [namespace, name] = method.split('.') as [keyof AssistantsClient, string];
    const client = mockClient();
    const call = (
      client[namespace] as unknown as Record<string, (...args: unknown[]) => Observable<unknown>>
    )[name];
    const error = await errorOf(firstValueFrom(call?.('id_1', { items: [] }) ?? of()));
    expect(error).toMatchObject({ name: 'UnmockedMethodError', method });
    expect((error as Error).message).toContain(`mockClient({ ${namespace}: { ${example} } })`);
  });

  it('errors un-mocked methods at subscription time in marble time', () => {
    newScheduler().run(({ expectObservable }) => {
      const client = mockClient();
      expectObservable(client.steps.list('thread_1', 'run_1')).toBe(
        '#',
        undefined,
        expect.any(UnmockedMethodError),
      );
    });
  });

  it('derives runs.poll from runs.retrieve when only retrieve is given', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const queued = aRun();
      const done = aRun({ status: 'completed' });
      const client = mockClient({ runs: { retrieve: () => cold('--q|', { q: queued }) } });
      expectObservable(client.runs.poll('thread_1', 'run_1')).toBe('--p|', { p: { run: queued } });
      const both = mockClient({
        runs: {
          retrieve: () => cold('--q|', { q: queued }),
          poll: () => cold('-p|', { p: { run: done, pollAfterMs: 0 } }),
        },
      });
      expectObservable(both.runs.poll('thread_1', 'run_1')).toBe('-p|', { p: { run: done, pollAfterMs: 0 } });
      // The derived poll records the poll, not an inner retrieve.
      expect(client.calls.map((c) => c.method)).toEqual(['runs.poll']);
    });
  });

  it('records every call in order, with how often it was subscribed', async () => {
    const client = mockClient({ runs: { cancel: () => of(aRun({ status: 'cancelling' })) } });
    const cancel$ = client.runs.cancel('thread_1', 'run_1');
    client.runs.retrieve('thread_1', 'run_2'); // called, never subscribed
    await firstValueFrom(cancel$);
    await firstValueFrom(cancel$);
    const expected: MockCall[] = [
      { method: 'runs.cancel', args: ['thread_1', 'run_1'], subscribed: 2 },
      { method: 'runs.retrieve', args: ['thread_1', 'run_2'], subscribed: 0 },
    ];
    expect(client.calls).toEqual(expected);
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
    expect(client.callsTo('runs.submitToolOutputs')).toEqual([]);
  });

  it('types the recorded calls by method', () => {
    const client = mockClient();
    expectTypeOf(client.callsTo('runs.submitToolOutputs')).toEqualTypeOf<
      Parameters<AssistantsClient['runs']['submitToolOutputs']>[]
    >();
    const call = client.calls[0];
    if (call?.method === 'runs.cancel')
      expectTypeOf(call.args).toEqualTypeOf<[threadId: string, runId: string]>();
    // @ts-expect-error not a method of the client
    client.callsTo('runs.nope');
  });

  it('rejects overrides the client does not have, saying what it has', () => {
    // @ts-expect-error misspelt method
    expect(() => mockClient({ runs: { crate: () => of(aRun()) } })).toThrow(
      /runs has no method "crate"; expected one of create, createStream, retrieve, poll, /,
    );
    // @ts-expect-error unknown namespace
    expect(() => mockClient({ run: {} })).toThrow(
      /unknown namespace "run".*assistants, threads, messages, runs, steps/,
    );
    const notAFunction = { runs: { retrieve: of(aRun()) } } as unknown as MockClientOverrides;
    expect(() => mockClient(notAFunction)).toThrow(/runs.retrieve must be a function/);
  });

  it('says so when an override returns something that is not an Observable', () => {
    const returnsNothing = { runs: { retrieve: () => undefined } } as unknown as MockClientOverrides;
    expect(() => mockClient(returnsNothing).runs.retrieve('thread_1', 'run_1')).toThrow(
      'mockClient: the override of runs.retrieve returned undefined, not an Observable (or other ObservableInput).',
    );
  });
});
