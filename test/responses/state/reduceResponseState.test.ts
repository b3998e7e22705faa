import { describe, expect, it } from 'vitest';
import { RESPONSE_LIFECYCLE_EVENTS, type ResponseEvent } from '../../../src/responses/ResponseEvent';
import { initialResponseState, type ResponseState } from '../../../src/responses/state/ResponseState';
import { reduceResponseState } from '../../../src/responses/state/reduceResponseState';
import type { ResponseOutputItem, ResponseStatus } from '../../../src/responses/types';
import {
  annotationAdded,
  argsDelta,
  argsDone,
  FC,
  functionCall,
  itemAdded,
  itemDone,
  lifecycle,
  MSG,
  message,
  partAdded,
  RESP,
  reasoning,
  response,
  streamedMessage,
  summaryDelta,
  summaryPartAdded,
  textDelta,
  textDone,
  toolOutput,
} from './events';

const reduce = (events: ResponseEvent[], from: ResponseState = initialResponseState): ResponseState =>
  events.reduce(reduceResponseState, from);

/** The text of part `part` of the item at `index` (`<none>` when absent). */
const textAt = (state: ResponseState, index = 0, part = 0): string => {
  const item = state.output[index] as { content?: { text?: string }[] } | undefined;
  return item?.content?.[part]?.text ?? '<none>';
};
const field = (item: ResponseOutputItem | undefined, key: string): unknown =>
  item === undefined ? undefined : (item as unknown as Record<string, unknown>)[key];

const started = (): ResponseState =>
  reduce([
    lifecycle('response.created', 'in_progress', 0),
    itemAdded(0, message(undefined, 'in_progress'), 1),
    partAdded(0, 2),
  ]);

describe('initialResponseState', () => {
  it('is pending, empty and frozen', () => {
    expect(initialResponseState).toEqual({
      status: 'pending',
      output: [],
      unansweredCalls: [],
      toolOutputs: [],
      turns: [],
      done: false,
    });
    expect(Object.isFrozen(initialResponseState)).toBe(true);
    expect(Object.isFrozen(initialResponseState.output)).toBe(true);
  });
});

describe('lifecycle events', () => {
  it('read the status from response.status, never from the type', () => {
    const state = reduce([lifecycle('response.completed', 'incomplete', 0)]);
    expect(state.status).toBe('incomplete');
    expect(state.done).toBe(true);
    expect(state.responseId).toBe(RESP);
  });

  it.each<[ResponseStatus, boolean]>([
    ['queued', false],
    ['in_progress', false],
    ['completed', true],
    ['incomplete', true],
    ['failed', true],
    ['cancelled', true],
  ])('status %s → done %s', (status, done) => {
    const state = reduce([lifecycle('response.in_progress', status)]);
    expect(state.status).toBe(status);
    expect(state.done).toBe(done);
  });

  it.each(RESPONSE_LIFECYCLE_EVENTS)('%s is a lifecycle event', (type) => {
    const state = reduce([lifecycle(type, 'in_progress', 0, { output: [] })]);
    expect(state.responseId).toBe(RESP);
    expect(state.response?.status).toBe('in_progress');
  });

  it('take usage and error from the latest payload', () => {
    const usage = { input_tokens: 1, output_tokens: 2, total_tokens: 3 };
    const error = { code: 'server_error', message: 'boom' };
    const failed = reduce([
      lifecycle('response.created', 'in_progress', 0),
      lifecycle('response.failed', 'failed', 1, { usage, error }),
    ]);
    expect(failed.usage).toEqual(usage);
    expect(failed.error).toEqual(error);
    expect(failed.response?.status).toBe('failed');
  });

  it('response.cancelled (the library’s event) ends the response, keeping what was built', () => {
    const state = reduce(
      [textDelta('Hel', 3), { type: 'response.cancelled', response: response('cancelled') }],
      started(),
    );
    expect(state.status).toBe('cancelled');
    expect(state.done).toBe(true);
    expect(textAt(state)).toBe('Hel');
  });

  it('never leave a terminal status, and ignore a repeated response.created', () => {
    const done = reduce([
      lifecycle('response.created', 'queued'),
      lifecycle('response.completed', 'completed'),
    ]);
    expect(reduceResponseState(done, lifecycle('response.in_progress', 'in_progress'))).toBe(done);
    const running = reduce([
      lifecycle('response.created', 'queued'),
      lifecycle('response.in_progress', 'in_progress'),
    ]);
    expect(reduceResponseState(running, lifecycle('response.created', 'queued'))).toBe(running);
  });

  it('a terminal payload’s output replaces the built output, keeping equal items ===', () => {
    const built = reduce(
      [textDelta('Hel', 3), textDelta('lo', 4), textDelta('lo', 4.5), itemAdded(1, functionCall('{}'), 5)],
      started(),
    );
    expect(textAt(built)).toBe('Hellolo'); // a doubled delta without a repeated number
    const final = [message('Hello'), functionCall('{}')];
    const done = reduceResponseState(
      built,
      lifecycle('response.completed', 'completed', 6, { output: final }),
    );
    expect(textAt(done)).toBe('Hello');
    expect(done.output[0]).toBe(final[0]);
    expect(done.output[1]).toBe(built.output[1]);
  });

  it('keeps the built output when a terminal payload has none, and ignores non-terminal outputs', () => {
    const built = reduce([textDelta('Hi', 3)], started());
    const inProgress = reduceResponseState(
      built,
      lifecycle('response.in_progress', 'in_progress', 4, { output: [message('Hi')] }),
    );
    expect(inProgress.output).toBe(built.output);
    const failed = reduceResponseState(built, lifecycle('response.failed', 'failed', 5));
    expect(failed.output).toBe(built.output);
  });
});

