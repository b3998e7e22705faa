import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResponseEvent } from '../../../src/responses/ResponseEvent';
import { initialResponseState, type ResponseState } from '../../../src/responses/state/ResponseState';
import { reduceResponseState } from '../../../src/responses/state/reduceResponseState';
import { seeded } from '../../helpers/seeded';
import { recordedEvents, STREAMED_RESPONSES } from '../recordedResponses';
import { streamedMessage } from './events';

type Rec = Record<string, unknown>;
const rec = (value: unknown): Rec => value as Rec;
const listOf = (value: unknown, key: string): unknown[] => {
  const list = value === undefined ? undefined : rec(value)[key];
  return Array.isArray(list) ? list : [];
};

describe('structural sharing along the recorded streams', () => {
  it.each(STREAMED_RESPONSES)('%s: only the item, part and lists an event names are new', (name) => {
    let state: ResponseState = initialResponseState;
    for (const event of recordedEvents(name)) {
      const next = reduceResponseState(state, event);
      const e = rec(event);
      const target = e['output_index'];
      if (typeof target === 'number') {
        next.output.forEach((item, i) => {
          if (i !== target) expect(item).toBe(state.output[i]);
        });
        const partKey = 'summary_index' in e ? 'summary' : 'content';
        const partIndex = e['summary_index'] ?? e['content_index'];
        const before = listOf(state.output[target], partKey);
        listOf(next.output[target], partKey).forEach((part, j) => {
          if (j !== partIndex && j < before.length) expect(part).toBe(before[j]);
        });
      }
      expect(next.turns).toBe(state.turns);
      expect(next.toolOutputs).toBe(state.toolOutputs);
      state = next;
    }
  });
});

const TYPES = [
  'response.created',
  'response.in_progress',
  'response.completed',
  'response.cancelled',
  'response.output_item.added',
  'response.output_item.done',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.refusal.delta',
  'response.reasoning_text.delta',
  'response.output_text.annotation.added',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.done',
  'response.file_search_call.searching',
  'response.function_call_output',
  'keepalive',
  'error',
];

const index = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom(-1, 1.5, 1e9, 10_000, Number.NaN, Number.POSITIVE_INFINITY, '0', '__proto__', null),
);
const text = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(undefined, 42, null));
const hostile = fc.constantFrom(
  JSON.parse(
    '{"__proto__":{"polluted":1},"type":"message","id":"msg_1","content":[],"status":"in_progress"}',
  ),
  JSON.parse(
    '{"type":"output_text","text":"x","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}',
  ),
  { type: 'function_call', id: 'fc_1', call_id: 'c', name: 'f', arguments: '' },
  { type: 'reasoning', id: 'rs_1', summary: 'not a list' },
  { type: 'summary_text', text: '' },
  { type: 'url_citation', url: 'u' },
  'not an object',
  null,
);
const events = fc.array(
  fc.record(
    {
      type: fc.constantFrom(...TYPES),
      sequence_number: fc.option(fc.integer({ min: -1, max: 40 }), { nil: undefined }),
      output_index: index,
      content_index: index,
      summary_index: index,
      annotation_index: index,
      item_id: fc.constantFrom('msg_1', 'fc_1', 'rs_1', 'other', undefined),
      delta: text,
      text,
      arguments: text,
      item: hostile,
      part: hostile,
      annotation: hostile,
      response: fc.oneof(
        fc.record({
          id: fc.constantFrom('resp_1', 'resp_2'),
          status: fc.constantFrom('in_progress', 'completed', 'cancelled', 'weird', undefined),
          output: fc.oneof(fc.array(hostile, { maxLength: 3 }), fc.constant(undefined)),
        }),
        hostile,
      ),
    },
    { requiredKeys: ['type'] },
  ),
  { maxLength: 60 },
);

describe('untrusted events', () => {
  it('never throw, never pollute a prototype, and keep every list short and dense', () => {
    fc.assert(
      fc.property(events, (list) => {
        let state = streamedMessage(['a', 'b']).reduce(reduceResponseState, initialResponseState);
        for (const event of list) state = reduceResponseState(state, event as unknown as ResponseEvent);
        expect(rec({})['polluted']).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
        expect(state.output.length).toBeLessThanOrEqual(list.length + 1);
        for (const item of state.output) {
          expect(typeof item).toBe('object');
          expect(Object.hasOwn(item, '__proto__')).toBe(false);
          for (const key of ['content', 'summary']) {
            const parts = listOf(item, key);
            expect(parts.length).toBeLessThanOrEqual(list.length + 1);
            expect(parts.every((part) => part !== undefined)).toBe(true);
          }
        }
      }),
      seeded(300),
    );
  });
});
