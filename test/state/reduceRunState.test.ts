import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message, RunStatus, RunStep, TextContentBlock } from '../../src/events/types';
import { initialRunState, type RunState } from '../../src/state/RunState';
import { reduceRunState } from '../../src/state/reduceRunState';
import {
  aMessage,
  aStep,
  fnCall,
  messageCompleted,
  messageCreated,
  messageDelta,
  messageInProgress,
  RUN,
  runEvent,
  stepDelta,
  stepEvent,
  THREAD,
  textBlock,
  textDelta,
  toolStep,
} from './events';

const reduce = (events: RunEvent[], from: RunState = initialRunState): RunState =>
  events.reduce(reduceRunState, from);
const textOf = (message: Message | undefined, block = 0): string =>
  (message?.content[block] as TextContentBlock | undefined)?.text.value ?? '<none>';

describe('initialRunState', () => {
  it('is pending, empty and frozen', () => {
    expect(initialRunState).toEqual({ status: 'pending', steps: [], messages: [], done: false });
    expect(Object.isFrozen(initialRunState)).toBe(true);
    expect(Object.isFrozen(initialRunState.messages)).toBe(true);
  });
});

describe('run events', () => {
  it('reads the status from data.status, never from the event name', () => {
    const state = reduce([runEvent('in_progress'), runEvent('incomplete', {}, 'thread.run.completed')]);
    expect(state.status).toBe('incomplete');
    expect(state.done).toBe(true);
    expect(state.runId).toBe(RUN);
    expect(state.threadId).toBe(THREAD);
  });

  it.each<[RunStatus, boolean]>([
    ['queued', false],
    ['in_progress', false],
    ['requires_action', false],
    ['cancelling', false],
    ['completed', true],
    ['incomplete', true],
    ['failed', true],
    ['cancelled', true],
    ['expired', true],
  ])('status %s → done %s', (status, done) => {
    const state = reduce([runEvent(status)]);
    expect(state.status).toBe(status);
    expect(state.done).toBe(done);
  });

  it('holds requiredAction only while requires_action', () => {
    const required_action = {
      type: 'submit_tool_outputs' as const,
      submit_tool_outputs: {
        tool_calls: [{ id: 'call_1', type: 'function' as const, function: { name: 'f', arguments: '{}' } }],
      },
    };
    const paused = reduce([runEvent('in_progress'), runEvent('requires_action', { required_action })]);
    expect(paused.requiredAction).toEqual(required_action);
    // A payload that still carries required_action with another status does not count.
    const resumed = reduce([runEvent('queued', { required_action })], paused);
    expect(resumed.requiredAction).toBeUndefined();
    expect(resumed.status).toBe('queued');
  });

  it('takes usage and lastError from the latest run payload', () => {
    const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
    const last_error = { code: 'server_error', message: 'boom' };
    const failed = reduce([
      runEvent('in_progress', { usage }),
      runEvent('failed', { last_error, usage: null }),
    ]);
    expect(failed.lastError).toEqual(last_error);
    expect(failed.usage).toBeUndefined();
    expect(failed.run?.status).toBe('failed');
    const counted = reduce([runEvent('completed', { usage })]);
    expect(counted.usage).toEqual(usage);
    expect(counted.lastError).toBeUndefined();
  });

  it('takes threadId from thread.created', () => {
    const state = reduce([
      { event: 'thread.created', data: { id: 'thread_x', object: 'thread', created_at: 1 } },
    ]);
    expect(state.threadId).toBe('thread_x');
    expect(state.status).toBe('pending');
    expect(reduceRunState(state, { event: 'thread.created', data: { id: 'thread_x' } })).toBe(state);
  });

  it('ignores a late non-terminal status of the same run after a terminal one', () => {
    const done = reduce([runEvent('in_progress'), runEvent('completed')]);
    expect(reduceRunState(done, runEvent('in_progress'))).toBe(done);
    expect(reduceRunState(done, runEvent('queued', {}, 'thread.run.created'))).toBe(done);
  });

  it('treats a replayed thread.run.created of the same run as a no-op', () => {
    const state = reduce([runEvent('queued', {}, 'thread.run.created'), runEvent('in_progress')]);
    expect(reduceRunState(state, runEvent('queued', {}, 'thread.run.created'))).toBe(state);
  });

  it('accepts legitimate non-terminal transitions (requires_action → queued after a submit)', () => {
    const state = reduce([runEvent('requires_action'), runEvent('queued'), runEvent('in_progress')]);
    expect(state.status).toBe('in_progress');
  });

  it('starts fresh steps and messages when thread.run.created brings a new run id', () => {
    const first = reduce([
      runEvent('queued', {}, 'thread.run.created'),
      messageCreated('msg_1'),
      textDelta('msg_1', 'partial'),
      stepEvent('created', 'step_1', toolStep()),
      runEvent('failed'),
    ]);
    expect(first.messages).toHaveLength(1);
    const retried = reduceRunState(first, runEvent('queued', { id: 'run_2' }, 'thread.run.created'));
    expect(retried.runId).toBe('run_2');
    expect(retried.messages).toEqual([]);
    expect(retried.steps).toEqual([]);
    expect(retried.done).toBe(false);
    expect(retried.threadId).toBe(THREAD);
  });
});

