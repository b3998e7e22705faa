import fc from 'fast-check';
import { from, lastValueFrom, type Observable, toArray } from 'rxjs';
import type { FetchFunction } from '../../src/client/fetchClient';
import { AssistantsError } from '../../src/errors/AssistantsError';
import type { RunEvent } from '../../src/events/RunEvent';
import { RUN_EVENT_NAMES } from '../../src/events/RunEvent';
import { finalMessages } from '../../src/operators/finalMessages';
import { runState } from '../../src/operators/runState';
import { textDeltas } from '../../src/operators/textDeltas';
import { toolCalls } from '../../src/operators/toolCalls';
import { seeded } from '../helpers/seeded';
import { writeSummary } from './harness';

/**
 * Arbitraries and probes for the hostile-input properties: SSE bodies built from arbitrary frames
 * and bytes, JSON payloads with `__proto__`/`constructor` keys and absurd indices, a fake `fetch`,
 * and checks that the process stayed healthy.
 */

/** Runs per property (`CHAOS_FC_RUNS`); the seed is fixed unless `FC_SEED` says otherwise (see `seeded`). */
export const FC_RUNS = Number(process.env['CHAOS_FC_RUNS'] ?? 200);
export const fcParams = <T>(): fc.Parameters<T> => seeded<T>(FC_RUNS);

const encoder = new TextEncoder();

/** A byte stream handing out `chunks` one per pull; counts what was pulled, and whether it was cancelled. */
export function chunked(chunks: readonly Uint8Array[]) {
  const stats = { pulled: 0, cancelled: false };
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk === undefined) controller.close();
      else {
        stats.pulled += chunk.byteLength;
        controller.enqueue(chunk);
      }
    },
    cancel() {
      stats.cancelled = true;
    },
  });
  return { body, stats };
}

/** Splits bytes at the given fractions (sorted, deduplicated), so cuts may land inside UTF-8 sequences. */
export function splitAt(bytes: Uint8Array, fractions: readonly number[]): Uint8Array[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    if (p <= start || p >= bytes.length) continue;
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Keys that attack the prototype chain, and keys the reducer reads. */
const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'polluted',
  'toString',
  'hasOwnProperty',
  'index',
  'id',
  'type',
  'text',
  'value',
  'content',
  'delta',
  'status',
  'step_details',
  'tool_calls',
  'function',
  'arguments',
  'annotations',
  'metadata',
];

/** Numbers as JSON text, absurd ones included (`1e400` parses to Infinity). */
const NUMBERS = [
  '-1',
  '0',
  '1',
  '1.5',
  '-0',
  '1e9',
  '4294967296',
  '9007199254740993',
  '1e21',
  '1e400',
  '-1e400',
];

type Tie = (key: string) => fc.Arbitrary<string>;

/** JSON text of hostile values: objects with the keys above, absurd numbers, nested a few levels. */
export const hostileJson: fc.Arbitrary<string> = fc.letrec<{ value: string; object: string; array: string }>(
  (tie: Tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(
        ...NUMBERS,
        'null',
        'true',
        '"x"',
        '""',
        '"__proto__"',
        '"thread.run.completed"',
        '"text"',
      ),
      fc.string().map((s) => JSON.stringify(s)),
      tie('object'),
      tie('array'),
    ),
    object: fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie('value')), {
        maxLength: 6,
      })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    array: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
  }),
).object;

/** An index as JSON text: small, negative, huge, fractional, not a number. */
export const hostileIndex: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NUMBERS, '"0"', 'null', '[]', '{}'),
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.integer().map(String),
);

/** Event data shaped like the real thing, with hostile parts where the reducer looks. */
export const hostileEventData: fc.Arbitrary<{ event: string; data: string }> = fc.oneof(
  fc.record({
    event: fc.constant('thread.message.delta'),
    data: fc
      .tuple(hostileIndex, hostileJson, hostileIndex, fc.string({ maxLength: 8 }))
      .map(
        ([i, extra, j, text]) =>
          `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":${i},"type":"text","text":{"value":${JSON.stringify(text)},"annotations":[{"index":${j},"type":"file_citation","__proto__":{"polluted":1},"file_citation":{"file_id":"f","__proto__":{"polluted":2}}}]}},${extra}],"__proto__":{"polluted":3}}}`,
      ),
  }),
  fc.record({
    event: fc.constant('thread.run.step.delta'),
    data: fc
      .tuple(hostileIndex, hostileJson)
      .map(
        ([i, extra]) =>
          `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":${i},"id":"call_1","type":"function","function":{"name":"f","arguments":"{","__proto__":{"polluted":4}}},${extra}]}}}`,
      ),
  }),
  fc.record({
    event: fc.constantFrom(...RUN_EVENT_NAMES, 'thread.run.unknown'),
    data: fc
      .tuple(hostileJson, fc.constantFrom('queued', 'in_progress', 'completed', 'requires_action', 'bogus'))
      .map(
        ([extra, status]) =>
          `{"id":"run_1","thread_id":"thread_1","run_id":"run_1","status":"${status}","metadata":{"__proto__":{"polluted":5}},"constructor":{"prototype":{"polluted":6}},"content":${extra},"step_details":${extra},"required_action":${extra}}`,
      ),
  }),
  fc.record({ event: fc.constantFrom(...RUN_EVENT_NAMES), data: hostileJson }),
);

