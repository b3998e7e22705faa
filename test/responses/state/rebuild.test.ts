import { describe, expect, it } from 'vitest';
import { withCallField, withParts, withText } from '../../../src/responses/state/rebuild';

/** The literal fast paths must give exactly what a copy with one field changed gives, keys included. */
const copyWith = (obj: object, key: string, value: unknown) => ({ ...obj, [key]: value });

describe('rebuilt wire objects', () => {
  it.each([
    { type: 'output_text', annotations: [], logprobs: [], text: 'a' },
    { type: 'output_text', text: 'a', annotations: [], logprobs: [] },
    { type: 'summary_text', text: 'a' },
    { type: 'output_text', annotations: [], text: 'a' },
    { type: 'output_text', annotations: [], logprobs: [], text: 'a', extra: 1 },
  ])('withText(%o) keeps every key and changes only text', (part) => {
    const next = withText(part, 'ab');
    expect(next).toStrictEqual(copyWith(part, 'text', 'ab'));
    expect(Object.keys(next).sort()).toEqual(Object.keys(part).sort());
    expect(part.text).toBe('a');
  });

  it.each([
    { id: 'm', type: 'message', status: 'in_progress', content: [], role: 'assistant' },
    {
      id: 'm',
      type: 'message',
      status: 'in_progress',
      content: [],
      phase: 'final_answer',
      role: 'assistant',
    },
    { id: 'm', type: 'message', content: [], role: 'assistant' },
    { id: 'm', type: 'message', status: 'in_progress', content: [], role: 'assistant', extra: { a: 1 } },
  ])('withParts(%o, content) keeps every key and changes only content', (item) => {
    const parts = [{ type: 'output_text', text: 'x' }];
    expect(withParts(item, 'content', parts)).toStrictEqual(copyWith(item, 'content', parts));
  });

  it.each([
    { id: 'r', type: 'reasoning', summary: [] },
    { id: 'r', type: 'reasoning', content: [], encrypted_content: 'e', summary: [] },
    { id: 'r', type: 'reasoning', summary: [], status: 'in_progress' },
  ])('withParts(%o, summary) keeps every key and changes only summary', (item) => {
    const parts = [{ type: 'summary_text', text: 'x' }];
    expect(withParts(item, 'summary', parts)).toStrictEqual(copyWith(item, 'summary', parts));
  });

  it.each([
    [
      { id: 'f', type: 'function_call', status: 'in_progress', arguments: '', call_id: 'c', name: 'n' },
      'arguments',
    ],
    [{ type: 'function_call', arguments: '', call_id: 'c', name: 'n' }, 'arguments'],
    [{ id: 'c', type: 'code_interpreter_call', code: '', status: 'in_progress' }, 'code'],
  ] as const)('withCallField(%o) keeps every key and changes only %s', (item, field) => {
    expect(withCallField(item, field, '{}')).toStrictEqual(copyWith(item, field, '{}'));
  });
});