describe('message deltas', () => {
  const created = reduce([runEvent('in_progress'), messageCreated('msg_1')]);

  it('concatenates text values by index', () => {
    const state = reduce(
      [textDelta('msg_1', 'Hel', 0, []), textDelta('msg_1', 'lo'), textDelta('msg_1', '!')],
      created,
    );
    expect(state.messages[0]?.content).toEqual([
      { type: 'text', text: { value: 'Hello!', annotations: [] } },
    ]);
  });

  it('merges by index, never by position: two blocks interleaved', () => {
    const state = reduce(
      [
        messageDelta(
          'msg_1',
          { index: 0, type: 'text', text: { value: 'a' } },
          { index: 1, type: 'text', text: { value: 'x' } },
        ),
        textDelta('msg_1', 'y', 1),
        textDelta('msg_1', 'b', 0),
        messageDelta(
          'msg_1',
          { index: 1, type: 'text', text: { value: 'z' } },
          { index: 0, type: 'text', text: { value: 'c' } },
        ),
      ],
      created,
    );
    expect(state.messages[0]?.content.map((b) => (b as TextContentBlock).text.value)).toEqual(['abc', 'xyz']);
  });

  it('merges annotations by their own index and sets (not appends) their fields', () => {
    const citation = {
      index: 0,
      type: 'file_citation',
      text: '【0†a.txt】',
      start_index: 2,
      end_index: 11,
      file_citation: { file_id: 'file_a', quote: '' },
    };
    const state = reduce(
      [
        textDelta('msg_1', 'Hi', 0, []),
        textDelta('msg_1', '【0†a.txt】', 0, [citation]),
        textDelta('msg_1', '', 0, [{ index: 0, type: 'file_citation', file_citation: { quote: 'q' } }]),
        textDelta('msg_1', ' and', 0, [
          {
            index: 1,
            type: 'file_path',
            text: 'p',
            start_index: 15,
            end_index: 16,
            file_path: { file_id: 'file_b' },
          },
        ]),
        textDelta('msg_1', '', 0, [citation]),
      ],
      created,
    );
    const block = state.messages[0]?.content[0] as TextContentBlock;
    expect(block.text.value).toBe('Hi【0†a.txt】 and');
    expect(block.text.annotations).toEqual([
      {
        type: 'file_citation',
        text: '【0†a.txt】',
        start_index: 2,
        end_index: 11,
        file_citation: { file_id: 'file_a', quote: '' },
      },
      { type: 'file_path', text: 'p', start_index: 15, end_index: 16, file_path: { file_id: 'file_b' } },
    ]);
  });

  it('concatenates refusals and fills image blocks in', () => {
    const state = reduce(
      [
        messageDelta('msg_1', { index: 0, type: 'image_file', image_file: { file_id: 'file_img' } }),
        messageDelta('msg_1', { index: 0, type: 'image_file', image_file: { detail: 'high' } }),
        messageDelta('msg_1', { index: 1, type: 'refusal', refusal: 'I cannot' }),
        messageDelta('msg_1', { index: 1, type: 'refusal', refusal: ' do that.' }),
        messageDelta('msg_1', { index: 2, type: 'image_url', image_url: { url: 'https://x/y.png' } }),
      ],
      created,
    );
    expect(state.messages[0]?.content).toEqual([
      { type: 'image_file', image_file: { file_id: 'file_img', detail: 'high' } },
      { type: 'refusal', refusal: 'I cannot do that.' },
      { type: 'image_url', image_url: { url: 'https://x/y.png' } },
    ]);
  });

  it('creates a message it has not seen (a stream resumed mid-run)', () => {
    const state = reduce([textDelta('msg_new', 'tail', 0)], created);
    expect(state.messages.map((m) => m.id)).toEqual(['msg_1', 'msg_new']);
    expect(state.messages[1]).toMatchObject({ id: 'msg_new', role: 'assistant', status: 'in_progress' });
    expect(textOf(state.messages[1])).toBe('tail');
    // Its created event arriving later fills the fields in and keeps the text.
    const filled = reduceRunState(state, messageCreated('msg_new'));
    expect(filled.messages[1]).toEqual(aMessage('msg_new', 'in_progress', [textBlock('tail')]));
  });

  it('ignores deltas after the terminal payload', () => {
    const done = reduce(
      [textDelta('msg_1', 'final'), messageCompleted('msg_1', [textBlock('final')])],
      created,
    );
    expect(reduceRunState(done, textDelta('msg_1', ' again'))).toBe(done);
  });

  it('keeps unknown extra fields of payloads and parts', () => {
    const withExtra = reduce([
      {
        event: 'thread.message.created',
        data: { ...aMessage('msg_1', 'in_progress'), file_ids: ['f'] },
      } as RunEvent,
      messageDelta('msg_1', { index: 0, type: 'text', text: { value: 'a', future: 1 }, hint: 'x' }),
      textDelta('msg_1', 'b'),
    ]);
    const message = withExtra.messages[0] as Message & { file_ids?: string[] };
    expect(message.file_ids).toEqual(['f']);
    expect(message.content).toEqual([
      { type: 'text', hint: 'x', text: { value: 'ab', annotations: [], future: 1 } },
    ]);
  });

  it('rebuilds a wire-shaped message with exactly its keys', () => {
    const state = reduce([textDelta('msg_1', 'a')], created);
    expect(Object.keys(state.messages[0] as Message).sort()).toEqual(
      Object.keys(aMessage('msg_1', 'in_progress')).sort(),
    );
    expect(state.messages[0]).toStrictEqual(aMessage('msg_1', 'in_progress', [textBlock('a')]));
  });
});

