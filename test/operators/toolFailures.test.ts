import { lastValueFrom, NEVER, of } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import type { ToolFailure } from '../../src/operators/toolConfig';
import { handleFunctionCalls } from '../../src/responses/operators/handleFunctionCalls';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import { aPage, aRequiredAction, aRun, mockClient, runCompleted, runRequiresAction } from '../../src/testing';
import { finalOf, recordedStreams } from '../helpers/responsesFixtures';

/** Tool failures are visible by default (issue 15, item 1): a warning, or the onToolError hook. */

const weatherTool = { type: 'function' as const, function: { name: 'get_weather', parameters: {} } };

afterEach(() => vi.restoreAllMocks());

const pausedRun = () =>
  runRequiresAction({
    required_action: aRequiredAction([{ id: 'call_1', name: 'get_weather' }]),
    tools: [weatherTool],
    expires_at: null,
  });

const assistantsClient = () =>
  mockClient({
    runs: {
      submitToolOutputsStream: () => of(runCompleted()),
      cancel: () => of(aRun({ status: 'cancelling' })),
    },
    steps: { list: () => of(aPage([])) },
    messages: { list: () => of(aPage([])) },
  });

describe('handleRequiresAction: tool failures are visible', () => {
  it('warns by default, naming the function, the call and the cause, when a handler name has a typo', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await lastValueFrom(
      of(pausedRun()).pipe(handleRequiresAction(assistantsClient(), { get_wether: () => 'x' })),
    );
    const lines = warn.mock.calls.map(([line]) => String(line));
    expect(lines).toContainEqual(
      expect.stringContaining(
        `has a handler for "get_wether", but run ${aRun().id} has no function tool of that name (its functions: get_weather)`,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringContaining(
        `tool call call_1 (get_weather) of ${aRun().id} failed: there is no function named "get_weather" (available: get_wether) (the model was sent an error string instead).`,
      ),
    );
  });

  it('gives every failure to onToolError instead, with what was sent to the model', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const failures: ToolFailure[] = [];
    await lastValueFrom(
      of(pausedRun()).pipe(
        handleRequiresAction(
          assistantsClient(),
          {
            get_weather: () => {
              throw new Error('station offline');
            },
          },
          { onToolError: (failure) => failures.push(failure) },
        ),
      ),
    );
    expect(failures).toEqual([
      {
        functionName: 'get_weather',
        callId: 'call_1',
        reason: 'handler_error',
        error: new Error('station offline'),
        output: 'Error: get_weather failed: station offline',
        runId: aRun().id,
      },
    ]);
    expect(warn).not.toHaveBeenCalled();
  });

  it("reports nothing for handlers that work, and raises (not reports) under onError: 'error'", async () => {
    const onToolError = vi.fn();
    await lastValueFrom(
      of(pausedRun()).pipe(
        handleRequiresAction(assistantsClient(), { get_weather: () => 'ok' }, { onToolError }),
      ),
    );
    const failing = { get_weather: () => Promise.reject(new Error('no')) };
    await expect(
      lastValueFrom(
        of(pausedRun()).pipe(
          handleRequiresAction(assistantsClient(), failing, { onToolError, onError: 'error' }),
        ),
      ),
    ).rejects.toThrow('no');
    expect(onToolError).not.toHaveBeenCalled();
  });
});

describe('handleFunctionCalls: tool failures are visible', () => {
  const events = recordedStreams('FunctionCallStreamingWorks')[0] as ResponseEvent[];
  const text = recordedStreams('StreamingResponses')[0] as ResponseEvent[];
  const client = () => mockClient({ responses: { createStream: () => of(...text), cancel: () => NEVER } });

  it('warns about a handler that names no tool of the response, and reports the failed call', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await lastValueFrom(of(...events).pipe(handleFunctionCalls(client(), { get_weather: () => 'x' })));
    const lines = warn.mock.calls.map(([line]) => String(line));
    const id = finalOf(events).id;
    expect(lines).toContainEqual(
      expect.stringContaining(
        `has a handler for "get_weather", but response ${id} has no function tool of that name (its functions: get_weather_at_location)`,
      ),
    );
    expect(lines).toContainEqual(expect.stringContaining(`(get_weather_at_location) of ${id} failed`));
  });
});