describe('output items and parts', () => {
  it('accumulate text by output_index and content_index', () => {
    const state = reduce([textDelta('Hel', 3), textDelta('lo', 4)], started());
    expect(textAt(state)).toBe('Hello');
    expect(state.sequenceNumber).toBe(4);
  });

  it('keep unchanged items and parts ===', () => {
    const two = reduce(
      [
        itemAdded(1, message(undefined, 'in_progress', 'msg_2'), 3),
        partAdded(1, 4, 'msg_2'),
        { ...partAdded(1, 5, 'msg_2', 1) },
        textDelta('a', 6, 1, 'msg_2', 0),
      ],
      started(),
    );
    const next = reduceResponseState(two, textDelta('b', 7, 1, 'msg_2', 1));
    expect(next.output[0]).toBe(two.output[0]);
    const before = two.output[1] as { content: unknown[] };
    const after = next.output[1] as { content: unknown[] };
    expect(after.content[0]).toBe(before.content[0]);
    expect(after.content[1]).not.toBe(before.content[1]);
    expect(next.turns).toBe(two.turns);
    expect(next.toolOutputs).toBe(two.toolOutputs);
  });

  it('set a part’s whole text on output_text.done and an item on output_item.done', () => {
    const state = reduce([textDelta('Hel', 3), textDone('Hello', 4)], started());
    expect(textAt(state)).toBe('Hello');
    const item = message('Hello!');
    const done = reduceResponseState(state, itemDone(0, item, 5));
    expect(done.output[0]).toBe(item);
    // A done item equal to the one held keeps it.
    const same = reduceResponseState(done, itemDone(0, message('Hello!'), 6));
    expect(same).toBe(done);
  });

  it('keep a part === when its item’s done (or the terminal payload) brings an equal one', () => {
    const built = reduce([textDelta('Hello', 3)], started());
    const part = (built.output[0] as { content: unknown[] }).content[0];
    const done = reduceResponseState(built, itemDone(0, message('Hello'), 4));
    expect(done.output[0]).toEqual(message('Hello'));
    expect((done.output[0] as { content: unknown[] }).content[0]).toBe(part);
    const terminal = reduceResponseState(
      built,
      lifecycle('response.completed', 'completed', 4, { output: [message('Hello')] }),
    );
    expect((terminal.output[0] as { content: unknown[] }).content[0]).toBe(part);
  });

  it('accumulate function-call arguments, and set them on .done', () => {
    const state = reduce([
      lifecycle('response.created', 'in_progress', 0),
      itemAdded(0, functionCall('', 'in_progress'), 1),
      argsDelta('{"a"', 2),
      argsDelta(':1}', 3),
    ]);
    expect(field(state.output[0], 'arguments')).toBe('{"a":1}');
    expect(field(reduceResponseState(state, argsDone('{"a":2}', 4)).output[0], 'arguments')).toBe('{"a":2}');
  });

  it('accumulate reasoning summaries by summary_index', () => {
    const state = reduce([
      lifecycle('response.created', 'in_progress', 0),
      itemAdded(0, reasoning(undefined), 1),
      summaryPartAdded(2),
      summaryDelta('Thinking', 3),
      summaryDelta(' hard', 4),
    ]);
    expect((state.output[0] as { summary: { text: string }[] }).summary[0]?.text).toBe('Thinking hard');
  });

  it('add annotations by annotation_index, once', () => {
    const citation = { type: 'url_citation', url: 'https://example.com', start_index: 0, end_index: 2 };
    const state = reduce([textDelta('Hi', 3), annotationAdded(citation, 0, 4)], started());
    const part = (state.output[0] as { content: { annotations: unknown[] }[] }).content[0];
    expect(part?.annotations).toEqual([citation]);
    expect(reduceResponseState(state, annotationAdded({ ...citation }, 0, 5))).toBe(state);
  });

  it('begin an item a delta names when its output_item.added was never seen (a joined stream)', () => {
    const state = reduce([textDelta('Hi', 7), textDelta(' there', 8)]);
    expect(state.output[0]).toMatchObject({ id: MSG, type: 'message', role: 'assistant' });
    expect(textAt(state)).toBe('Hi there');
    expect(state.status).toBe('pending');
  });

  it('ignore events naming another item than the one at their index', () => {
    const state = started();
    expect(reduceResponseState(state, textDelta('x', 3, 0, 'msg_other'))).toBe(state);
    expect(reduceResponseState(state, argsDelta('x', 3, 0, FC))).toBe(state);
  });

  it('ignore deltas for a finished item', () => {
    const state = reduce([itemDone(0, message('Hello'), 3)], started());
    expect(reduceResponseState(state, textDelta('!', undefined))).toBe(state);
  });
});

