import { lastValueFrom, NEVER, type Observable, of, startWith, throwError, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { retryRun } from '../../src/operators/retryRun';
import { RunTimeoutError, runTimeout } from '../../src/operators/runTimeout';
import { textDeltas } from '../../src/operators/textDeltas';
import { ResponseFailedError, throwOnFailure } from '../../src/operators/throwOnFailure';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import type { ResponseObject } from '../../src/responses/types';
import { finalOf, recordedStreams } from '../helpers/responsesFixtures';

const events = recordedStreams('StreamingResponses')[0] as ResponseEvent[];
const final = finalOf(events);
const ended = (response: Partial<ResponseObject>): ResponseEvent =>
  ({ type: `response.${response.status}`, response: { ...final, ...response } }) as ResponseEvent;

describe('the run operators over Responses events', () => {
  it('textDeltas emits the output text deltas, which add up to the final text', async () => {
    const text = (await lastValueFrom(of(...events).pipe(textDeltas(), toArray()))).join('');
    const part = (final.output[0] as { content: { text: string }[] }).content[0]?.text;
    expect(text).toBe(part);
  });

  it('throwOnFailure: a failed, incomplete or cancelled response errors after its event, with the reason', async () => {
    const failed = ended({ status: 'failed', error: { code: 'server_error', message: 'oops' } });
    const got: ResponseEvent[] = [];
    const error = await lastValueFrom(of(events[0] as ResponseEvent, failed).pipe(throwOnFailure()), {
      defaultValue: undefined,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFailedError);
    expect(error).toMatchObject({ status: 'failed', responseId: final.id, error: { code: 'server_error' } });
    expect((error as Error).message).toBe(`Response ${final.id} failed: server_error: oops`);
    const incomplete = ended({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    await expect(lastValueFrom(of(incomplete).pipe(throwOnFailure()))).rejects.toThrow(
      /incomplete: max_output_tokens/,
    );
    await expect(lastValueFrom(of(ended({ status: 'cancelled' })).pipe(throwOnFailure()))).rejects.toThrow(
      /was cancelled/,
    );
    await lastValueFrom(of(...events).pipe(throwOnFailure(), toArray())).then((all) => got.push(...all));
    expect(got).toEqual(events);
  });

  it('runTimeout names the response it timed out', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const source = cold('a', { a: events[0] as ResponseEvent });
      const error = new RunTimeoutError('idle', 3, undefined, undefined, final.id);
      expectObservable(source.pipe(runTimeout({ idle: 3 }))).toBe('a--#', { a: events[0] }, error);
      expect(error.message).toBe(`Response ${final.id} sent no event for 3 ms (runTimeout idle: 3).`);
    });
  });

  it('retryRun retries a response that failed with server_error, not one that failed otherwise', async () => {
    let attempts = 0;
    const source = () => {
      attempts++;
      return attempts === 1
        ? of(ended({ status: 'failed', error: { code: 'server_error', message: 'x' } }))
        : of(...events);
    };
    const { defer } = await import('rxjs');
    const got = await lastValueFrom(defer(source).pipe(retryRun({ delay: 0 }), toArray()));
    expect(attempts).toBe(2);
    expect(got).toEqual(events);
    const invalid = ended({ status: 'failed', error: { code: 'invalid_prompt', message: 'x' } });
    expect(await lastValueFrom(of(invalid).pipe(retryRun({ delay: 0 }), toArray()))).toEqual([invalid]);
    await expect(
      lastValueFrom(throwError(() => new Error('x')).pipe(startWith(invalid), retryRun({ delay: 0 }))),
    ).rejects.toThrow('x');
  });

  it('keeps each family typed through the generic operators', () => {
    const responses$: Observable<ResponseEvent> = of(...events);
    const runs$: Observable<RunEvent> = NEVER;
    expectTypeOf(responses$.pipe(throwOnFailure(), runTimeout({ idle: 1 }), retryRun())).toEqualTypeOf<
      Observable<ResponseEvent>
    >();
    expectTypeOf(runs$.pipe(throwOnFailure(), runTimeout({ idle: 1 }), retryRun())).toEqualTypeOf<
      Observable<RunEvent>
    >();
    expectTypeOf(runs$.pipe(textDeltas())).toEqualTypeOf<Observable<string>>();
  });
});
