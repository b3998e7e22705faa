import { NEVER, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { handleRequiresAction, RepeatedToolCallsError } from '../../src/operators/handleRequiresAction';
import { watchRun } from '../../src/sources/watchRun';
import {
  aPage,
  aRequiredAction,
  aRun,
  type FunctionCallSpec,
  type MockClientOverrides,
  mockClient,
} from '../../src/testing';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const weather: FunctionCallSpec = { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } };
const waitingRun = (calls: FunctionCallSpec[] = [weather], expires_at: number | null = null) =>
  aRun({ status: 'requires_action', required_action: aRequiredAction(calls), expires_at });
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));
const withReads = (overrides: MockClientOverrides) =>
  mockClient({
    ...overrides,
    steps: { list: () => of(aPage([])) },
    messages: { list: () => of(aPage([])) },
  });

describe('handleRequiresAction downstream of watchRun', () => {
  it('does not cancel a run it did not start when the observer leaves (defaults)', async () => {
    const client = withReads({
      runs: { poll: () => of({ run: waitingRun() }), cancel: () => of(aRun({ status: 'cancelling' })) },
    });
    const subscription = watchRun(client, { threadId: 'thread_1', runId: 'run_1' })
      .pipe(handleRequiresAction(client, { get_weather: () => NEVER }))
      .subscribe();
    await tick();
    expect(client.callsTo('runs.poll')).toHaveLength(1); // the pause was seen, the handler runs
    subscription.unsubscribe();
    expect(client.callsTo('runs.cancel')).toEqual([]);
  });

  it('cancels when told to, on the operator or on the watch', async () => {
    for (const [watchConfig, operatorConfig] of [
      [{}, { cancelOnUnsubscribe: true }],
      [{ cancelOnUnsubscribe: true }, {}],
    ] as const) {
      const client = withReads({
        runs: { poll: () => of({ run: waitingRun() }), cancel: () => of(aRun({ status: 'cancelling' })) },
      });
      const subscription = watchRun(client, { threadId: 'thread_1', runId: 'run_1' }, watchConfig)
        .pipe(handleRequiresAction(client, { get_weather: () => NEVER }, operatorConfig))
        .subscribe();
      await tick();
      subscription.unsubscribe();
      expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
    }
  });

  it('an explicit cancelOnUnsubscribe: false on the operator wins over a cancelling source', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const client = mockClient({ runs: { cancel: () => of(aRun()) } });
      const paused = { event: 'thread.run.requires_action', data: waitingRun() } as RunEvent;
      const result = cold('-r|', { r: paused }).pipe(
        handleRequiresAction(client, { get_weather: () => NEVER }, { cancelOnUnsubscribe: false }),
      );
      expectObservable(result, '^--!').toBe('-r-', { r: paused });
      expect(client.callsTo('runs.cancel')).toEqual([]);
    });
  });
});

describe('durations past the 2^31-1 ms a timer can hold', () => {
  const DAY = 24 * 3600 * 1000;

  it('an expires_at 26 days ahead never fires early: the handler finishes and its output is submitted', async () => {
    const expiresAt = Math.floor((Date.now() + 26 * DAY) / 1000);
    const client = withReads({
      runs: {
        submitToolOutputsStream: () =>
          of({ event: 'thread.run.completed', data: aRun({ status: 'completed' }) } as RunEvent),
      },
    });
    const paused = {
      event: 'thread.run.requires_action',
      data: waitingRun([weather], expiresAt),
    } as RunEvent;
    const seen: string[] = [];
    let error: unknown;
    await new Promise<void>((resolve) => {
      of(paused)
        .pipe(
          handleRequiresAction(client, {
            get_weather: () => new Promise((done) => setTimeout(() => done('21 °C'), 30)),
          }),
        )
        .subscribe({
          next: (event) => seen.push(event.event),
          error: (e) => {
            error = e;
            resolve();
          },
          complete: resolve,
        });
    });
    expect(error).toBeUndefined();
    expect(seen).toEqual(['thread.run.requires_action', 'thread.run.completed']);
    expect(client.callsTo('runs.submitToolOutputsStream')).toHaveLength(1);
  });

  it('options above it are refused where they are given, with the bound in the message', () => {
    const client = mockClient({});
    expect(() => handleRequiresAction(client, {}, { timeoutMs: 30 * DAY })).toThrow(/at most 2147483647 ms/);
    expect(() => handleRequiresAction(client, {}, { poll: { intervalMs: 30 * DAY } })).toThrow(
      /poll\.intervalMs must be at most/,
    );
    expect(() =>
      watchRun(client, { threadId: 't', runId: 'r' }, { poll: { maxIntervalMs: 2 ** 31 } }),
    ).toThrow(/poll\.maxIntervalMs must be at most/);
  });
});

describe('a server that reuses tool call ids', () => {
  it('a later round asking only for answered calls ends with RepeatedToolCallsError: handler once, submit once, bounded polls', async () => {
    const paused = { event: 'thread.run.requires_action', data: waitingRun() } as RunEvent;
    const client = withReads({
      runs: {
        // The submit is answered, and the run asks for the same call again, forever.
        submitToolOutputsStream: () => of(paused),
        poll: () => of({ run: waitingRun() }),
        cancel: () => of(aRun({ status: 'cancelling' })),
      },
    });
    let runs = 0;
    const error = await new Promise<unknown>((resolve) => {
      of(paused)
        .pipe(
          handleRequiresAction(
            client,
            {
              get_weather: () => {
                runs++;
                return 'sunny';
              },
            },
            { poll: { intervalMs: 0 } },
          ),
        )
        .subscribe({ error: resolve, complete: () => resolve(undefined) });
    });
    expect(error).toBeInstanceOf(RepeatedToolCallsError);
    expect((error as RepeatedToolCallsError).callIds).toEqual(['call_1']);
    expect(String((error as Error).message)).toMatch(/already accepted \(call_1\)/);
    expect(runs).toBe(1);
    expect(client.callsTo('runs.submitToolOutputsStream')).toHaveLength(1);
    expect(client.callsTo('runs.poll').length).toBeLessThanOrEqual(3);
    // The run is left paused by a server we cannot trust: the error cancels it, once.
    expect(client.callsTo('runs.cancel')).toEqual([['thread_1', 'run_1']]);
  });

  it('a run that took the outputs after one early look carries on', async () => {
    const paused = { event: 'thread.run.requires_action', data: waitingRun() } as RunEvent;
    let polls = 0;
    const client = withReads({
      runs: {
        submitToolOutputsStream: () => of(paused),
        poll: () => of({ run: polls++ === 0 ? waitingRun() : aRun({ status: 'completed' }) }),
      },
    });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      of(paused)
        .pipe(handleRequiresAction(client, { get_weather: () => 'sunny' }, { poll: { intervalMs: 0 } }))
        .subscribe({ next: (e) => seen.push(e.event), error: reject, complete: resolve });
    });
    expect(seen.at(-1)).toBe('thread.run.completed');
  });
});