describe('replays', () => {
  it('ignore a delta at or below the last applied sequence number, and any event below it', () => {
    const state = reduce([textDelta('Hel', 3), textDelta('lo', 4)], started());
    expect(reduceResponseState(state, textDelta('lo', 4))).toBe(state);
    expect(reduceResponseState(state, textDelta('Hel', 3))).toBe(state);
    expect(reduceResponseState(state, itemAdded(0, message(undefined, 'in_progress'), 1))).toBe(state);
    expect(reduceResponseState(state, lifecycle('response.in_progress', 'queued', 1))).toBe(state);
  });

  it('apply events without a number (poll mode) and a lifecycle event at the last number', () => {
    const state = reduce([textDelta('Hel', 3)], started());
    expect(textAt(reduceResponseState(state, textDelta('lo')))).toBe('Hello');
    const cancelled = reduceResponseState(state, lifecycle('response.cancelled', 'cancelled', 3));
    expect(cancelled.status).toBe('cancelled');
  });

  it('a whole stream replayed after itself changes nothing', () => {
    const events = streamedMessage(['Hel', 'lo', '!']);
    const once = reduce(events);
    expect(reduce(events, once)).toBe(once);
    expect(textAt(once)).toBe('Hello!');
  });
});

describe('poll mode (events synthesised from snapshots, no sequence numbers)', () => {
  it('counts text once: a snapshot’s status event comes before the item events that show it', () => {
    const snapshot = response('in_progress', { output: [message('Hel', 'in_progress')] });
    const state = reduce([
      { type: 'response.created', response: response('queued') },
      { type: 'response.in_progress', response: snapshot },
      itemAdded(0, message(undefined, 'in_progress')),
      partAdded(0),
      textDelta('Hel'),
    ]);
    expect(textAt(state)).toBe('Hel');
    const finished = reduce(
      [
        textDelta('lo'),
        textDone('Hello'),
        itemDone(0, message('Hello')),
        lifecycle('response.completed', 'completed', undefined, { output: [message('Hello')] }),
      ],
      state,
    );
    expect(textAt(finished)).toBe('Hello');
    expect(finished.done).toBe(true);
  });
});