describe('step deltas', () => {
  const created = reduce([runEvent('in_progress'), stepEvent('created', 'step_1', toolStep())]);

  it('concatenates function arguments and sets name and output', () => {
    const state = reduce(
      [
        stepDelta('step_1', {
          index: 0,
          id: 'call_1',
          type: 'function',
          function: { name: 'get', arguments: '', output: null },
        }),
        stepDelta('step_1', { index: 0, type: 'function', function: { arguments: '{"a":' } }),
        stepDelta('step_1', { index: 0, type: 'function', function: { arguments: '1}' } }),
        stepDelta('step_1', {
          index: 1,
          id: 'call_2',
          type: 'function',
          function: { name: 'put', arguments: '{}' },
        }),
        stepDelta('step_1', { index: 0, type: 'function', function: { output: 'ok' } }),
      ],
      created,
    );
    expect(state.steps[0]?.step_details).toEqual(
      toolStep([fnCall('call_1', 'get', '{"a":1}', 'ok'), fnCall('call_2', 'put', '{}')]),
    );
  });

  it('concatenates code-interpreter input and merges outputs by index (logs concatenated)', () => {
    const state = reduce(
      [
        stepDelta('step_1', {
          index: 0,
          id: 'ci_1',
          type: 'code_interpreter',
          code_interpreter: { input: 'print(', outputs: [] },
        }),
        stepDelta('step_1', { index: 0, type: 'code_interpreter', code_interpreter: { input: '1)' } }),
        stepDelta('step_1', {
          index: 0,
          type: 'code_interpreter',
          code_interpreter: { outputs: [{ index: 0, type: 'logs', logs: '1' }] },
        }),
        stepDelta('step_1', {
          index: 0,
          type: 'code_interpreter',
          code_interpreter: {
            outputs: [
              { index: 0, type: 'logs', logs: '\n2' },
              { index: 1, type: 'image', image: { file_id: 'file_png' } },
            ],
          },
        }),
      ],
      created,
    );
    expect(state.steps[0]?.step_details).toEqual(
      toolStep([
        {
          id: 'ci_1',
          type: 'code_interpreter',
          code_interpreter: {
            input: 'print(1)',
            outputs: [
              { type: 'logs', logs: '1\n2' },
              { type: 'image', image: { file_id: 'file_png' } },
            ],
          },
        },
      ]),
    );
  });

  it('sets file_search fields and a message_creation step’s message id', () => {
    const state = reduce(
      [
        stepDelta('step_1', {
          index: 0,
          id: 'fs_1',
          type: 'file_search',
          file_search: { ranking_options: { ranker: 'r' }, results: [] },
        }),
        {
          event: 'thread.run.step.delta',
          data: {
            id: 'step_2',
            delta: { step_details: { type: 'message_creation', message_creation: { message_id: 'msg_9' } } },
          },
        } as RunEvent,
      ],
      created,
    );
    expect(state.steps[0]?.step_details).toEqual(
      toolStep([
        { id: 'fs_1', type: 'file_search', file_search: { ranking_options: { ranker: 'r' }, results: [] } },
      ]),
    );
    expect(state.steps[1]).toEqual({
      id: 'step_2',
      object: 'thread.run.step',
      run_id: RUN,
      type: 'message_creation',
      status: 'in_progress',
      step_details: { type: 'message_creation', message_creation: { message_id: 'msg_9' } },
    });
  });

  it('creates a step it has not seen, for the run being followed', () => {
    const state = reduce(
      [
        stepDelta('step_x', {
          index: 0,
          id: 'call_9',
          type: 'function',
          function: { name: 'f', arguments: '{}' },
        }),
      ],
      created,
    );
    expect(state.steps[1]).toMatchObject({
      id: 'step_x',
      run_id: RUN,
      status: 'in_progress',
      type: 'tool_calls',
    });
    expect(state.steps[1]?.step_details).toEqual(toolStep([fnCall('call_9', 'f', '{}')]));
  });
});

