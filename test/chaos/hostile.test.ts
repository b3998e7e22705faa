import fc from 'fast-check';
import { firstValueFrom, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type FetchFunction, fetchClient } from '../../src/client/fetchClient';
import { parseEventStream } from '../../src/client/parseEventStream';
import { StreamParseError } from '../../src/errors/StreamErrors';
import type { RunEvent } from '../../src/events/RunEvent';
import { runEventProblem } from '../../src/events/shapes';
import type { Message, RunStep } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import { runState } from '../../src/operators/runState';
import { fromServerSentEvents } from '../../src/relay/fromServerSentEvents';
import { toServerSentEvents } from '../../src/relay/toServerSentEvents';
import {
  chunked,
  collectorsError,
  fakeFetch,
  fcParams,
  foreignPrototypes,
  hostileEventData,
  hostileFrame,
  hostileIndex,
  hostileJson,
  PropertyTally,
  pristine,
  prototypeKeys,
  settle,
  splitAt,
  sseResponse,
  typedOrNone,
  utf8,
  withoutStrayErrors,
} from './hostileKit';
import { activeResources, leakedResources } from './probes';

// Hostile input into the SSE path: arbitrary bytes and frames (parseEventStream, fetchClient with a
// fake fetch, the relay's fromServerSentEvents), prototype-polluting keys, absurd indices, deeply
// nested JSON and a single 20 MB event. Nothing may throw outside the Observable's error channel,
// hang, or pollute a prototype; errors are the library's typed errors; the collectors take whatever
// the parser lets through. The seed is fixed; FC_SEED=random explores, FC_SEED=<seed> replays (CHAOS_FC_RUNS=<n> sets the count).

const DONE = 'event: done\ndata: [DONE]\n\n';
const client = (fetch: FetchFunction, maxEventBytes?: number) =>
  fetchClient({
    baseURL: 'http://127.0.0.1:9/v1',
    apiKey: 'k',
    maxRetries: 0,
    fetch,
    ...(maxEventBytes ? { maxEventBytes } : {}),
  });
const describeError = (error: unknown) =>
  error === undefined ? 'none' : error instanceof Error ? error.name : typeof error;

