import { firstValueFrom, from, lastValueFrom, type Observable, of, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { PolledRun } from '../../src/client/AssistantsClient';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message, Run, RunStatus, RunStep } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import { textDeltas } from '../../src/operators/textDeltas';
import { toolCalls } from '../../src/operators/toolCalls';
import { cancelRun } from '../../src/sources/cancelRun';
import { createRun } from '../../src/sources/createRun';
import type { RunConfig } from '../../src/sources/RunConfig';
import { watchRun } from '../../src/sources/watchRun';
import {
  aFunctionToolCall,
  aMessage,
  aPage,
  aRun,
  aRunStep,
  aTextContent,
  mockClient,
} from '../../src/testing';

const params = { threadId: 'thread_1', assistant_id: 'asst_1' };
const collect = <T>(source: Observable<T>): Promise<T[]> => lastValueFrom(source.pipe(toArray()));

/** A mock backend whose run goes through `statuses`, one per poll, and records when it was polled. */
function polledBackend(
  statuses: readonly (RunStatus | string)[],
  now: () => number,
  hints: (number | undefined)[] = [],
) {
  const times: number[] = [];
  let poll = 0;
  const client = mockClient({
    runs: {
      create: () => of(aRun({ status: 'queued' })),
      poll: (): Observable<PolledRun> => {
        times.push(now());
        const index = Math.min(poll++, statuses.length - 1);
        const run = aRun({ status: statuses[index] as RunStatus });
        const hint = hints[index];
        return of(hint === undefined ? { run } : { run, pollAfterMs: hint });
      },
    },
    steps: { list: () => of(aPage<RunStep>([])) },
    messages: { list: () => of(aPage<Message>([])) },
  });
  return { client, times };
}

function pollTimes(statuses: readonly string[], config: RunConfig, hints?: (number | undefined)[]): number[] {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  let times: number[] = [];
  scheduler.run(() => {
    const backend = polledBackend(statuses, () => scheduler.now(), hints);
    times = backend.times;
    createRun(backend.client, params, { mode: 'poll', ...config }).subscribe();
  });
  return times;
}

const gapsOf = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] ?? 0));

describe('poll schedule (virtual time)', () => {
  it('polls at a fixed interval when intervalMs is given, the first one an interval after the create', () => {
    expect(
      pollTimes(['in_progress', 'in_progress', 'in_progress', 'completed'], { poll: { intervalMs: 1000 } }),
    ).toEqual([1000, 2000, 3000, 4000]);
  });

  it('accepts 0 ms', () => {
    expect(pollTimes(['in_progress', 'in_progress', 'completed'], { poll: { intervalMs: 0 } })).toEqual([
      0, 0, 0,
    ]);
  });

  it('holds the interval for 20 unchanged polls, then backs off by half per poll up to maxIntervalMs', () => {
    const statuses = ['in_progress', ...Array(26).fill('in_progress'), 'requires_action'];
    const times = pollTimes(statuses, { poll: { intervalMs: 100, maxIntervalMs: 400 } });
    expect(times[0]).toBe(100);
    // the first poll is a change (queued -> in_progress); then 20 unchanged polls at 100 ms,
    // then 150, 225, 338 (rounded) and the 400 ms cap
    expect(gapsOf(times)).toEqual([...Array(21).fill(100), 150, 225, 338, 400, 400, 400]);
  });

  it('a change resets the back-off', () => {
    const statuses = [...Array(24).fill('in_progress'), 'cancelling', 'cancelling', 'cancelled'];
    const gaps = gapsOf(pollTimes(statuses, { poll: { intervalMs: 100, maxIntervalMs: 400 } }));
    expect(gaps.slice(21, 24)).toEqual([150, 225, 338]);
    expect(gaps.slice(-2)).toEqual([100, 100]);
  });

  it('the default schedule polls every 500 ms, then backs off to 3 s', () => {
    const times = pollTimes([...Array(40).fill('in_progress'), 'completed'], {});
    const gaps = gapsOf(times);
    expect(times[0]).toBe(500);
    expect(gaps.slice(0, 20)).toEqual(Array(20).fill(500));
    expect(Math.max(...gaps)).toBe(3000);
    expect(gaps).toEqual([...gaps].sort((a, b) => a - b));
  });

  it("honours the server's openai-poll-after-ms hint unless intervalMs is given", () => {
    const statuses = ['in_progress', 'in_progress', 'completed'];
    expect(pollTimes(statuses, {}, [1234, 1234, 1234])).toEqual([500, 1734, 2968]);
    expect(pollTimes(statuses, { poll: { intervalMs: 10 } }, [1234, 1234, 1234])).toEqual([10, 20, 30]);
  });

  it('an unknown status never busy-loops, even with intervalMs 0', () => {
    expect(pollTimes(['reticulating', 'reticulating', 'completed'], { poll: { intervalMs: 0 } })).toEqual([
      0, 500, 1000,
    ]);
  });
});