describe('terminal payloads and replays', () => {
  it('a terminal message payload replaces the accumulated content (a doubled delta is corrected)', () => {
    const state = reduce([
      messageCreated('msg_1'),
      textDelta('msg_1', 'Hel'),
      textDelta('msg_1', 'Hel'),
      textDelta('msg_1', 'lo'),
    ]);
    expect(textOf(state.messages[0])).toBe('HelHello');
    const done = reduceRunState(state, messageCompleted('msg_1', [textBlock('Hello')]));
    expect(done.messages).toEqual([aMessage('msg_1', 'completed', [textBlock('Hello')])]);
  });

  it('a replayed created/in_progress keeps the accumulated content and changes nothing', () => {
    const state = reduce([messageCreated('msg_1'), messageInProgress('msg_1'), textDelta('msg_1', 'abc')]);
    expect(reduceRunState(state, messageCreated('msg_1'))).toBe(state);
    expect(reduceRunState(state, messageInProgress('msg_1'))).toBe(state);
    const twice = reduce([messageCreated('msg_1'), messageCreated('msg_1')]);
    expect(twice).toBe(reduce([messageCreated('msg_1')], twice));
    expect(twice.messages).toHaveLength(1);
  });

  it('a non-terminal lifecycle event updates status fields without wiping content', () => {
    const state = reduce([messageCreated('msg_1'), textDelta('msg_1', 'abc')]);
    const next = reduceRunState(state, messageInProgress('msg_1', { metadata: { k: 'v' } }));
    expect(next.messages[0]?.metadata).toEqual({ k: 'v' });
    expect(textOf(next.messages[0])).toBe('abc');
  });

  it('a non-terminal event after the terminal one is ignored (message and step)', () => {
    const state = reduce([
      messageCreated('msg_1'),
      messageCompleted('msg_1', [textBlock('x')]),
      stepEvent('created', 'step_1', toolStep()),
      stepEvent('completed', 'step_1', toolStep([fnCall('c', 'f', '{}', 'o')])),
    ]);
    expect(reduceRunState(state, messageCreated('msg_1'))).toBe(state);
    expect(reduceRunState(state, messageInProgress('msg_1'))).toBe(state);
    expect(reduceRunState(state, stepEvent('in_progress', 'step_1', toolStep()))).toBe(state);
    expect(
      reduceRunState(
        state,
        stepDelta('step_1', { index: 0, type: 'function', function: { arguments: 'x' } }),
      ),
    ).toBe(state);
  });

  it('a step payload replayed after deltas keeps the accumulated tool calls', () => {
    const state = reduce([
      stepEvent('created', 'step_1', toolStep()),
      stepDelta('step_1', { index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }),
    ]);
    expect(reduceRunState(state, stepEvent('in_progress', 'step_1', toolStep()))).toBe(state);
  });

  it('a submit stream opening with step.completed for an earlier step merges into it', () => {
    const first = reduce([
      runEvent('in_progress'),
      stepEvent('created', 'step_1', toolStep()),
      stepDelta('step_1', {
        index: 0,
        id: 'call_1',
        type: 'function',
        function: { name: 'f', arguments: '{}', output: null },
      }),
      runEvent('requires_action'),
    ]);
    const completed = aStep('step_1', 'completed', toolStep([fnCall('call_1', 'f', '{}', 'sunny')]));
    const second = reduce(
      [
        { event: 'thread.run.step.completed', data: completed },
        runEvent('queued'),
        stepEvent('created', 'step_2', toolStep()),
      ],
      first,
    );
    expect(second.steps.map((s) => s.id)).toEqual(['step_1', 'step_2']);
    expect(second.steps[0]).toBe(completed);
  });

  it('fills a missing message status from the event name (messages endpoints omit it)', () => {
    const { status: _omit, ...listed } = aMessage('msg_1', 'completed', [textBlock('x')]);
    const state = reduce([{ event: 'thread.message.completed', data: listed } as RunEvent]);
    expect(state.messages[0]?.status).toBe('completed');
    expect(reduceRunState(state, messageCreated('msg_1'))).toBe(state);
  });
});