/** One SSE frame as text, with the noise a server or proxy may add. */
export const hostileFrame: fc.Arbitrary<string> = fc
  .record({
    kind: fc.constantFrom('event', 'event', 'event', 'name', 'noise'),
    event: hostileEventData,
    name: fc.oneof(
      fc.constantFrom('done', 'error', 'ping', '', 'thread.', 'thread.message.delta', 'thread.x'),
      fc.string({ maxLength: 10 }),
    ),
    data: fc.oneof(fc.json(), fc.string({ maxLength: 20 }), fc.constant('[DONE]'), hostileJson),
    extra: fc.constantFrom(
      '',
      'id: 7\n',
      'retry: 10\n',
      'retry: x\n',
      ': keep-alive\n',
      'unknown: y\n',
      'data\n',
    ),
    noise: fc.string({ maxLength: 30 }),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
  })
  .map(({ kind, event, name, data, extra, noise, eol }) => {
    const frame =
      kind === 'event'
        ? `${extra}event: ${event.event}\ndata: ${event.data}\n\n`
        : kind === 'name'
          ? `event: ${name}\n${extra}data: ${data.replaceAll('\n', '\ndata: ')}\n\n`
          : `${noise}\n\n`;
    return frame.replaceAll('\n', eol);
  });

/** What an Observable did within a deadline. */
export interface Settled<T> {
  values: T[];
  error: unknown;
  outcome: 'complete' | 'error' | 'hung';
}

/** Subscribes, and settles on complete, error, or (unsubscribing) after `limitMs`. */
export function settle<T>(source: Observable<T>, limitMs = 3_000): Promise<Settled<T>> {
  return new Promise((resolve) => {
    const values: T[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const subscription = source.subscribe({
      next: (value) => values.push(value),
      error: (error: unknown) => {
        clearTimeout(timer);
        resolve({ values, error, outcome: 'error' });
      },
      complete: () => {
        clearTimeout(timer);
        resolve({ values, error: undefined, outcome: 'complete' });
      },
    });
    if (subscription.closed) return;
    timer = setTimeout(() => {
      subscription.unsubscribe();
      resolve({ values, error: undefined, outcome: 'hung' });
    }, limitMs);
  });
}

/** A fake `fetch` answering every request with `answer()`. */
export const fakeFetch =
  (answer: (url: string, init: RequestInit) => Response | Promise<Response>): FetchFunction =>
  async (url, init) =>
    answer(url, init);

/** An SSE answer with this body. */
export const sseResponse = (body: ReadableStream<Uint8Array>): Response =>
  new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });

/** Runs every collector over the events; resolves with the first error any of them raised. */
export async function collectorsError(events: readonly RunEvent[]): Promise<unknown> {
  const all = [
    from(events).pipe(runState(), toArray()),
    from(events).pipe(finalMessages()),
    from(events).pipe(toolCalls(), toArray()),
    from(events).pipe(textDeltas(), toArray()),
  ];
  for (const collector of all) {
    try {
      await lastValueFrom(collector as Observable<unknown>);
    } catch (error) {
      return error;
    }
  }
  return undefined;
}

/** Paths of objects (in a value) whose prototype is not Object.prototype, Array.prototype or null. */
export function foreignPrototypes(
  value: unknown,
  path = '$',
  seen = new Set<unknown>(),
  out: string[] = [],
): string[] {
  if (typeof value !== 'object' || value === null || seen.has(value) || out.length > 5) return out;
  seen.add(value);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) out.push(path);
  for (const key of Object.keys(value))
    foreignPrototypes((value as Record<string, unknown>)[key], `${path}.${key}`, seen, out);
  return out;
}

/** Own property names of the built-in prototypes, to compare before and after. */
export const prototypeKeys = (): string =>
  JSON.stringify(
    [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) =>
      Object.getOwnPropertyNames(p).sort(),
    ),
  );

/** `true` when nothing polluted the global prototypes. */
export const pristine = (before: string): boolean =>
  prototypeKeys() === before &&
  ({} as Record<string, unknown>)['polluted'] === undefined &&
  ([] as unknown as Record<string, unknown>)['polluted'] === undefined;

/** Uncaught exceptions and unhandled rejections while `run` runs (none may happen). */
export async function withoutStrayErrors<T>(run: () => Promise<T>): Promise<{ result: T; stray: unknown[] }> {
  const stray: unknown[] = [];
  const onError = (error: unknown) => stray.push(error);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  try {
    const result = await run();
    // Let late rejections surface.
    await new Promise((resolve) => setImmediate(resolve));
    return { result, stray };
  } finally {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  }
}

/** `error` is one of the library's typed errors (or none). */
export const typedOrNone = (error: unknown): boolean =>
  error === undefined || error instanceof AssistantsError;

/** Tallies outcomes of a property and writes its summary row. */
export class PropertyTally {
  readonly outcomes: Record<string, number> = {};
  private readonly started = performance.now();
  constructor(
    readonly row: string,
    readonly scenario: string,
  ) {}
  add(outcome: string): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }
  write(checks: Record<string, string>): void {
    const runs = Object.values(this.outcomes).reduce((a, b) => a + b, 0);
    writeSummary({
      row: this.row,
      scenario: this.scenario,
      file: 'test/chaos/hostile.test.ts',
      seeds: runs,
      outcomes: this.outcomes,
      metrics: {},
      failures: [],
      checks,
      slowest: { seed: 0, ms: 0 },
      durationMs: Math.round(performance.now() - this.started),
      finishedAt: new Date().toISOString(),
    });
  }
}
