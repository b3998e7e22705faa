import { from, lastValueFrom, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { AssistantsError } from '../../src/errors/AssistantsError';
import { finalResponse, NoResponseEventError } from '../../src/responses/operators/finalResponse';
import { outputText } from '../../src/responses/operators/outputText';
import { responseState } from '../../src/responses/operators/responseState';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import { initialResponseState } from '../../src/responses/state/ResponseState';
import { reduceResponseState } from '../../src/responses/state/reduceResponseState';
import {
  argsDelta,
  functionCall,
  itemAdded,
  itemDone,
  lifecycle,
  message,
  partAdded,
  response,
  streamedMessage,
  textDelta,
  toolOutput,
} from './state/events';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const a = lifecycle('response.created', 'in_progress', 0);
const b = itemAdded(0, message(undefined, 'in_progress'), 1);
const c = partAdded(0, 2);
const d = textDelta('Hel', 3);
const e = textDelta('lo', 4);
const k: ResponseEvent = { type: 'keepalive' };
const z = lifecycle('response.completed', 'completed', 5, { output: [message('Hello')] });
const sA = reduceResponseState(initialResponseState, a);
const sB = reduceResponseState(sA, b);
const sC = reduceResponseState(sB, c);
const sD = reduceResponseState(sC, d);
const sE = reduceResponseState(sD, e);
const sZ = reduceResponseState(sE, z);

/** A chain: a response that calls a function, the submitted output, the continuation. */
const chain: ResponseEvent[] = [
  lifecycle('response.created', 'in_progress', 0),
  itemAdded(0, functionCall('', 'in_progress'), 1),
  argsDelta('{}', 2),
  itemDone(0, functionCall('{}'), 3),
  lifecycle('response.completed', 'completed', 4, { output: [functionCall('{}')] }),
  toolOutput('call_1', 'sunny'),
  ...streamedMessage(['It is ', 'sunny'], 'resp_2', 'msg_2'),
];

describe('responseState()', () => {
  it('emits a snapshot after every event that changed something', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold('  k-a-b-c-d-e-e-k-z|', { a, b, c, d, e, k, z });
      const expected = '    --s-t-u-v-w-----x|';
      expectObservable(events.pipe(responseState())).toBe(expected, {
        s: sA,
        t: sB,
        u: sC,
        v: sD,
        w: sE,
        x: sZ,
      });
      expectSubscriptions(events.subscriptions).toBe('^----------------!');
    });
    expect(sE.output[0]).toMatchObject({ content: [{ text: 'Hello' }] });
    expect(sZ).toMatchObject({ status: 'completed', done: true });
  });

  it('starts from the initial state again for each subscription', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const state$ = cold('-a-d|', { a, d }).pipe(responseState());
      const sAD = reduceResponseState(sA, d);
      expectObservable(state$).toBe('-s-t|', { s: sA, t: sAD });
      expectObservable(state$).toBe('-s-t|', { s: sA, t: sAD });
    });
  });

  it('passes errors through and stops at unsubscription', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-a-#', { a }, new Error('cut'));
      expectObservable(failing.pipe(responseState())).toBe('-s-#', { s: sA }, new Error('cut'));
      const endless = cold('-a-b-c-d-', { a, b, c, d });
      expectObservable(endless.pipe(responseState()), '^--!').toBe('-s-', { s: sA });
      expectSubscriptions(endless.subscriptions).toBe('^--!');
    });
  });

  it('turns an event it cannot read (a throwing getter) into an error notification', () => {
    const hostile = {
      get type(): string {
        throw new Error('no type');
      },
    } as unknown as ResponseEvent;
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold('-a-h-b|', { a, h: hostile, b });
      expectObservable(events.pipe(responseState())).toBe('-s-#', { s: sA }, new Error('no type'));
      expectSubscriptions(events.subscriptions).toBe('^--!');
    });
  });
});

