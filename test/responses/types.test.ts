import type OpenAI from 'openai';
import type OpenAI7 from 'openai-v7';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  isResponseLifecycleEvent,
  RESPONSE_LIFECYCLE_EVENTS,
  type ResponseEvent,
  type ResponseEventOf,
  type ResponseLifecycleEvent,
} from '../../src/responses/ResponseEvent';
import type {
  ResponseFunctionCall,
  ResponseObject,
  ResponseOutputItem,
  ResponseOutputMessage,
} from '../../src/responses/types';

type V6 = typeof OpenAI.Responses;
type V7 = typeof OpenAI7.Responses;

// Checked by `npm run typecheck` (tsc), which includes the test files.
describe('Responses types are assignable from the openai package types', () => {
  it('openai v6: stream events, responses, output items', () => {
    expectTypeOf<OpenAI.Responses.ResponseStreamEvent>().toExtend<ResponseEvent>();
    expectTypeOf<OpenAI.Responses.Response>().toExtend<ResponseObject>();
    expectTypeOf<OpenAI.Responses.ResponseOutputItem>().toExtend<ResponseOutputItem>();
    expectTypeOf<OpenAI.Responses.ResponseOutputMessage>().toExtend<ResponseOutputMessage>();
    expectTypeOf<OpenAI.Responses.ResponseFunctionToolCall>().toExtend<ResponseFunctionCall>();
    expectTypeOf<V6>().not.toBeNever();
  });

  it('openai v7: stream events, responses, output items', () => {
    expectTypeOf<OpenAI7.Responses.ResponseStreamEvent>().toExtend<ResponseEvent>();
    expectTypeOf<OpenAI7.Responses.Response>().toExtend<ResponseObject>();
    expectTypeOf<OpenAI7.Responses.ResponseOutputItem>().toExtend<ResponseOutputItem>();
    expectTypeOf<OpenAI7.Responses.ResponseOutputMessage>().toExtend<ResponseOutputMessage>();
    expectTypeOf<OpenAI7.Responses.ResponseFunctionToolCall>().toExtend<ResponseFunctionCall>();
    expectTypeOf<V7>().not.toBeNever();
  });

  it('every SDK stream event type is one of ours, by name', () => {
    expectTypeOf<OpenAI.Responses.ResponseStreamEvent['type']>().toExtend<ResponseEvent['type']>();
    expectTypeOf<OpenAI7.Responses.ResponseStreamEvent['type']>().toExtend<ResponseEvent['type']>();
  });
});

describe('the ResponseEvent union narrows on type', () => {
  it('to the member of that type', () => {
    expectTypeOf<ResponseEventOf<'response.output_text.delta'>['delta']>().toEqualTypeOf<string>();
    expectTypeOf<ResponseEventOf<'response.completed'>>().toExtend<ResponseLifecycleEvent>();
    expectTypeOf<ResponseEventOf<'response.completed'>['type']>().toEqualTypeOf<'response.completed'>();
    expectTypeOf<ResponseEventOf<'response.completed'>['response']>().toEqualTypeOf<ResponseObject>();
    expect(RESPONSE_LIFECYCLE_EVENTS).toContain('response.cancelled');
    expectTypeOf<
      ResponseEventOf<'response.function_call_output'>['item']['call_id']
    >().toEqualTypeOf<string>();
  });

  it('a comparison on type narrows a value', () => {
    const read = (event: ResponseEvent): string =>
      event.type === 'response.output_text.delta' ? event.delta : '';
    const delta: ResponseEvent = {
      type: 'response.output_text.delta',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: 'Hi',
    };
    expect(read(delta)).toBe('Hi');
  });

  it('isResponseLifecycleEvent knows the library’s response.cancelled', () => {
    const cancelled: ResponseEvent = {
      type: 'response.cancelled',
      response: { id: 'r', status: 'cancelled', output: [] },
    };
    expect(isResponseLifecycleEvent(cancelled)).toBe(true);
    expect(isResponseLifecycleEvent({ type: 'response.output_text.delta' })).toBe(false);
  });
});