describe('hostile input', () => {
  const created = reduce([
    runEvent('in_progress'),
    messageCreated('msg_1'),
    textDelta('msg_1', 'ok'),
    stepEvent('created', 'step_1', toolStep()),
  ]);

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e9, 10_000, 2 ** 53, '0', null, undefined])(
    'ignores the index %s without touching the state',
    (index) => {
      expect(
        reduceRunState(created, messageDelta('msg_1', { index, type: 'text', text: { value: 'x' } })),
      ).toBe(created);
      expect(
        reduceRunState(
          created,
          textDelta('msg_1', '', 0, [
            { index, type: 'file_citation', text: 't', file_citation: { file_id: 'f' } },
          ]),
        ),
      ).toBe(created);
      expect(
        reduceRunState(
          created,
          stepDelta('step_1', { index, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }),
        ),
      ).toBe(created);
      // Nothing usable creates no new message either.
      expect(
        reduceRunState(created, messageDelta('msg_2', { index, type: 'text', text: { value: 'x' } })),
      ).toBe(created);
    },
  );

  it('accepts indices below 10,000 and ignores the rest', () => {
    const parts = Array.from({ length: 10_001 }, (_, index) => ({
      index,
      type: 'refusal',
      refusal: String(index),
    }));
    const state = reduceRunState(created, messageDelta('msg_9', ...parts));
    expect(state.messages[1]?.content).toHaveLength(10_000);
    expect(state.messages[1]?.content[9_999]).toEqual({ type: 'refusal', refusal: '9999' });
  });

  it('ignores an index that would leave a gap (arrays stay dense)', () => {
    const state = reduceRunState(created, textDelta('msg_1', 'x', 5));
    expect(state).toBe(created);
    expect(state.messages[0]?.content).toHaveLength(1);
  });

  it('never copies __proto__ / constructor / prototype keys, and pollutes nothing', () => {
    const evil = JSON.parse(
      '{"index":0,"type":"text","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":3,' +
        '"text":{"value":"!","__proto__":{"polluted":4},"annotations":[{"index":0,"type":"file_citation","__proto__":{"polluted":5},' +
        '"file_citation":{"file_id":"f","__proto__":{"polluted":6}}}]}}',
    );
    const evilCall = JSON.parse(
      '{"index":0,"id":"c","type":"function","__proto__":{"polluted":7},"function":{"name":"f","arguments":"{}","__proto__":{"polluted":8}}}',
    );
    const evilMessage = JSON.parse(
      `{"id":"msg_2","object":"thread.message","role":"assistant","status":"in_progress","content":[],"__proto__":{"polluted":9},"constructor":1}`,
    );
    const state = reduce(
      [
        messageDelta('msg_1', evil),
        stepDelta('step_1', evilCall),
        stepDelta('step_1', { ...evilCall, function: { arguments: '[]' } }),
        { event: 'thread.message.created', data: evilMessage } as RunEvent,
        textDelta('msg_2', 'y'),
        messageDelta('msg_2', JSON.parse('{"index":0,"type":"future","__proto__":{"polluted":10},"x":1}')),
      ],
      created,
    );
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(state.messages[0]?.content[0])).toBe(Object.prototype);
    const block = state.messages[0]?.content[0] as TextContentBlock;
    expect(block).toEqual({
      type: 'text',
      text: { value: 'ok!', annotations: [{ type: 'file_citation', file_citation: { file_id: 'f' } }] },
    });
    const all: unknown[] = [
      block,
      block.text,
      block.text.annotations[0],
      state.steps[0]?.step_details,
      state.messages[1],
    ];
    for (const obj of all) {
      for (const key of ['__proto__', 'constructor', 'prototype'])
        expect(Object.hasOwn(obj as object, key)).toBe(false);
      expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    }
    const details = state.steps[0]?.step_details;
    const call = (details?.type === 'tool_calls' ? details.tool_calls[0] : undefined) as object;
    expect(Object.hasOwn(call, '__proto__')).toBe(false);
    expect(call).toEqual(fnCall('c', 'f', '{}[]'));
  });

  it('uses ids as plain strings: __proto__, constructor and hasOwnProperty are ordinary ids', () => {
    const ids = ['__proto__', 'constructor', 'hasOwnProperty', 'toString'];
    const state = reduce(ids.flatMap((id) => [messageCreated(id), textDelta(id, id), textDelta(id, '!')]));
    expect(state.messages.map((m) => [m.id, textOf(m)])).toEqual(ids.map((id) => [id, `${id}!`]));
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['an unknown event name', { event: 'thread.run.step.future', data: { id: 'step_1' } }],
    ['a message delta without data', { event: 'thread.message.delta', data: null }],
    [
      'a message delta with a numeric id',
      { event: 'thread.message.delta', data: { id: 1, delta: { content: [] } } },
    ],
    ['a message delta without content', { event: 'thread.message.delta', data: { id: 'msg_1', delta: {} } }],
    [
      'a delta part that is not an object',
      { event: 'thread.message.delta', data: { id: 'msg_1', delta: { content: [1, 'x', null] } } },
    ],
    [
      'a delta of another type at the same index',
      messageDelta('msg_1', { index: 0, type: 'refusal', refusal: 'no' }),
    ],
    ['a step delta with no details', { event: 'thread.run.step.delta', data: { id: 'step_1', delta: {} } }],
    ['a step event without step_details', { event: 'thread.run.step.created', data: { id: 'step_1' } }],
    ['a run event without status', { event: 'thread.run.in_progress', data: { id: RUN } }],
    ['a non-object event', null],
  ])('leaves the state as it is for %s', (_what, event) => {
    expect(reduceRunState(created, event as RunEvent)).toBe(created);
  });
});