describe('outputText()', () => {
  it('emits the terminal response’s text once, at completion', () => {
    scheduler().run(({ cold, expectObservable }) => {
      // The doubled delta (no sequence number) is overruled by the terminal payload.
      const events = cold('-a-b-c-d-e-f-z|', { a, b, c, d, e, f: textDelta('lo'), z });
      expectObservable(events.pipe(outputText())).toBe('--------------(t|)', { t: 'Hello' });
    });
  });

  it('falls back to the built text when no terminal payload carries output', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a-b-c-d-e|', { a, b, c, d, e });
      expectObservable(events.pipe(outputText())).toBe('----------(t|)', { t: 'Hello' });
      const cancelled = cold('-d-e-x|', { d, e, x: lifecycle('response.cancelled', 'cancelled') });
      expectObservable(cancelled.pipe(outputText())).toBe('------(t|)', { t: 'Hello' });
    });
  });

  it('gives the last response of a chain', async () => {
    expect(await lastValueFrom(from(chain).pipe(outputText()))).toBe('It is sunny');
  });

  it('joins the output_text parts of every message in order, and nothing else', async () => {
    const completed = lifecycle('response.completed', 'completed', 0, {
      output: [
        {
          id: 'msg_1',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [
            { type: 'output_text', text: 'A' },
            { type: 'refusal', refusal: 'no' },
            { type: 'output_text', text: 'B' },
          ],
        },
        functionCall('{}'),
        message('C', 'completed', 'msg_2'),
      ],
    });
    expect(await lastValueFrom(of(completed).pipe(outputText()))).toBe('ABC');
  });

  it('emits an empty string when there is no text', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-k|', { k }).pipe(outputText())).toBe('--(t|)', { t: '' });
    });
  });
});

describe('finalResponse()', () => {
  it('emits the terminal response as its event carried it', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('-a-b-c-d-e-z|', { a, b, c, d, e, z });
      expectObservable(events.pipe(finalResponse())).toBe('------------(r|)', {
        r: z.type === 'response.completed' ? z.response : undefined,
      });
    });
  });

  it('gives the last response of a chain, ignoring a late replay of an earlier one', async () => {
    const last = chain.at(-1);
    const final = await lastValueFrom(from([...chain, chain[4] as ResponseEvent]).pipe(finalResponse()));
    expect(final).toBe(last?.type === 'response.completed' ? last.response : undefined);
    expect(final.id).toBe('resp_2');
  });

  it('gives a cancelled response (the library’s response.cancelled)', () => {
    const cancelled = lifecycle('response.cancelled', 'cancelled', 6);
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-x|', { a, x: cancelled }).pipe(finalResponse())).toBe('----(r|)', {
        r: response('cancelled'),
      });
    });
  });

  it('errors with NoResponseEventError when the last response is not terminal', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-d-|', { d }).pipe(finalResponse())).toBe(
        '---#',
        undefined,
        expect.any(NoResponseEventError),
      );
      expectObservable(cold('-a-d-|', { a, d }).pipe(finalResponse())).toBe(
        '-----#',
        undefined,
        expect.objectContaining({
          name: 'NoResponseEventError',
          responseId: 'resp_1',
          status: 'in_progress',
        }),
      );
    });
    const error = new NoResponseEventError(undefined, 'pending');
    expect(error).toBeInstanceOf(AssistantsError);
    expect(error.message).toMatch(/without any lifecycle event/);
  });
});

describe('responseState({ pace })', () => {
  it("paces snapshots like runState's option, always delivering the last one", async () => {
    const { lastValueFrom, of, toArray } = await import('rxjs');
    const { responseState } = await import('../../src/responses/operators/responseState');
    const { recordedStreams } = await import('../helpers/responsesFixtures');
    const events = recordedStreams('StreamingResponses')[0] ?? [];
    const every = await lastValueFrom(of(...events).pipe(responseState(), toArray()));
    const framed = await lastValueFrom(of(...events).pipe(responseState({ pace: 'frame' }), toArray()));
    expect(framed).toHaveLength(1); // a synchronous source: only the last snapshot
    expect(framed[0]).toEqual(every.at(-1));
    expect(() => responseState({ pace: 'sometimes' as never })).toThrow(/responseState: pace must be/);
  });
});
