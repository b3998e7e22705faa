import fc from 'fast-check';
import { concat, from, type Observable, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { AssistantsError } from '../../src/errors/AssistantsError';
import { RunStreamError } from '../../src/errors/StreamErrors';
import { RUN_EVENT_NAMES, type RunEvent } from '../../src/events/RunEvent';
import type { ErrorPayload } from '../../src/events/types';
import { toServerSentEvents } from '../../src/relay/toServerSentEvents';
import { eventBuilders } from '../../src/testing';
import { readFixture, referenceEvents, sseFixtures } from '../helpers/fixtures';
import { seeded } from '../helpers/seeded';
import { expectSameAtAnyCut, readBack, readChunks, relayBytes, text, utf8, viaJson } from './helpers';

/**
 * events → toServerSentEvents → bytes cut anywhere → fromServerSentEvents → the same events, and
 * the same error, for generated runs and for every recorded stream.
 */

// Strings that stress the format: line breaks, SSE syntax inside data, citations, emoji, U+2028.
const tricky = fc.constantFrom(
  '【4:0†source】',
  '😀👩‍👩‍👧 done',
  'line\nbreak',
  'cr\r\nlf\r',
  '\n\nevent: done\ndata: [DONE]\n\n',
  'data: {"x":1}',
  ': keep-alive',
  '\u2028\u2029',
  '\ud800 lone surrogate',
  '',
);
const anyString = fc.oneof(fc.string({ unit: 'binary' }), tricky);
const payload = fc.dictionary(
  anyString,
  fc.oneof(anyString, fc.jsonValue(), fc.array(fc.dictionary(anyString, fc.jsonValue()), { maxLength: 3 })),
  { maxKeys: 6 },
);
const eventName = fc.oneof(
  fc.constantFrom(...RUN_EVENT_NAMES),
  // Names this version does not know pass through unchanged.
  fc.stringMatching(/^[a-z_]{1,12}(\.[a-z_]{1,12}){0,2}$/).map((rest) => `thread.${rest}`),
);
// A known event carries the fields its payload must have (the reading side checks them, see
// src/events/shapes.ts), over random extra fields; an unknown one carries anything.
const runEvent = fc.record({ event: eventName, data: payload }).map(({ event, data }) => {
  const build = (eventBuilders as Record<string, (() => RunEvent) | undefined>)[event];
  return { event, data: build === undefined ? data : { ...data, ...build().data } } as unknown as RunEvent;
});

/** How a generated run ends, and what the reading side must see. */
type Ending = { kind: 'complete' } | { kind: 'error'; error: unknown; expected: ErrorPayload };
const ending: fc.Arbitrary<Ending> = fc.oneof(
  fc.constant<Ending>({ kind: 'complete' }),
  fc
    .record({ message: anyString, code: fc.option(fc.string(), { nil: null }) })
    .map((p): Ending => ({ kind: 'error', error: new RunStreamError(p), expected: p })),
  fc.record({ status: fc.integer({ min: 400, max: 599 }), message: anyString, code: fc.string() }).map(
    ({ status, message, code }): Ending => ({
      kind: 'error',
      error: new AssistantsApiError({
        status,
        method: 'POST',
        url: 'https://internal.example/v1/threads/thread_1/runs',
        message,
        code,
        type: 'invalid_request_error',
        param: null,
        body: { error: { message, code, type: 'invalid_request_error', param: null } },
      }),
      expected: { message, status, code, type: 'invalid_request_error' } as ErrorPayload,
    }),
  ),
  anyString.map((message): Ending => ({ kind: 'error', error: new Error(message), expected: { message } })),
);

const source = (events: RunEvent[], end: Ending): Observable<RunEvent> =>
  end.kind === 'complete'
    ? from(events)
    : concat(
        from(events),
        throwError(() => end.error),
      );

describe('relay round trip', () => {
  it('gives back the same events and the same error, however the bytes are cut (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(runEvent, { maxLength: 12 }),
        ending,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }),
        async (events, end, fractions) => {
          const bytes = await relayBytes(source(events, end));
          const cuts = fractions.map((f) => Math.floor(f * bytes.length));
          const outcome = await readBack(bytes, cuts);

          expect(outcome.events).toEqual(events.map(viaJson));
          if (end.kind === 'complete') {
            expect(outcome.error).toBeUndefined();
          } else {
            expect(outcome.error).toBeInstanceOf(RunStreamError);
            expect((outcome.error as RunStreamError).payload).toEqual(end.expected);
          }
        },
      ),
      seeded(300),
    );
  });

  it('keeps every event before an error of any type, and never sends a stack trace', async () => {
    const events = [
      { event: 'thread.run.created', data: { id: 'run_1', thread_id: 'thread_1', status: 'queued' } },
      { event: 'thread.message.delta', data: { id: 'msg_1', delta: { content: [] } } },
    ] as RunEvent[];
    const secret = new Error('database password rejected');
    for (const [error, expected] of [
      [
        new RunStreamError({ message: 'server_error', code: 'server_error' }),
        { message: 'server_error', code: 'server_error' },
      ],
      [secret, { message: 'database password rejected' }],
      ['plain string', { message: 'plain string' }],
      [{ weird: true }, { message: 'The run failed.' }],
      [new AssistantsError('timed out'), { message: 'timed out' }],
    ] as const) {
      const bytes = await relayBytes(
        concat(
          from(events),
          throwError(() => error),
        ),
      );
      expect(text(bytes)).not.toContain(' at ');
      const outcome = await readBack(bytes, []);
      expect(outcome.events).toEqual(events);
      expect(outcome.error).toBeInstanceOf(RunStreamError);
      expect((outcome.error as RunStreamError).payload).toEqual(expected);
    }
  });

  it('sends the server message of an API error, not the backend URL', async () => {
    const error = new AssistantsApiError({
      status: 400,
      method: 'POST',
      url: 'https://secret-resource.openai.azure.com/openai/threads/t/runs?api-version=x',
      message: "Can't add messages to thread_1 while a run run_1 is active.",
      code: null,
      type: 'invalid_request_error',
      param: null,
      body: {
        error: {
          message: "Can't add messages to thread_1 while a run run_1 is active.",
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      },
    });
    const bytes = await relayBytes(throwError(() => error));
    expect(text(bytes)).toBe(
      'event: error\ndata: {"message":"Can\'t add messages to thread_1 while a run run_1 is active.","status":400,"type":"invalid_request_error"}\n\n',
    );
    expect(text(bytes)).not.toContain('secret-resource');
  });
});

/** A fixture body with each JSON `data:` line re-serialised by `JSON.stringify` (`1.0` → `1`). */
const reserialised = (sse: string): string =>
  sse.replace(/^data: (.+)$/gm, (line, data: string) =>
    data === '[DONE]' ? line : `data: ${JSON.stringify(JSON.parse(data))}`,
  );

describe.each(sseFixtures())('relay of the recorded stream %s', (name) => {
  const body = readFixture('sse', name);
  const events = referenceEvents(body);

  it('writes the API’s own bytes, frame for frame, one chunk per event', async () => {
    const chunks = await readChunks(toServerSentEvents(from(events), { keepAliveMs: false }));
    expect(chunks).toHaveLength(events.length + 1);
    expect(chunks.map(text).join('')).toBe(reserialised(body));
  });

  it('reads back the same events cut one byte at a time and at random places', async () => {
    await expectSameAtAnyCut(await relayBytes(from(events)), readBack, { events });
  });

  it('reads the original recorded bytes the same way (the relay is transparent)', async () => {
    expect(await readBack(utf8(body), [])).toEqual({ events });
  });
});
