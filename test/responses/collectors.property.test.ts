import fc from 'fast-check';
import { from, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { finalResponse } from '../../src/responses/operators/finalResponse';
import { outputText } from '../../src/responses/operators/outputText';
import { responseState } from '../../src/responses/operators/responseState';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import { initialResponseState, type ResponseState } from '../../src/responses/state/ResponseState';
import { reduceResponseState } from '../../src/responses/state/reduceResponseState';
import type { ResponseObject, ResponseOutputItem } from '../../src/responses/types';
import { seeded } from '../helpers/seeded';
import {
  recordedEvents,
  recordedFinalResponse,
  STREAMED_RESPONSES,
  textOfResponse,
} from './recordedResponses';

/**
 * Properties over the real recorded Responses streams (`../shared/fixtures`): replayed and
 * duplicated events, as a resumed stream from a server that ignores the cursor sends them, change
 * nothing; the collectors agree with the recorded terminal response.
 */

const recordings = STREAMED_RESPONSES.map((name) => ({ name, events: recordedEvents(name) }));

function collect<T>(events: readonly ResponseEvent[], op: OperatorFunction<ResponseEvent, T>): T[] {
  const out: T[] = [];
  from(events)
    .pipe(op)
    .subscribe((value) => out.push(value));
  return out;
}

const reduce = (events: readonly ResponseEvent[], from: ResponseState = initialResponseState) =>
  events.reduce(reduceResponseState, from);

/** What the server re-sends: one event again later, or a whole stretch again (a resume that ignored the cursor). */
interface Replay {
  readonly start: number;
  readonly length: number;
  readonly at: number;
}

const replays = fc.array(
  fc.record({
    start: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    length: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 40 })),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  { maxLength: 12 },
);

/**
 * `events` (one response's) with each stretch `[start, start + length)` re-inserted somewhere
 * after its last event, with their sequence numbers, as they were.
 */
function replayed(events: readonly ResponseEvent[], ops: readonly Replay[]): ResponseEvent[] {
  let out = events.slice();
  for (const op of ops) {
    const start = Math.floor(op.start * out.length);
    const end = Math.min(out.length, start + op.length);
    const at = end + Math.floor(op.at * (out.length - end));
    out = [...out.slice(0, at), ...out.slice(start, end), ...out.slice(at)];
  }
  return out;
}

/** The text of a list of output items, as `output_text` reads it. */
const textOfItems = (output: ResponseOutputItem[]): string => textOfResponse({ id: '', output });

const deltaText = (events: readonly ResponseEvent[], type: string): string =>
  events.map((event) => (event.type === type && 'delta' in event ? event.delta : '')).join('');

describe.each(recordings)('$name', ({ events }) => {
  const final: ResponseObject = recordedFinalResponse(events);
  const clean = collect(events, responseState());
  const terminal = events.length - 1;

  it('the deltas add up to the recorded output_text, and so does the state before the terminal event', () => {
    const text = textOfResponse(final);
    expect(deltaText(events, 'response.output_text.delta')).toBe(text);
    expect(textOfItems(reduce(events.slice(0, terminal)).output)).toBe(text);
    const summary = deltaText(events, 'response.reasoning_summary_text.delta');
    const reasoning = final.output.find((item) => item.type === 'reasoning') as
      | { summary: { text: string }[] }
      | undefined;
    expect(summary).toBe(reasoning?.summary.map((part) => part.text).join('') ?? '');
  });

  it('the collectors agree with the recorded terminal response', () => {
    expect(collect(events, outputText())).toEqual([textOfResponse(final)]);
    const [response] = collect(events, finalResponse());
    expect(response).toBe(final);
    const state = clean.at(-1);
    expect(state?.output).toEqual(final.output);
    expect(state?.usage).toEqual(final.usage);
    expect(state?.status).toBe('completed');
    expect(state?.sequenceNumber).toBe(terminal);
  });

  it('replayed events change nothing: the same snapshots, the same results', () => {
    fc.assert(
      fc.property(replays, (ops) => {
        const noisy = replayed(events, ops);
        const snapshots = collect(noisy, responseState());
        expect(snapshots).toEqual(clean);
        expect(
          textOfItems(reduce(noisy.slice(0, noisy.lastIndexOf(events[terminal] as ResponseEvent))).output),
        ).toBe(textOfResponse(final));
        expect(collect(noisy, outputText())).toEqual([textOfResponse(final)]);
        expect(collect(noisy, finalResponse())).toEqual([final]);
      }),
      seeded(100),
    );
  });

  it('unnumbered copies of deltas (a doubled delta) are overruled by the terminal payload', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (picks) => {
        const noisy = events.slice();
        const deltas = events.filter((event) => event.type.endsWith('.delta'));
        for (const pick of picks) {
          const delta = deltas[pick % deltas.length] as ResponseEvent;
          noisy.splice(noisy.indexOf(delta) + 1, 0, {
            ...delta,
            sequence_number: undefined,
          } as ResponseEvent);
        }
        expect(reduce(noisy).output).toEqual(final.output);
        expect(collect(noisy, outputText())).toEqual([textOfResponse(final)]);
        // The property is not vacuous: right after the copy, the state holds that delta twice.
        const delta = deltas[(picks[0] ?? 0) % deltas.length] as ResponseEvent & { delta: string };
        const at = events.indexOf(delta) + 1;
        const doubled = reduce([...events.slice(0, at), { ...delta, sequence_number: undefined }]);
        expect(JSON.stringify(doubled.output)).toContain(
          JSON.stringify(delta.delta + delta.delta).slice(1, -1),
        );
      }),
      seeded(50),
    );
  });
});

describe('a chain of two recorded responses joined by a function-call output', () => {
  const [call, answer] = [recordedEvents(STREAMED_RESPONSES[1]), recordedEvents(STREAMED_RESPONSES[0])];
  const callResponse = recordedFinalResponse(call);
  const finalAnswer = recordedFinalResponse(answer);
  const callId = (callResponse.output[0] as { call_id: string }).call_id;
  const output: ResponseEvent = {
    type: 'response.function_call_output',
    response_id: callResponse.id,
    item: { type: 'function_call_output', call_id: callId, output: '{"temperature":"20C"}' },
  };

  it('shows both turns; the collectors give the last response; replays within each response change nothing', () => {
    const cleanChain = [...call, output, ...answer];
    const clean = collect(cleanChain, responseState());
    fc.assert(
      fc.property(replays, replays, (first, second) => {
        const events = [...replayed(call, first), output, output, ...replayed(answer, second)];
        const snapshots = collect(events, responseState());
        expect(snapshots).toEqual(clean);
        const state = snapshots.at(-1);
        expect(state?.turns.map((turn) => turn.response?.id)).toEqual([callResponse.id]);
        expect(state?.turns[0]?.output).toEqual(callResponse.output);
        expect(state?.toolOutputs).toEqual([
          output.type === 'response.function_call_output' ? output.item : undefined,
        ]);
        expect(state?.done).toBe(true);
        expect(collect(events, outputText())).toEqual([textOfResponse(finalAnswer)]);
        expect(collect(events, finalResponse())).toEqual([finalAnswer]);
      }),
      seeded(100),
    );
    // Between the turns the chain waits on the call, then on the continuation: never done.
    const waiting = collect([...call], responseState()).at(-1);
    expect(waiting?.done).toBe(false);
    expect(waiting?.unansweredCalls.map((c) => c.call_id)).toEqual([callId]);
    const answered = reduce([output], waiting);
    expect(answered.unansweredCalls).toEqual([]);
    expect(answered.done).toBe(false);
  });
});