describe('poll mode events', () => {
  const toolStep = (status: RunStep['status'], output: string | null) =>
    aRunStep({
      id: 'step_tools',
      type: 'tool_calls',
      status,
      step_details: { type: 'tool_calls', tool_calls: [aFunctionToolCall({ output })] },
    });
  const messageStep = (status: RunStep['status']) =>
    aRunStep({
      id: 'step_msg',
      status,
      step_details: { type: 'message_creation', message_creation: { message_id: 'msg_1' } },
    });
  const message = aMessage({ content: [aTextContent('It is 21 °C in Paris.')] });

  function backend(snapshots: { status: RunStatus; steps: RunStep[] }[]) {
    let poll = 0;
    const listed: number[] = [];
    const client = mockClient({
      runs: {
        create: () => of(aRun({ status: 'queued' })),
        retrieve: () => of(aRun({ status: snapshots[Math.min(poll++, snapshots.length - 1)]!.status })),
      },
      steps: {
        list: () => {
          listed.push(poll);
          return of(aPage(snapshots[Math.min(poll - 1, snapshots.length - 1)]!.steps));
        },
      },
      messages: { retrieve: () => of(message) },
    });
    return { client, listed };
  }

  const snapshots: { status: RunStatus; steps: RunStep[] }[] = [
    { status: 'in_progress', steps: [toolStep('in_progress', null)] },
    { status: 'in_progress', steps: [toolStep('completed', '21')] },
    { status: 'in_progress', steps: [toolStep('completed', '21'), messageStep('in_progress')] },
    { status: 'in_progress', steps: [toolStep('completed', '21'), messageStep('in_progress')] },
    { status: 'completed', steps: [toolStep('completed', '21'), messageStep('completed')] },
  ];

  it('synthesises the stream event names from snapshots, each change once', async () => {
    const { client } = backend(snapshots);
    const events = await collect(createRun(client, params, { mode: 'poll', poll: { intervalMs: 0 } }));
    // steps are read on the first poll and when the run's status changes
    expect(events.map((e) => e.event)).toEqual([
      'thread.run.created',
      'thread.run.queued',
      'thread.run.step.created',
      'thread.run.step.in_progress',
      'thread.run.in_progress',
      'thread.run.step.completed',
      'thread.run.step.created',
      'thread.message.created',
      'thread.message.delta',
      'thread.message.completed',
      'thread.run.step.completed',
      'thread.run.completed',
    ]);
  });

  it('gives the same final messages, text and tool calls as the stream would', async () => {
    const run = () => createRun(backend(snapshots).client, params, { mode: 'poll', poll: { intervalMs: 0 } });
    const messages = await firstValueFrom(run().pipe(finalMessages()));
    expect(messages.map((m) => m.content)).toEqual([message.content]);
    const text = await collect(run().pipe(textDeltas()));
    expect(text.join('')).toBe('It is 21 °C in Paris.');
    const calls = await collect(run().pipe(toolCalls()));
    expect(calls).toEqual([aFunctionToolCall({ output: '21' })]);
  });

  it('lists steps on the first poll and when the status changed, not on every poll', async () => {
    const quiet = [
      { status: 'queued' as const, steps: [] },
      { status: 'queued' as const, steps: [] },
      { status: 'requires_action' as const, steps: [toolStep('in_progress', null)] },
    ];
    const { client, listed } = backend(quiet);
    await collect(createRun(client, params, { mode: 'poll', poll: { intervalMs: 0 } }));
    expect(client.callsTo('runs.poll')).toHaveLength(3);
    expect(listed).toEqual([1, 3]);
  });

  it('watchRun attaches by id, shows what exists, and never cancels on unsubscribe by default', async () => {
    const { client } = backend([snapshots[4]!]);
    const seen: RunEvent[] = await collect(watchRun(client, { threadId: 'thread_1', runId: 'run_1' }));
    expect(seen.map((e) => e.event)).toEqual([
      'thread.run.step.created',
      'thread.run.step.completed',
      'thread.run.step.created',
      'thread.message.created',
      'thread.message.delta',
      'thread.message.completed',
      'thread.run.step.completed',
      'thread.run.completed',
    ]);
    const live = backend([{ status: 'in_progress', steps: [] }]);
    watchRun(live.client, { threadId: 'thread_1', runId: 'run_1' }, { poll: { intervalMs: 10_000 } })
      .subscribe()
      .unsubscribe();
    expect(live.client.callsTo('runs.cancel')).toEqual([]);
  });

  it('falls back to the run’s messages when the server lists no steps', async () => {
    const client = mockClient({
      runs: {
        create: () => of(aRun({ status: 'queued' })),
        retrieve: () => of(aRun({ status: 'completed' })),
      },
      steps: { list: () => of(aPage<RunStep>([])) },
      messages: {
        list: () =>
          of(
            aPage([
              aMessage({ id: 'msg_user', role: 'user', run_id: null }),
              (({ status: _status, ...rest }) => rest)(message) as Message,
            ]),
          ),
      },
    });
    const messages = await firstValueFrom(createRun(client, params, { mode: 'poll' }).pipe(finalMessages()));
    expect(messages.map((m) => [m.id, m.status])).toEqual([['msg_1', 'completed']]);
    expect(client.callsTo('messages.list')).toEqual([
      ['thread_1', { run_id: 'run_1', order: 'asc', limit: 100 }],
    ]);
  });

  it('reads every page of steps', async () => {
    const first = aPage([toolStep('completed', '21')], { has_more: true, last_id: 'step_tools' });
    const second = aPage([messageStep('completed')]);
    const client = mockClient({
      runs: {
        create: () => of(aRun({ status: 'queued' })),
        retrieve: () => of(aRun({ status: 'completed' })),
      },
      steps: { list: (_t, _r, query) => of(query?.after === 'step_tools' ? second : first) },
      messages: { retrieve: () => of(message) },
    });
    const names = (await collect(createRun(client, params, { mode: 'poll' }))).map((e) => e.event);
    expect(names.filter((n) => n === 'thread.message.completed')).toHaveLength(1);
    expect(client.callsTo('steps.list').map((args) => args[2]?.after)).toEqual([undefined, 'step_tools']);
  });
});

