import { lastValueFrom, NEVER, type Observable, of, Subject, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it, vi } from 'vitest';
import { FunctionCallError, handleFunctionCalls } from '../../src/responses/operators/handleFunctionCalls';
import type { ResponseCreateParams } from '../../src/responses/params';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import { createResponse } from '../../src/responses/sources/createResponse';
import { watchResponse } from '../../src/responses/sources/watchResponse';
import type { ResponseFunctionCall, ResponseObject } from '../../src/responses/types';
import { mockClient } from '../../src/testing/mockClient';
import { finalOf, recordedStreams } from '../helpers/responsesFixtures';

const callStream = recordedStreams('FunctionCallStreamingWorks')[0] as ResponseEvent[];
const textStream = recordedStreams('StreamingResponses')[0] as ResponseEvent[];
const asked = finalOf(callStream);
const answered = finalOf(textStream);
const [recordedCall] = asked.output as ResponseFunctionCall[];

/** A completed response asking for these calls, as one lifecycle event. */
function asking(
  id: string,
  calls: Partial<ResponseFunctionCall>[],
  extra: Partial<ResponseObject> = {},
): ResponseEvent[] {
  const output = calls.map((call, i) => ({
    type: 'function_call' as const,
    id: `fc_${i}`,
    call_id: `call_${id}_${i}`,
    name: 'get_weather_at_location',
    arguments: '{"location":"Oslo"}',
    status: 'completed' as const,
    ...call,
  }));
  const response: ResponseObject = { ...asked, id, output, background: true, store: true, ...extra };
  return [
    {
      type: 'response.created',
      sequence_number: 0,
      response: { ...response, status: 'in_progress', output: [] },
    },
    { type: 'response.completed', sequence_number: 1, response },
  ];
}

/** A client whose successive createStream calls answer these streams. */
function chain(...streams: Observable<ResponseEvent>[]) {
  const queue = [...streams];
  return mockClient({
    responses: {
      createStream: () => queue.shift() ?? NEVER,
      retrieveStream: () => of(...textStream),
      cancel: (id) => of({ ...answered, id, status: 'cancelled' as const }),
    },
  });
}

const bodies = (client: ReturnType<typeof chain>) =>
  client.callsTo('responses.createStream').map(([body]) => body as ResponseCreateParams);

