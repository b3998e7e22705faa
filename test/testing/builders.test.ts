import { describe, expect, expectTypeOf, it } from 'vitest';
import { isRunStatusEvent } from '../../src/events/guards';
import {
  RUN_EVENT_NAMES,
  type RunEvent,
  type RunEventName,
  type RunEventOf,
} from '../../src/events/RunEvent';
import type { Message, Page, Run, RunStep, Thread, ToolCall } from '../../src/events/types';
import * as testing from '../../src/testing';
import {
  aCodeInterpreterToolCall,
  aFileSearchToolCall,
  aFunctionToolCall,
  aMessage,
  anAssistant,
  aPage,
  aRequiredAction,
  aRun,
  aRunStep,
  aThread,
  BUILDER_DEFAULTS,
  eventBuilders,
  messageCreated,
  messageDelta,
  requiresActionEvents,
  runCompleted,
  runCreated,
  runEvents,
  stepDelta,
} from '../../src/testing';
import { readFixture, referenceEvents } from '../helpers/fixtures';
import { payloadSchemaOf, specErrors } from './openapiValidator';

/** The documented naming scheme: drop `thread.`, shorten `run.step` to `step`, camelCase the rest. */
const builderNameOf = (event: RunEventName): string =>
  event
    .replace(/^thread\.(?=run|message)/, '')
    .replace('run.step.', 'step.')
    .split(/[._]/)
    .map((word, n) => (n === 0 ? word : word[0]?.toUpperCase() + word.slice(1)))
    .join('');

/** The status a run, step or message event carries on the wire. */
const statusOf = (event: RunEventName): string | undefined => {
  if (event === 'thread.created' || event.endsWith('.delta')) return undefined;
  const last = event.slice(event.lastIndexOf('.') + 1);
  return last === 'created'
    ? event.startsWith('thread.run.') && !event.includes('step')
      ? 'queued'
      : 'in_progress'
    : last;
};

const names = (events: readonly RunEvent[]) => events.map((e) => e.event);
const textOf = (message: Message) =>
  message.content.map((block) => (block.type === 'text' ? block.text.value : '')).join('');
const deltaText = (events: readonly RunEvent[]) =>
  events
    .map((e) =>
      e.event === 'thread.message.delta'
        ? (e.data.delta.content ?? []).map((c) => (c.type === 'text' ? (c.text?.value ?? '') : '')).join('')
        : '',
    )
    .join('');
const recordedNames = (file: string) => names(referenceEvents(readFixture('sse', file)));