describe('cancelRun', () => {
  it('cancels and follows the run to cancelled', async () => {
    const statuses: RunStatus[] = ['cancelling', 'cancelled'];
    let poll = 0;
    const client = mockClient({
      runs: {
        cancel: () => of(aRun({ status: 'cancelling' })),
        retrieve: () => of(aRun({ status: statuses[Math.min(poll++, 1)]! })),
      },
      steps: { list: () => of(aPage<RunStep>([])) },
      messages: { list: () => of(aPage<Message>([])) },
    });
    const runs: Run[] = await collect(
      cancelRun(client, { threadId: 'thread_1', runId: 'run_1' }, { poll: { intervalMs: 0 } }),
    );
    expect(runs.map((r) => r.status)).toEqual(['cancelled']);
    expect(client.callsTo('runs.cancel')).toHaveLength(1);
  });

  it('a run that already ended is answered with its final state', async () => {
    const { AssistantsApiError } = await import('../../src/errors/AssistantsApiError');
    const refused = new AssistantsApiError({
      status: 400,
      method: 'POST',
      url: '/cancel',
      message: 'already completed',
    });
    const client = mockClient({
      runs: {
        cancel: () => from(Promise.reject(refused)),
        retrieve: () => of(aRun({ status: 'completed' })),
      },
    });
    const runs: Run[] = [];
    await new Promise<void>((resolve, reject) =>
      cancelRun(client, { threadId: 'thread_1', runId: 'run_1' }).subscribe({
        next: (r) => runs.push(r),
        complete: resolve,
        error: reject,
      }),
    );
    expect(runs.map((r) => r.status)).toEqual(['completed']);
  });
});
