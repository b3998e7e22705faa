import { concat, lastValueFrom, type Observable, of, Subject, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { AssistantsApiError } from '../../../src/errors/AssistantsApiError';
import { StreamDisconnectedError } from '../../../src/errors/StreamErrors';
import type { ResponseEvent } from '../../../src/responses/ResponseEvent';
import { cancelResponse } from '../../../src/responses/sources/cancelResponse';
import { createResponse } from '../../../src/responses/sources/createResponse';
import { watchResponse } from '../../../src/responses/sources/watchResponse';
import type { ResponseObject } from '../../../src/responses/types';
import { mockClient } from '../../../src/testing/mockClient';
import { finalOf, recordedStreams, STREAMED_RECORDINGS } from '../../helpers/responsesFixtures';

const cut = (message = 'cut') => new StreamDisconnectedError(message, 10);

/** The final output text of a response: its output_text parts, in order. */
const textOf = (response: ResponseObject): string =>
  response.output
    .flatMap((item) =>
      item.type === 'message' ? (item as { content: { type: string; text?: string }[] }).content : [],
    )
    .map((part) => (part.type === 'output_text' ? (part.text ?? '') : ''))
    .join('');

const deltasOf = (events: readonly ResponseEvent[]): string =>
  events.map((e) => (e.type === 'response.output_text.delta' ? e.delta : '')).join('');

const sequences = (events: readonly ResponseEvent[]) =>
  events.map((e) => e.sequence_number).filter((n): n is number => typeof n === 'number');

/** A backend for one recorded stream: the create stream cut after `k` events, re-attaches from the log. */
interface BackendOptions {
  ignoreCursor?: boolean;
  refuse?: boolean;
  createStream?: () => Observable<ResponseEvent>;
  retrieveStream?: (id: string, query?: { starting_after?: number | undefined }) => Observable<ResponseEvent>;
}

function backend(events: ResponseEvent[], k: number, options: BackendOptions = {}) {
  const final = finalOf(events);
  return mockClient({
    responses: {
      createStream:
        options.createStream ??
        (() =>
          concat(
            of(...events.slice(0, k)),
            throwError(() => cut()),
          )),
      retrieveStream:
        options.retrieveStream ??
        ((_id, query) => {
          if (options.refuse) {
            return throwError(
              () =>
                new AssistantsApiError({
                  status: 400,
                  method: 'GET',
                  url: '/responses/x',
                  message: 'too old',
                }),
            );
          }
          const after = query?.starting_after ?? -1;
          return of(...events.filter((e) => options.ignoreCursor || (e.sequence_number ?? -1) > after));
        }),
      retrieve: () => of(final),
      cancel: () => of({ ...final, status: 'cancelled' as const }),
    },
  });
}

describe.each(STREAMED_RECORDINGS)('createResponse over the recorded %s stream', (name) => {
  const events = recordedStreams(name)[0] as ResponseEvent[];
  const final = finalOf(events);

  it('emits every frame and completes after the terminal event, sending background: true', async () => {
    const client = backend(events, 0, { createStream: () => of(...events) });
    const got = await lastValueFrom(createResponse(client, { model: 'm', input: 'hi' }).pipe(toArray()));
    expect(got).toEqual(events);
  });

  it.each([false, true])(
    'cut at every frame boundary re-attaches from the cursor (server ignores cursor: %s)',
    async (ignoreCursor) => {
      for (let k = 1; k < events.length; k++) {
        const client = backend(events, k, { ignoreCursor });
        const got = await lastValueFrom(createResponse(client, { model: 'm', input: 'hi' }).pipe(toArray()));
        const seq = sequences(got);
        expect(new Set(seq).size, `cut ${k}`).toBe(seq.length);
        expect(finalOf(got)).toEqual(final);
        expect(deltasOf(got)).toBe(deltasOf(events));
        expect(client.callsTo('responses.retrieveStream')[0]).toEqual([
          final.id,
          { starting_after: events[k - 1]?.sequence_number },
        ]);
        expect(client.callsTo('responses.createStream')).toHaveLength(1);
        expect(client.callsTo('responses.cancel')).toHaveLength(0);
      }
    },
  );

  it('polls when re-attaching is refused, and the text deltas still add up to the final text', async () => {
    for (let k = 1; k < events.length; k++) {
      const client = backend(events, k, { refuse: true });
      const got = await lastValueFrom(
        createResponse(client, { model: 'm', input: 'hi' }, { poll: { intervalMs: 0 } }).pipe(toArray()),
      );
      expect(got.at(-1)?.type).toBe('response.completed');
      expect(deltasOf(got)).toBe(textOf(final));
      expect(client.callsTo('responses.retrieve').length).toBeGreaterThan(0);
    }
  });
});

describe('createResponse', () => {
  const events = recordedStreams('StreamingResponses')[0] as ResponseEvent[];
  const final = finalOf(events);

  it('re-attaches again when a resumed stream ends early, with the new cursor', async () => {
    let attach = 0;
    const client = backend(events, 3, {
      retrieveStream: (_id, query) => {
        attach++;
        const after = query?.starting_after ?? -1;
        const rest = events.filter((e) => (e.sequence_number ?? -1) > after);
        return attach === 1
          ? concat(
              of(...rest.slice(0, 2)),
              throwError(() => cut()),
            )
          : of(...rest);
      },
    });
    const got = await lastValueFrom(createResponse(client, { model: 'm', input: 'hi' }).pipe(toArray()));
    expect(got).toEqual(events);
    expect(client.callsTo('responses.retrieveStream').map(([, q]) => q?.starting_after)).toEqual([
      events[2]?.sequence_number,
      events[4]?.sequence_number,
    ]);
  });

  it('a stream cut before the response id is known is a typed error, and nothing is re-created', async () => {
    const client = backend(events, 0);
    await expect(lastValueFrom(createResponse(client, { model: 'm', input: 'hi' }))).rejects.toBeInstanceOf(
      StreamDisconnectedError,
    );
    expect(client.callsTo('responses.createStream')).toHaveLength(1);
    expect(client.callsTo('responses.create')).toHaveLength(0);
  });

  it('poll mode synthesises the same collectors: created, the text as one delta, completed', async () => {
    const queued: ResponseObject = { ...final, status: 'queued', output: [] };
    const answers = [{ ...final, status: 'in_progress' as const, output: [] }, final];
    const client = mockClient({
      responses: { create: () => of(queued), retrieve: () => of(answers.shift() ?? final) },
    });
    const got = await lastValueFrom(
      createResponse(client, { model: 'm', input: 'hi' }, { mode: 'poll', poll: { intervalMs: 0 } }).pipe(
        toArray(),
      ),
    );
    expect(got.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(deltasOf(got)).toBe(textOf(final));
    expect(finalOf(got)).toEqual(final);
    expect(client.callsTo('responses.create')[0]?.[0]).toMatchObject({ background: true });
  });

  it('unsubscribing before the end cancels exactly once; after the end, never', async () => {
    const live = new Subject<ResponseEvent>();
    const client = backend(events, 1, { createStream: () => live });
    const sub = createResponse(client, { model: 'm', input: 'hi' }).subscribe();
    live.next(events[0] as ResponseEvent);
    sub.unsubscribe();
    expect(client.callsTo('responses.cancel')).toEqual([[final.id]]);

    const done = backend(events, 1, { createStream: () => of(...events) });
    createResponse(done, { model: 'm', input: 'hi' }).subscribe().unsubscribe();
    expect(done.callsTo('responses.cancel')).toHaveLength(0);
  });

  it('background: false: no re-attach (a cut is a typed error), no cancel, and poll mode refused', async () => {
    const client = backend(events, 3);
    await expect(
      lastValueFrom(createResponse(client, { model: 'm', input: 'hi', background: false })),
    ).rejects.toBeInstanceOf(StreamDisconnectedError);
    expect(client.callsTo('responses.retrieveStream')).toHaveLength(0);
    expect(() => createResponse(client, { model: 'm', background: false }, { mode: 'poll' })).toThrow(
      /background/,
    );
    expect(() => createResponse(client, { model: 'm', store: false })).toThrow(/stored/);
    expect(() => createResponse(client, { model: 'm', mode: 'poll' } as never)).toThrow(/third argument/);
  });

  it('drops events of another response and replays at or below the cursor', async () => {
    const foreign = {
      ...events[1],
      response: { ...final, id: 'resp_other', status: 'completed' },
    } as ResponseEvent;
    const first = events[0] as ResponseEvent;
    const client = backend(events, 0, { createStream: () => of(first, foreign, first, ...events.slice(1)) });
    const got = await lastValueFrom(createResponse(client, { model: 'm', input: 'hi' }).pipe(toArray()));
    expect(got).toEqual(events);
  });
});

describe('watchResponse', () => {
  const events = recordedStreams('StreamingResponses')[0] as ResponseEvent[];
  const final = finalOf(events);

  it('attaches from startingAfter and never cancels by default', () => {
    const live = new Subject<ResponseEvent>();
    const client = backend(events, 0, { retrieveStream: () => live });
    const got: ResponseEvent[] = [];
    const sub = watchResponse(client, { responseId: final.id, startingAfter: 4 }).subscribe((e) =>
      got.push(e),
    );
    for (const e of events) live.next(e);
    expect(got).toEqual(events.filter((e) => (e.sequence_number ?? 0) > 4));
    sub.unsubscribe();
    expect(client.callsTo('responses.retrieveStream')).toEqual([[final.id, { starting_after: 4 }]]);
    expect(client.callsTo('responses.cancel')).toHaveLength(0);
  });

  it('polls a response that cannot be streamed, from nothing shown', async () => {
    const client = backend(events, 0, { refuse: true });
    const got = await lastValueFrom(watchResponse(client, { responseId: final.id }).pipe(toArray()));
    expect(deltasOf(got)).toBe(textOf(final));
    expect(got.at(-1)?.type).toBe('response.completed');
  });

  it('rejects bad ids and cursors at call time', () => {
    const client = mockClient({});
    expect(() => watchResponse(client, { responseId: '' })).toThrow(/responseId/);
    expect(() => watchResponse(client, { responseId: 'r', startingAfter: 1.5 })).toThrow(/startingAfter/);
  });
});

describe('cancelResponse', () => {
  const final = finalOf(recordedStreams('StreamingResponses')[0] as ResponseEvent[]);
  it('emits the cancelled response; a 400 on a finished one gives its final state', async () => {
    const cancelled = { ...final, status: 'cancelled' as const };
    const ok = mockClient({ responses: { cancel: () => of(cancelled) } });
    expect(await lastValueFrom(cancelResponse(ok, { responseId: final.id }))).toEqual(cancelled);
    const refused = mockClient({
      responses: {
        cancel: (): Observable<ResponseObject> =>
          throwError(
            () => new AssistantsApiError({ status: 400, method: 'POST', url: '/x', message: 'done' }),
          ),
        retrieve: () => of(final),
      },
    });
    expect(await lastValueFrom(cancelResponse(refused, { responseId: final.id }))).toEqual(final);
  });
});
