import { lastValueFrom, of } from 'rxjs';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import { type StandardSchemaLike, typedHandler } from '../../src/operators/typedHandler';
import { handleFunctionCalls } from '../../src/responses/operators/handleFunctionCalls';
import type { ResponseFunctionCall } from '../../src/responses/types';
import { aPage, aRequiredAction, mockClient, runCompleted, runRequiresAction } from '../../src/testing';

/** A tiny Standard Schema for `{ city: string }`, as Zod or Valibot would provide. */
const citySchema: StandardSchemaLike<{ city: string }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) =>
      typeof value === 'object' && value !== null && typeof (value as { city?: unknown }).city === 'string'
        ? { value: { city: (value as { city: string }).city } }
        : { issues: [{ message: 'Expected a string', path: ['city'] }] },
  },
};

const paused = (args: string) =>
  runRequiresAction({
    required_action: aRequiredAction([{ id: 'call_1', arguments: args }]),
    expires_at: null,
  });

const client = () =>
  mockClient({
    runs: { submitToolOutputsStream: () => of(runCompleted()) },
    steps: { list: () => of(aPage([])) },
    messages: { list: () => of(aPage([])) },
  });

describe('typedHandler', () => {
  it('types the arguments from the schema and gives the handler the validated value', async () => {
    const seen: string[] = [];
    const mock = client();
    await lastValueFrom(
      of(paused('{"city":"Oslo","extra":1}')).pipe(
        handleRequiresAction(mock, {
          get_weather: typedHandler(citySchema, ({ city }, call) => {
            expectTypeOf(city).toBeString();
            seen.push(`${city} ${call.id}`);
            return 'sunny';
          }),
        }),
      ),
    );
    expect(seen).toEqual(['Oslo call_1']);
    expect(mock.callsTo('runs.submitToolOutputsStream')[0]?.[2]).toMatchObject({
      tool_outputs: [{ tool_call_id: 'call_1', output: 'sunny' }],
    });
  });

  it('does not call the handler with arguments that fail the schema, and tells the model why', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const handle = vi.fn();
    const mock = client();
    await lastValueFrom(
      of(paused('{"city":42}')).pipe(
        handleRequiresAction(mock, { get_weather: typedHandler(citySchema, handle) }),
      ),
    );
    expect(handle).not.toHaveBeenCalled();
    expect(mock.callsTo('runs.submitToolOutputsStream')[0]?.[2]).toMatchObject({
      tool_outputs: [
        {
          output:
            'Error: get_weather failed: the arguments do not match the schema (city: Expected a string)',
        },
      ],
    });
    vi.restoreAllMocks();
  });

  it('types the call as the Responses function_call item under handleFunctionCalls', () => {
    handleFunctionCalls(mockClient({}), {
      get_weather: typedHandler(
        citySchema,
        ({ city }, call: ResponseFunctionCall) => `${city} ${call.call_id}`,
      ),
    });
  });

  it('rejects a schema that is not a Standard Schema', () => {
    expect(() => typedHandler({} as never, () => 1)).toThrow(/Standard Schema/);
  });
});