describe('object builders', () => {
  it('use the fixed ids and timestamps, and give equal values on every call', () => {
    const run = aRun();
    expect(run).toEqual(aRun());
    expect(run).toMatchObject({
      id: 'run_1',
      thread_id: 'thread_1',
      assistant_id: 'asst_1',
      status: 'queued',
      created_at: 1_700_000_000,
      started_at: null,
    });
    expect(aThread().id).toBe('thread_1');
    expect(anAssistant()).toMatchObject({ id: 'asst_1', model: 'gpt-4o' });
    expect(aMessage()).toMatchObject({ id: 'msg_1', run_id: 'run_1', status: 'completed' });
    expect(textOf(aMessage())).toBe('Hello');
    expect(aRunStep()).toMatchObject({ id: 'step_1', run_id: 'run_1', type: 'message_creation' });
    expect(aFunctionToolCall()).toEqual({
      id: 'call_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}', output: null },
    });
    expect(BUILDER_DEFAULTS.createdAt).toBe(aThread().created_at);
  });

  it('fill the fields that follow from a run status', () => {
    expect(aRun({ status: 'completed' })).toMatchObject({
      started_at: 1_700_000_001,
      completed_at: 1_700_000_002,
      usage: { total_tokens: 30 },
      last_error: null,
    });
    expect(aRun({ status: 'failed' })).toMatchObject({
      failed_at: 1_700_000_002,
      completed_at: null,
      last_error: { code: 'server_error' },
    });
    expect(aRun({ status: 'cancelled' }).cancelled_at).toBe(1_700_000_002);
    expect(aRun({ status: 'incomplete' }).incomplete_details).toEqual({ reason: 'max_completion_tokens' });
    const paused = aRun({ status: 'requires_action' });
    expect(paused.required_action?.submit_tool_outputs.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect(paused.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(aRun({ status: 'in_progress' }).required_action).toBeNull();
  });

  it('let the partial win over every default', () => {
    expect(aRun({ id: 'run_9', status: 'completed', completed_at: 5, usage: null })).toMatchObject({
      id: 'run_9',
      completed_at: 5,
      usage: null,
    });
    const user = aMessage({ role: 'user', content: [] });
    expect(user).toMatchObject({ role: 'user', assistant_id: null, run_id: null, content: [] });
    expect(aRunStep({ type: 'tool_calls' }).step_details).toEqual({
      type: 'tool_calls',
      tool_calls: [aFunctionToolCall()],
    });
    const details = { type: 'tool_calls' as const, tool_calls: [aCodeInterpreterToolCall()] };
    expect(aRunStep({ step_details: details })).toMatchObject({ type: 'tool_calls', step_details: details });
  });

  it('number the calls of a required action and serialise object arguments', () => {
    const action = aRequiredAction([{ name: 'a' }, { name: 'b', arguments: { x: 1 } }, { id: 'call_x' }]);
    expect(
      action.submit_tool_outputs.tool_calls.map((c) => [c.id, c.function.name, c.function.arguments]),
    ).toEqual([
      ['call_1', 'a', '{"city":"Paris"}'],
      ['call_2', 'b', '{"x":1}'],
      ['call_x', 'get_weather', '{"city":"Paris"}'],
    ]);
  });

  it('make pages whose cursors are the first and last ids', () => {
    const page = aPage([aMessage({ id: 'msg_1' }), aMessage({ id: 'msg_2' })]);
    expect(page).toMatchObject({ object: 'list', first_id: 'msg_1', last_id: 'msg_2', has_more: false });
    expect(aPage([])).toMatchObject({ first_id: null, last_id: null });
    expectTypeOf(page).toEqualTypeOf<Page<Message>>();
  });

  it('make payloads the published schema accepts', () => {
    expect(specErrors('RunObject', aRun())).toEqual([]);
    for (const status of [
      'requires_action',
      'completed',
      'failed',
      'cancelled',
      'incomplete',
      'expired',
    ] as const) {
      expect(specErrors('RunObject', aRun({ status })), status).toEqual([]);
    }
    expect(specErrors('ThreadObject', aThread())).toEqual([]);
    expect(specErrors('AssistantObject', anAssistant())).toEqual([]);
    expect(specErrors('MessageObject', aMessage())).toEqual([]);
    expect(specErrors('MessageObject', aMessage({ status: 'incomplete' }))).toEqual([]);
    for (const call of [aFunctionToolCall(), aCodeInterpreterToolCall(), aFileSearchToolCall()]) {
      const step = aRunStep({ step_details: { type: 'tool_calls', tool_calls: [call] } });
      expect(specErrors('RunStepObject', step), call.type).toEqual([]);
    }
    expect(specErrors('ListMessagesResponse', aPage([aMessage()]))).toEqual([]);
  });

  it('are checked by a validator that rejects bad payloads and accepts recorded ones', () => {
    expect(specErrors('RunObject', { ...aRun(), status: 'paused' })).not.toEqual([]);
    expect(specErrors('MessageObject', { ...aMessage(), content: 'Hello' })).not.toEqual([]);
    const recorded = referenceEvents(
      readFixture('sse', 'dotnet-StreamingToolCall.02.submit_tool_outputs.sse'),
    );
    for (const event of recorded) expect(specErrors(payloadSchemaOf(event.event), event.data)).toEqual([]);
  });

  it('return the library types', () => {
    expectTypeOf(aRun()).toEqualTypeOf<Run>();
    expectTypeOf(aThread()).toEqualTypeOf<Thread>();
    expectTypeOf(aMessage()).toEqualTypeOf<Message>();
    expectTypeOf(aRunStep()).toEqualTypeOf<RunStep>();
    expectTypeOf(aCodeInterpreterToolCall()).toExtend<ToolCall>();
  });
});

describe('event builders', () => {
  it.each(RUN_EVENT_NAMES.map((name) => [name, builderNameOf(name)]))(
    '%s has the builder %s, with a payload the spec accepts',
    (name, builderName) => {
      const builder: unknown = (testing as Record<string, unknown>)[builderName];
      expect(typeof builder, `${builderName} is exported`).toBe('function');
      expect(builder).toBe(eventBuilders[name]);
      const event = eventBuilders[name]();
      expect(event.event).toBe(name);
      expect(specErrors(payloadSchemaOf(name), event.data)).toEqual([]);
      const status = statusOf(name);
      if (status !== undefined) expect((event.data as { status?: string }).status).toBe(status);
    },
  );

  it('cover exactly the 23 event names', () => {
    expect(Object.keys(eventBuilders).sort()).toEqual([...RUN_EVENT_NAMES].sort());
    expect(RUN_EVENT_NAMES).toHaveLength(23);
  });

  it('set the status from the name, whatever the partial', () => {
    expect(runCompleted({ id: 'run_7' }).data).toMatchObject({ id: 'run_7', status: 'completed' });
    expect(runCreated().data.status).toBe('queued');
    // @ts-expect-error the status of a status event is its name's
    const forced = runCompleted({ status: 'incomplete' });
    expect(forced.data.status).toBe('completed');
    expect(messageCreated().data).toMatchObject({ status: 'in_progress', content: [] });
  });

  it('build deltas at a given index and id', () => {
    expect(messageDelta('lo', { messageId: 'msg_2', index: 1 }).data).toEqual({
      id: 'msg_2',
      object: 'thread.message.delta',
      delta: { content: [{ index: 1, type: 'text', text: { value: 'lo' } }] },
    });
    expect(messageDelta().data.delta.content).toEqual([{ index: 0, type: 'text', text: { value: 'Hello' } }]);
    expect(
      stepDelta([{ index: 2, type: 'function', function: { arguments: '{"a"' } }], { stepId: 'step_3' }).data,
    ).toEqual({
      id: 'step_3',
      object: 'thread.run.step.delta',
      delta: {
        step_details: {
          type: 'tool_calls',
          tool_calls: [{ index: 2, type: 'function', function: { arguments: '{"a"' } }],
        },
      },
    });
  });

  it('are typed as the member of RunEvent they build', () => {
    expectTypeOf(runCompleted()).toEqualTypeOf<RunEventOf<'thread.run.completed'>>();
    expectTypeOf(messageDelta()).toEqualTypeOf<RunEventOf<'thread.message.delta'>>();
    expectTypeOf(eventBuilders['thread.run.step.delta']).returns.toEqualTypeOf<
      RunEventOf<'thread.run.step.delta'>
    >();
    expectTypeOf(runEvents()).toEqualTypeOf<RunEvent[]>();
  });
});

describe('runEvents', () => {
  it('makes a plausible streamed run whose deltas add up to the final text', () => {
    const events = runEvents({ text: ['Hel', 'lo'] });
    expect(names(events)).toEqual([
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
      'thread.run.step.created',
      'thread.run.step.in_progress',
      'thread.message.created',
      'thread.message.in_progress',
      'thread.message.delta',
      'thread.message.delta',
      'thread.message.completed',
      'thread.run.step.completed',
      'thread.run.completed',
    ]);
    expect(deltaText(events)).toBe('Hello');
    const completed = events.find((e) => e.event === 'thread.message.completed');
    expect(completed && textOf(completed.data)).toBe('Hello');
    for (const event of events) {
      expect(specErrors(payloadSchemaOf(event.event), event.data), event.event).toEqual([]);
      if (isRunStatusEvent(event)) expect(event.data.id).toBe('run_1');
    }
  });

  it('has the same event sequence as a recorded file_search run', () => {
    const fragments = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const events = runEvents({ toolCalls: [aFileSearchToolCall()], text: fragments });
    expect(names(events)).toEqual(recordedNames('dotnet-FileSearchStreamingWorks.03.create_run.sse'));
    const ids = events.flatMap((e) =>
      e.event.startsWith('thread.run.step.') ? [(e.data as { id: string }).id] : [],
    );
    expect(new Set(ids)).toEqual(new Set(['step_1', 'step_2']));
  });

  it.each([
    ['incomplete', 'thread.message.incomplete', 'thread.run.step.completed', ['thread.run.incomplete']],
    ['failed', 'thread.message.incomplete', 'thread.run.step.failed', ['thread.run.failed']],
    [
      'cancelled',
      'thread.message.incomplete',
      'thread.run.step.cancelled',
      ['thread.run.cancelling', 'thread.run.cancelled'],
    ],
    ['expired', 'thread.message.incomplete', 'thread.run.step.expired', ['thread.run.expired']],
  ] as const)('ends a %s run with %s, %s, then %j', (status, messageEnd, stepEnd, runEnd) => {
    const events = runEvents({ status, text: 'Hi' });
    expect(names(events).slice(-2 - runEnd.length)).toEqual([messageEnd, stepEnd, ...runEnd]);
    const last = events.at(-1);
    expect(last && isRunStatusEvent(last) && last.data.status).toBe(status);
    for (const event of events)
      expect(specErrors(payloadSchemaOf(event.event), event.data), event.event).toEqual([]);
  });

  it('passes the ids to every payload and can start with thread.created', () => {
    const events = runEvents({
      threadId: 'thread_9',
      runId: 'run_9',
      messageId: 'msg_9',
      threadCreated: true,
    });
    expect(events[0]).toEqual({ event: 'thread.created', data: aThread({ id: 'thread_9' }) });
    for (const { data } of events.slice(1)) {
      const { thread_id, run_id, id } = data as { thread_id?: string; run_id?: string; id: string };
      if (thread_id !== undefined) expect(thread_id).toBe('thread_9');
      if (run_id !== undefined) expect(run_id).toBe('run_9');
      if (id.startsWith('msg')) expect(id).toBe('msg_9');
    }
  });

  it('builds a submit_tool_outputs continuation shaped like the recorded one', () => {
    const call = aFunctionToolCall({
      name: 'get_current_weather',
      arguments: '{}',
      output: 'warm and sunny',
    });
    const events = runEvents({ continuation: true, toolCalls: [call], text: ['Since', ' it'] });
    const dedupe = (list: string[]) => list.filter((name, n) => name !== list[n - 1]);
    expect(dedupe(names(events))).toEqual(
      dedupe(recordedNames('dotnet-StreamingToolCall.02.submit_tool_outputs.sse')),
    );
    expect(events[0]).toMatchObject({
      event: 'thread.run.step.completed',
      data: { id: 'step_1', step_details: { tool_calls: [call] } },
    });
    expect(() => runEvents({ continuation: true })).toThrow(/needs the submitted `toolCalls`/);
  });

  it('makes no message step for text []', () => {
    expect(names(runEvents({ text: [] }))).toEqual([
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
      'thread.run.completed',
    ]);
  });
});

describe('requiresActionEvents', () => {
  it('has the same event sequence as a recorded create-thread-and-run that pauses', () => {
    const events = requiresActionEvents({ threadCreated: true });
    expect(names(events)).toEqual(recordedNames('dotnet-StreamingToolCall.01.create_thread_and_run.sse'));
    for (const event of events)
      expect(specErrors(payloadSchemaOf(event.event), event.data), event.event).toEqual([]);
  });

  it('streams each call as deltas that add up to the required action', () => {
    const events = requiresActionEvents({
      calls: [
        { name: 'a', arguments: { x: 1 } },
        { name: 'b', id: 'call_b' },
      ],
    });
    const last = events.at(-1);
    expect(last?.event).toBe('thread.run.requires_action');
    const required =
      last?.event === 'thread.run.requires_action'
        ? last.data.required_action?.submit_tool_outputs.tool_calls
        : [];
    expect(required?.map((c) => [c.id, c.function.name, c.function.arguments])).toEqual([
      ['call_1', 'a', '{"x":1}'],
      ['call_b', 'b', '{"city":"Paris"}'],
    ]);
    const streamed = new Map<number, { id?: string; name?: string; arguments: string }>();
    for (const event of events) {
      if (event.event !== 'thread.run.step.delta') continue;
      const details = event.data.delta.step_details;
      for (const delta of details?.type === 'tool_calls' ? (details.tool_calls ?? []) : []) {
        if (delta.type !== 'function') continue;
        const call = streamed.get(delta.index) ?? { arguments: '' };
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name = delta.function.name;
        call.arguments += delta.function?.arguments ?? '';
        streamed.set(delta.index, call);
      }
    }
    expect([...streamed.values()].map((c) => [c.id, c.name, c.arguments])).toEqual(
      required?.map((c) => [c.id, c.function.name, c.function.arguments]),
    );
    const runEventsOfIt = events.filter(isRunStatusEvent);
    for (const { data } of runEventsOfIt)
      expect(data.tools?.map((t) => t.type === 'function' && t.function.name)).toEqual(['a', 'b']);
  });
});