describe('handleFunctionCalls', () => {
  it('answers the recorded function call and continues with previous_response_id, carrying the settings', async () => {
    const client = chain(of(...callStream), of(...textStream));
    const handler = vi.fn(
      async ({ location }: { location: string }, _call: ResponseFunctionCall) =>
        `22 celcius and windy in ${location}`,
    );
    const got = await lastValueFrom(
      createResponse(client, { model: 'gpt-4o-mini', input: 'weather?' }).pipe(
        handleFunctionCalls(client, { get_weather_at_location: handler }),
        toArray(),
      ),
    );
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0]?.[0]).toEqual(JSON.parse(recordedCall?.arguments ?? ''));
    expect(handler.mock.calls[0]?.[1]).toEqual(recordedCall);
    const output = {
      type: 'function_call_output',
      call_id: recordedCall?.call_id,
      output: '22 celcius and windy in San Francisco, CA',
    };
    expect(got).toEqual([
      ...callStream,
      { type: 'response.function_call_output', response_id: asked.id, item: output },
      ...textStream,
    ]);
    const [, continuation] = bodies(client);
    // `metadata: {}` says nothing: not sent again.
    expect(continuation).toEqual({
      input: [output],
      previous_response_id: asked.id,
      model: asked.model,
      tools: asked.tools,
      tool_choice: asked.tool_choice,
      text: asked.text,
      background: asked.background,
      store: asked.store,
    });
  });

  it('continues a conversation by the conversation, not previous_response_id', async () => {
    const client = chain(
      of(...asking('resp_a', [{}], { conversation: { id: 'conv_1' } })),
      of(...textStream),
    );
    await lastValueFrom(
      createResponse(client, { model: 'm', input: 'x' }).pipe(handleFunctionCalls(client, () => 'ok')),
    );
    const [, continuation] = bodies(client);
    expect(continuation?.conversation).toBe('conv_1');
    expect(continuation).not.toHaveProperty('previous_response_id');
  });

  it('runs parallel calls once each, for as many rounds as needed, and submits a failing handler as an error string', async () => {
    const client = chain(
      of(...asking('resp_a', [{ arguments: '{"location":"A"}' }, { name: 'broken' }])),
      of(...asking('resp_b', [{ arguments: '{"location":"B"}' }])),
      of(...textStream),
    );
    const weather = vi.fn(({ location }: { location: string }) => `sunny in ${location}`);
    const got = await lastValueFrom(
      createResponse(client, { model: 'm', input: 'x' }).pipe(
        handleFunctionCalls(client, {
          get_weather_at_location: weather,
          broken: () => {
            throw new Error('boom');
          },
        }),
        toArray(),
      ),
    );
    expect(weather.mock.calls.map(([args]) => args)).toEqual([{ location: 'A' }, { location: 'B' }]);
    const outputs = got.filter((e) => e.type === 'response.function_call_output');
    expect(outputs.map((e) => e.item.output)).toEqual([
      'sunny in A',
      'Error: broken failed: boom',
      'sunny in B',
    ]);
    expect(bodies(client).map((b) => b.previous_response_id)).toEqual([undefined, 'resp_a', 'resp_b']);
    expect(got.at(-1)).toEqual(textStream.at(-1));
  });

  it("onError: 'error' errors with FunctionCallError and creates nothing; 'cancel' completes", async () => {
    const failing = { get_weather_at_location: () => Promise.reject(new Error('down')) };
    const client = chain(of(...asking('resp_a', [{}])));
    const error = await lastValueFrom(
      createResponse(client, { model: 'm', input: 'x' }).pipe(
        handleFunctionCalls(client, failing, { onError: 'error' }),
      ),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FunctionCallError);
    expect(error).toMatchObject({
      responseId: 'resp_a',
      functionName: 'get_weather_at_location',
      reason: 'handler_error',
    });
    const quiet = chain(of(...asking('resp_a', [{}])));
    const got = await lastValueFrom(
      createResponse(quiet, { model: 'm', input: 'x' }).pipe(
        handleFunctionCalls(quiet, failing, { onError: 'cancel' }),
        toArray(),
      ),
    );
    expect(got.at(-1)?.type).toBe('response.completed');
    expect(bodies(client)).toHaveLength(1);
    expect(bodies(quiet)).toHaveLength(1);
  });

  it('a response observed again (retry, re-subscription) never runs a handler twice', async () => {
    const client = chain(of(...textStream), of(...textStream));
    const source = of(...asking('resp_a', [{}]));
    const handler = vi.fn(() => 'ok');
    const operator = handleFunctionCalls(client, handler);
    await lastValueFrom(source.pipe(operator));
    await lastValueFrom(source.pipe(operator));
    expect(handler).toHaveBeenCalledTimes(1);
    expect(client.callsTo('responses.retrieveStream')).toEqual([[answered.id, {}]]);
  });

  it('a response that completed without function calls passes through untouched', async () => {
    const client = chain();
    const got = await lastValueFrom(
      of(...textStream).pipe(
        handleFunctionCalls(client, () => 'x'),
        toArray(),
      ),
    );
    expect(got).toEqual(textStream);
    expect(client.calls).toHaveLength(0);
  });

  it('rejects bad handlers and config at call time', () => {
    const client = chain();
    expect(() => handleFunctionCalls(client, null as never)).toThrow(/handlers/);
    expect(() => handleFunctionCalls(client, () => 1, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => handleFunctionCalls(client, () => 1, { onError: 'x' as never })).toThrow(/onError/);
  });
});

describe('handleFunctionCalls (marbles)', () => {
  const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const [created, completed] = asking('resp_a', [{}]) as [ResponseEvent, ResponseEvent];

  it('unsubscribing while a handler runs aborts it and cancels nothing (the response has ended)', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const client = chain(cold('--x', { x: textStream[0] as ResponseEvent }));
      let aborted = false;
      const handler = (_args: unknown, _call: unknown, { signal }: { signal: AbortSignal }) => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        return cold('-----r|', { r: 'late' });
      };
      const source = cold('ab|', { a: created, b: completed });
      expectObservable(
        source.pipe(handleFunctionCalls(client, { get_weather_at_location: handler })),
        '^---!',
      ).toBe('ab', { a: created, b: completed });
      flush();
      expect(aborted).toBe(true);
      expect(client.callsTo('responses.cancel')).toHaveLength(0);
      expect(client.callsTo('responses.createStream')).toHaveLength(0);
    });
  });

  it('unsubscribing while the (background) continuation runs cancels it exactly once; after a watch, never', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const live = new Subject<ResponseEvent>();
      const client = chain(live);
      const source = cold('a-b|', { a: created, b: completed });
      const got$ = source.pipe(handleFunctionCalls(client, () => 'ok'));
      const sub = got$.subscribe();
      flush();
      live.next(textStream[0] as ResponseEvent);
      sub.unsubscribe();
      expect(client.callsTo('responses.cancel')).toEqual([[answered.id]]);
      expectObservable(NEVER).toBe('');
    });
    const live = new Subject<ResponseEvent>();
    const client = mockClient({
      responses: {
        retrieveStream: () => of(...asking('resp_w', [{}])),
        createStream: () => live,
        cancel: (id) => of({ ...answered, id, status: 'cancelled' as const }),
      },
    });
    const sub = watchResponse(client, { responseId: 'resp_w' })
      .pipe(handleFunctionCalls(client, () => 'ok'))
      .subscribe();
    live.next(textStream[0] as ResponseEvent);
    sub.unsubscribe();
    expect(client.callsTo('responses.createStream')).toHaveLength(1);
    expect(client.callsTo('responses.cancel')).toHaveLength(0);
  });
});