describe('structural sharing', () => {
  const base = reduce([
    runEvent('in_progress'),
    messageCreated('msg_A'),
    textDelta('msg_A', 'a'),
    messageCreated('msg_B'),
    textDelta('msg_B', 'b'),
    stepEvent('created', 'step_1', toolStep()),
  ]);

  it('an event touching message B leaves message A and the steps as they were', () => {
    const next = reduceRunState(base, textDelta('msg_B', 'c'));
    expect(next).not.toBe(base);
    expect(next.messages[0]).toBe(base.messages[0]);
    expect(next.messages[1]).not.toBe(base.messages[1]);
    expect(textOf(next.messages[1])).toBe('bc');
    expect(next.steps).toBe(base.steps);
    expect(next.run).toBe(base.run);
    // The previous snapshot is untouched.
    expect(textOf(base.messages[1])).toBe('b');
  });

  it('a run event leaves messages and steps as they were', () => {
    const next = reduceRunState(base, runEvent('completed'));
    expect(next.messages).toBe(base.messages);
    expect(next.steps).toBe(base.steps);
  });

  it('a step delta leaves the messages array as it was', () => {
    const next = reduceRunState(
      base,
      stepDelta('step_1', { index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }),
    );
    expect(next.messages).toBe(base.messages);
    expect(next.steps[0]).not.toBe(base.steps[0]);
  });

  it('finds a message by id among many, also with two runs reduced in turn: the same result as alone, the others untouched', () => {
    const others = Array.from({ length: 500 }, (_, i) =>
      aMessage(`msg_${i}`, 'in_progress', [textBlock(String(i))]),
    );
    const stepDeltaZ = stepDelta('step_1', {
      index: 0,
      id: 'c',
      type: 'function',
      function: { arguments: 'z' },
    });
    // One with a run payload (and so the reducer's memo), one without (its lists are searched).
    const run = (from: RunState, head: string, tail: string, withRun: boolean): RunEvent[] => [
      ...(withRun ? [runEvent('in_progress')] : []),
      messageCreated('msg_last'),
      textDelta('msg_last', head),
      ...Array.from({ length: 200 }, () => [
        textDelta('msg_last', tail),
        ...(withRun ? [stepDeltaZ] : []),
      ]).flat(),
      // A delta for a message in the middle of the list, after the last one streamed.
      textDelta(from.messages[from.messages.length >> 1]?.id ?? '', '+'),
    ];
    const fromA: RunState = { ...initialRunState, messages: others };
    const fromB: RunState = { ...initialRunState, messages: others.slice(0, 250) };
    const eventsA = run(fromA, 'a', 'b', true);
    const eventsB = run(fromB, 'x', 'y', false);
    let state = fromA;
    let other = fromB;
    for (let i = 0; i < Math.max(eventsA.length, eventsB.length); i++) {
      const a = eventsA[i];
      const b = eventsB[i];
      if (a) state = reduceRunState(state, a);
      if (b) other = reduceRunState(other, b);
    }
    expect(state).toEqual(reduce(eventsA, fromA));
    expect(other).toEqual(reduce(eventsB, fromB));
    expect(state.messages).toHaveLength(501);
    expect(other.messages).toHaveLength(251);
    expect(textOf(state.messages[500])).toBe(`a${'b'.repeat(200)}`);
    expect(textOf(other.messages[250])).toBe(`x${'y'.repeat(200)}`);
    expect(textOf(state.messages[250])).toBe('250+');
    expect(textOf(other.messages[125])).toBe('125+');
    // Every message no delta was for is the very object it was.
    expect(state.messages.slice(0, 500).every((m, i) => i === 250 || m === others[i])).toBe(true);
    expect(other.messages.slice(0, 250).every((m, i) => i === 125 || m === others[i])).toBe(true);
  });

  it('reducing an older snapshot again (time travel) gives a correct branch and leaves the newer one alone', () => {
    const old = base;
    const newer = reduce([textDelta('msg_B', 'c'), messageCreated('msg_C'), textDelta('msg_C', 'n')], old);
    const branch = reduce([textDelta('msg_B', 'X'), messageCreated('msg_D'), textDelta('msg_A', 'Y')], old);
    const newerAgain = reduce([textDelta('msg_C', 'm')], newer);
    expect(branch.messages.map((m) => [m.id, textOf(m)])).toEqual([
      ['msg_A', 'aY'],
      ['msg_B', 'bX'],
      ['msg_D', '<none>'],
    ]);
    expect(newerAgain.messages.map((m) => [m.id, textOf(m)])).toEqual([
      ['msg_A', 'a'],
      ['msg_B', 'bc'],
      ['msg_C', 'nm'],
    ]);
    expect(old.messages.map((m) => textOf(m))).toEqual(['a', 'b']);
  });

  it('works on a state built by hand (no index yet)', () => {
    const handMade: RunState = {
      status: 'in_progress',
      done: false,
      steps: [] as RunStep[],
      messages: [aMessage('m1', 'in_progress'), aMessage('m2', 'in_progress', [textBlock('x')])],
    };
    const next = reduceRunState(handMade, textDelta('m2', 'y'));
    expect(textOf(next.messages[1])).toBe('xy');
    expect(next.messages[0]).toBe(handMade.messages[0]);
  });
});

describe('many deltas', () => {
  it('folds 100,000 deltas into one message correctly', () => {
    const n = 100_000;
    let state = reduce([runEvent('in_progress'), messageCreated('msg_1')]);
    for (let i = 0; i < n; i++) state = reduceRunState(state, textDelta('msg_1', String(i % 10)));
    const text = textOf(state.messages[0]);
    expect(text).toHaveLength(n);
    expect(text.slice(0, 12)).toBe('012345678901');
    expect(text.slice(-3)).toBe('789');
    expect(state.messages).toHaveLength(1);
  });
});