describe('hostile input (fast-check)', () => {
  it('arbitrary bytes, chunked anywhere, never throw, hang or leave an untyped error', {
    timeout: 120_000,
  }, async () => {
    const tally = new PropertyTally(
      'hostile-bytes',
      'Arbitrary bytes (SSE-like and random), split anywhere → parseEventStream, fromServerSentEvents',
    );
    const before = prototypeKeys();
    const baseline = activeResources();
    const { stray } = await withoutStrayErrors(() =>
      fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.array(hostileFrame, { maxLength: 12 }).map((frames) => utf8(frames.join(''))),
            fc.uint8Array({ maxLength: 600 }),
            fc
              .tuple(fc.array(hostileFrame, { maxLength: 6 }), fc.uint8Array({ maxLength: 40 }))
              .map(([frames, junk]) => Uint8Array.from([...utf8(frames.join('')), ...junk])),
          ),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
          fc.boolean(),
          async (bytes, cuts, viaRelay) => {
            const { body } = chunked(splitAt(bytes, cuts));
            let source: ReturnType<typeof parseEventStream>;
            try {
              source = viaRelay ? fromServerSentEvents(body) : parseEventStream(body);
            } catch (error) {
              throw new Error(`threw at call time: ${String(error)}`);
            }
            const result = await settle(source);
            expect(result.outcome).not.toBe('hung');
            expect(typedOrNone(result.error), String(result.error)).toBe(true);
            for (const event of result.values as RunEvent[]) {
              expect(event.event.startsWith('thread.')).toBe(true);
              expect(
                typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data),
              ).toBe(true);
            }
            expect(await collectorsError(result.values as RunEvent[])).toBeUndefined();
            tally.add(`${result.outcome}${result.error ? ` (${describeError(result.error)})` : ''}`);
          },
        ),
        fcParams(),
      ),
    );
    expect(stray).toEqual([]);
    expect(pristine(before)).toBe(true);
    const leaked = await leakedResources(baseline);
    expect(leaked).toEqual({});
    tally.write({
      'stray errors': String(stray.length),
      'prototypes untouched': String(pristine(before)),
      'handles/timers left': JSON.stringify(leaked),
    });
  });

  it('arbitrary frames through fetchClient never throw outside the error channel, and collectors take every event', {
    timeout: 120_000,
  }, async () => {
    const tally = new PropertyTally(
      'hostile-frames',
      'Arbitrary SSE frames (hostile JSON, odd names, CR/CRLF, noise) → fetchClient stream → every collector',
    );
    const before = prototypeKeys();
    const { stray } = await withoutStrayErrors(() =>
      fc.assert(
        fc.asyncProperty(
          fc.array(hostileFrame, { maxLength: 20 }),
          fc.boolean(),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }),
          async (frames, done, cuts) => {
            const bytes = utf8(frames.join('') + (done ? DONE : ''));
            const answer = () => sseResponse(chunked(splitAt(bytes, cuts)).body);
            const stream = client(fakeFetch(answer)).runs.createStream('thread_1', {
              assistant_id: 'asst_1',
            });
            const result = await settle(stream);
            expect(result.outcome).not.toBe('hung');
            expect(typedOrNone(result.error), String(result.error)).toBe(true);
            const events = result.values;
            expect(await collectorsError(events)).toBeUndefined();
            const state =
              (await firstValueFrom(of(...events).pipe(runState()), { defaultValue: undefined })) ?? {};
            expect(foreignPrototypes(state)).toEqual([]);
            const messages = await firstValueFrom(of(...events).pipe(finalMessages()));
            expect(foreignPrototypes(messages)).toEqual([]);
            tally.add(`${result.outcome}${result.error ? ` (${describeError(result.error)})` : ''}`);
          },
        ),
        fcParams(),
      ),
    );
    expect(stray).toEqual([]);
    expect(pristine(before)).toBe(true);
    tally.write({ 'stray errors': String(stray.length), 'prototypes untouched': String(pristine(before)) });
  });

  it('__proto__ / constructor keys and absurd indices are rejected without harm, in the reducer and the relay', {
    timeout: 120_000,
  }, async () => {
    const tally = new PropertyTally(
      'hostile-payloads',
      '`__proto__`/`constructor` keys and huge, negative, fractional indices in deltas → reducer, collectors, relay round trip',
    );
    const before = prototypeKeys();
    const { stray } = await withoutStrayErrors(() =>
      fc.assert(
        fc.asyncProperty(fc.array(hostileEventData, { minLength: 1, maxLength: 15 }), async (items) => {
          const events = items.flatMap(({ event, data }): RunEvent[] => {
            const parsed: unknown = JSON.parse(data);
            return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
              ? [{ event, data: parsed } as RunEvent]
              : [];
          });
          expect(await collectorsError(events)).toBeUndefined();
          const states = await settle(of(...events).pipe(runState()));
          const last = states.values.at(-1);
          expect(foreignPrototypes(states.values)).toEqual([]);
          // Absurd indices never grow content or tool call lists beyond what the deltas could fill.
          for (const message of (last?.messages ?? []) as Message[])
            expect(message.content.length).toBeLessThanOrEqual(events.length * 2);
          for (const step of (last?.steps ?? []) as RunStep[]) {
            const calls = step.step_details?.type === 'tool_calls' ? step.step_details.tool_calls : [];
            expect(Array.isArray(calls) ? calls.length : 0).toBeLessThanOrEqual(events.length * 2);
          }
          // Through the relay and back: the same events (as JSON), nothing polluted on the way, up
          // to the first frame the reader refuses for lacking what the library relies on (an
          // absurd index, a run without its ids): that one is a StreamParseError.
          const relayed = await settle(
            fromServerSentEvents(toServerSentEvents(of(...events), { keepAliveMs: false })),
          );
          const refused = events.findIndex(({ event, data }) => runEventProblem(event, data) !== undefined);
          if (refused < 0) {
            expect(relayed.outcome).toBe('complete');
            expect(JSON.stringify(relayed.values)).toBe(JSON.stringify(events));
          } else {
            expect(relayed.outcome).toBe('error');
            expect(relayed.error).toBeInstanceOf(StreamParseError);
            expect(JSON.stringify(relayed.values)).toBe(JSON.stringify(events.slice(0, refused)));
          }
          expect(foreignPrototypes(relayed.values)).toEqual([]);
          expect(pristine(before)).toBe(true);
          tally.add(
            refused < 0
              ? 'handled: no pollution, lists bounded, relay round trip equal'
              : 'handled: no pollution, lists bounded, relay round trip equal up to a refused frame (StreamParseError)',
          );
        }),
        fcParams(),
      ),
    );
    expect(stray).toEqual([]);
    tally.write({ 'stray errors': String(stray.length), 'prototypes untouched': String(pristine(before)) });
  });

  it('a delta index of any value never allocates a huge list', async () => {
    await fc.assert(
      fc.asyncProperty(hostileIndex, async (index) => {
        const delta = JSON.parse(
          `{"id":"msg_1","delta":{"content":[{"index":${index},"type":"text","text":{"value":"x"}}]}}`,
        ) as RunEvent['data'];
        const created = {
          event: 'thread.message.created',
          data: { id: 'msg_1', object: 'thread.message', role: 'assistant', content: [] },
        };
        const states = await settle(
          of(created as RunEvent, { event: 'thread.message.delta', data: delta } as RunEvent).pipe(
            runState(),
          ),
        );
        expect(states.outcome).toBe('complete');
        const content = (states.values.at(-1)?.messages[0]?.content ?? []) as unknown[];
        expect(content.length).toBeLessThanOrEqual(1);
      }),
      fcParams(),
    );
  });

  it('deeply nested JSON (100 000 levels) is handled or rejected with a clear error, in the client and the relay', {
    timeout: 60_000,
  }, async () => {
    const before = prototypeKeys();
    const tally = new PropertyTally(
      'hostile-deep-json',
      'Deeply nested JSON (100 000 levels) in a run and a message delta → fetchClient, collectors, relay',
    );
    const depth = 100_000;
    const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const frames = [
      `event: thread.run.created\ndata: {"id":"run_1","thread_id":"thread_1","status":"queued","metadata":${deep}}\n\n`,
      `event: thread.message.delta\ndata: {"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":{"value":"hi","annotations":[${deep}]}}]}}\n\n`,
      DONE,
    ];
    const { result, stray } = await withoutStrayErrors(async () => {
      const stream = client(
        fakeFetch(() => sseResponse(chunked([utf8(frames.join(''))]).body)),
      ).runs.createStream('thread_1', {
        assistant_id: 'a',
      });
      const parsed = await settle(stream);
      const collected = await collectorsError(parsed.values);
      const relayed = await settle(
        fromServerSentEvents(toServerSentEvents(of(...parsed.values), { keepAliveMs: false })),
      );
      return { parsed, collected, relayed };
    });
    expect(stray).toEqual([]);
    expect(result.parsed.outcome).toBe('complete');
    expect(result.parsed.values).toHaveLength(2);
    expect(result.collected).toBeUndefined();
    // The relay cannot serialise it (JSON.stringify has a depth limit): it must say so in the error channel.
    expect(result.relayed.outcome).not.toBe('hung');
    if (result.relayed.outcome === 'error') {
      expect(result.relayed.error).toBeInstanceOf(Error);
      expect(String((result.relayed.error as Error).message)).not.toBe('');
    }
    expect(pristine(before)).toBe(true);
    tally.add(
      `client: ${result.parsed.outcome}, collectors: ok, relay: ${result.relayed.outcome}${result.relayed.error ? ` (${describeError(result.relayed.error)}: ${(result.relayed.error as Error).message.slice(0, 160)})` : ''}`,
    );
    tally.write({ 'stray errors': String(stray.length) });
  });

  it('a single 20 MB event is rejected with StreamParseError under the default limit, accepted under a larger one', {
    timeout: 60_000,
  }, async () => {
    const tally = new PropertyTally(
      'hostile-20mb-event',
      'A single 20 MB event (64 KiB chunks) → fetchClient with maxEventBytes default / 1 MiB / 32 MiB',
    );
    const before = prototypeKeys();
    const first =
      'event: thread.run.created\ndata: {"id":"run_1","thread_id":"thread_1","status":"queued"}\n\n';
    const huge = 'x'.repeat(20 * 1024 * 1024);
    const big = `event: thread.message.delta\ndata: {"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":{"value":"${huge}"}}]}}\n\n`;
    const bytes = utf8(first + big + DONE);
    const chunks = splitAt(
      bytes,
      Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => (i * 65536) / bytes.length),
    );
    const run = async (limit: number | undefined) => {
      const source = chunked(chunks);
      const result = await settle(
        client(
          fakeFetch(() => sseResponse(source.body)),
          limit,
        ).runs.createStream('thread_1', { assistant_id: 'a' }),
        30_000,
      );
      return { result, stats: source.stats };
    };
    const { stray, result } = await withoutStrayErrors(async () => ({
      byDefault: await run(undefined),
      small: await run(1024 * 1024),
      large: await run(32 * 1024 * 1024),
    }));
    expect(stray).toEqual([]);
    for (const [name, { result: r, stats }] of [
      ['default (16 MiB)', result.byDefault],
      ['1 MiB', result.small],
    ] as const) {
      expect(r.outcome, name).toBe('error');
      expect(r.error, name).toBeInstanceOf(StreamParseError);
      expect((r.error as Error).message, name).toMatch(/maxEventBytes/);
      // What arrived before it is not lost, and the rest of the body is not read.
      expect(
        r.values.map((e) => e.event),
        name,
      ).toEqual(['thread.run.created']);
      expect(stats.cancelled, name).toBe(true);
      expect(stats.pulled, name).toBeLessThan(bytes.length);
      tally.add(
        `maxEventBytes ${name}: StreamParseError after ${(stats.pulled / 1048576).toFixed(1)} MiB read, earlier event kept`,
      );
    }
    expect(result.large.result.outcome).toBe('complete');
    expect(result.large.result.values).toHaveLength(2);
    const delta = result.large.result.values[1] as {
      data: { delta: { content: { text: { value: string } }[] } };
    };
    expect(delta.data.delta.content[0]?.text.value.length).toBe(huge.length);
    tally.add('maxEventBytes 32 MiB: accepted, 20 MiB text intact');
    expect(pristine(before)).toBe(true);
    tally.write({ 'stray errors': String(stray.length) });
  });

  it('arbitrary HTTP answers and fetch failures give typed errors, never a throw or a hang', {
    timeout: 120_000,
  }, async () => {
    const tally = new PropertyTally(
      'hostile-http',
      'Arbitrary HTTP answers (status, headers incl. retry-after garbage, body) and fetch rejections → fetchClient',
    );
    const { stray } = await withoutStrayErrors(() =>
      fc.assert(
        fc.asyncProperty(
          fc.constantFrom(200, 201, 204, 302, 400, 401, 404, 409, 429, 500, 503, 599),
          fc.oneof(fc.json(), fc.string({ maxLength: 40 }), hostileJson, fc.constant('')),
          fc.dictionary(
            fc.constantFrom(
              'retry-after',
              'retry-after-ms',
              'x-should-retry',
              'content-type',
              'openai-poll-after-ms',
            ),
            fc.oneof(
              fc.constantFrom(
                '-1',
                '1e400',
                'NaN',
                'abc',
                '0',
                'true',
                'text/event-stream',
                'application/json',
              ),
              fc.string({ maxLength: 10 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
            ),
          ),
          fc.oneof(fc.constant(undefined), fc.anything()),
          fc.constantFrom('retrieve', 'poll', 'stream'),
          async (status, body, headers, thrown, endpoint) => {
            const answer = (): Response => {
              if (thrown !== undefined) throw thrown;
              return new Response(status === 204 ? null : body, { status, headers });
            };
            const c = client(fakeFetch(answer));
            const source =
              endpoint === 'retrieve'
                ? c.runs.retrieve('thread_1', 'run_1')
                : endpoint === 'poll'
                  ? c.runs.poll('thread_1', 'run_1')
                  : c.runs.createStream('thread_1', { assistant_id: 'a' });
            const result = await settle(source as ReturnType<typeof c.runs.retrieve>);
            expect(result.outcome).not.toBe('hung');
            expect(typedOrNone(result.error), String(result.error)).toBe(true);
            tally.add(
              `${endpoint}: ${result.outcome}${result.error ? ` (${describeError(result.error)})` : ''}`,
            );
          },
        ),
        fcParams(),
      ),
    );
    expect(stray).toEqual([]);
    tally.write({ 'stray errors': String(stray.length) });
  });
});