describe('a chain of responses', () => {
  const first = [
    lifecycle('response.created', 'in_progress', 0),
    itemAdded(0, functionCall('', 'in_progress'), 1),
    argsDelta('{}', 2),
    itemDone(0, functionCall('{}'), 3),
    lifecycle('response.completed', 'completed', 4, { output: [functionCall('{}')] }),
  ];
  const second = streamedMessage(['It is ', 'sunny'], 'resp_2', 'msg_2');

  it('waits on unanswered calls: a completed response with function calls is not done', () => {
    const state = reduce(first);
    expect(state.status).toBe('completed');
    expect(state.done).toBe(false);
    expect(state.unansweredCalls).toEqual([functionCall('{}')]);
    const answered = reduceResponseState(state, toolOutput('call_1', '{"temp":20}'));
    expect(answered.unansweredCalls).toEqual([]);
    expect(answered.toolOutputs).toEqual([
      { type: 'function_call_output', call_id: 'call_1', output: '{"temp":20}' },
    ]);
    expect(answered.done).toBe(false);
    expect(reduceResponseState(answered, toolOutput('call_1', '{"temp":20}'))).toBe(answered);
  });

  it('moves each finished response into turns when the next one begins', () => {
    const afterFirst = reduce([...first, toolOutput('call_1', 'sunny')]);
    const state = reduce(second, afterFirst);
    expect(state.responseId).toBe('resp_2');
    expect(state.turns).toHaveLength(1);
    expect(state.turns[0]?.response?.id).toBe(RESP);
    expect(state.turns[0]?.output).toBe(afterFirst.output);
    expect(state.toolOutputs).toBe(afterFirst.toolOutputs);
    expect(textAt(state)).toBe('It is sunny');
    expect(state.done).toBe(true);
    expect(state.sequenceNumber).toBe(second.length - 1);
  });

  it('ignores a late replay of an earlier response', () => {
    const state = reduce([...first, toolOutput('call_1', 'sunny'), ...second]);
    expect(reduceResponseState(state, first[4] as ResponseEvent)).toBe(state);
    expect(reduceResponseState(state, first[0] as ResponseEvent)).toBe(state);
  });
});

describe('untrusted input', () => {
  it('never grows an array to an absurd index', () => {
    const state = started();
    for (const index of [1e9, 2, -1, 1.5, Number.NaN, 10_000]) {
      expect(reduceResponseState(state, textDelta('x', 3, index))).toBe(state);
      expect(reduceResponseState(state, textDelta('x', 3, 0, MSG, index))).toBe(state);
      expect(reduceResponseState(state, itemAdded(index, message('x'), 3))).toBe(state);
    }
    expect(reduceResponseState(state, annotationAdded({ type: 'x' }, 5, 3))).toBe(state);
  });

  it('drops __proto__ keys from what it keeps', () => {
    const item = JSON.parse(
      '{"id":"msg_1","type":"message","status":"completed","content":[],"role":"assistant","__proto__":{"polluted":true}}',
    );
    const state = reduce([lifecycle('response.created', 'in_progress', 0), itemAdded(0, item, 1)]);
    expect(Object.hasOwn(state.output[0] as object, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('ignores malformed events, keepalives, errors and unknown types', () => {
    const state = started();
    for (const event of [
      null,
      'text',
      { type: 42 },
      { type: 'keepalive' },
      { type: 'error', message: 'boom' },
      { type: 'response.audio.delta', delta: 'x' },
      { type: 'response.created', response: null },
      { type: 'response.output_item.added', output_index: 1, item: 'x' },
      { type: 'response.function_call_output', item: { output: 'x' } },
    ]) {
      expect(reduceResponseState(state, event as unknown as ResponseEvent)).toBe(state);
    }
  });
});
