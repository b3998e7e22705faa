import fc from 'fast-check';
import { config, from, lastValueFrom, type Observable, of, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssistantsError } from '../../src/errors/AssistantsError';
import type { RunEvent } from '../../src/events/RunEvent';
import { finalMessages } from '../../src/operators/finalMessages';
import { finalRun } from '../../src/operators/finalRun';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import { runState } from '../../src/operators/runState';
import { runStatus } from '../../src/operators/runStatus';
import { runTimeout } from '../../src/operators/runTimeout';
import { textDeltas } from '../../src/operators/textDeltas';
import { throwOnFailure } from '../../src/operators/throwOnFailure';
import { toolCalls } from '../../src/operators/toolCalls';
import { createRun } from '../../src/sources/createRun';
import { aPage, aRun, mockClient, requiresActionEvents, runEvents } from '../../src/testing';
import { seeded } from '../helpers/seeded';

// Whatever a client hands a pipeline (a mock, a custom transport, a relay), nothing may throw out
// of an observer callback: RxJS reports such a throw as unhandled, and Node exits. Each property
// takes a plausible run (streamed, with a tool round), breaks a few of its events (junk data, a
// field removed or replaced by junk) and runs it through the sources, operators and collectors.
// The pipeline completes or errors with a typed AssistantsError; nothing escapes.

const junk = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.constant({}),
  fc.constant([]),
  fc.constant([null]),
  fc.string({ maxLength: 5 }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A mutation of one event: its whole data, or one (possibly nested) field of it. */
const mutation = fc.record({
  at: fc.nat(),
  how: fc.constantFrom('data', 'field', 'nested'),
  key: fc.nat(),
  value: junk,
});
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(events: readonly RunEvent[], mutations: readonly Mutation[]): RunEvent[] {
  const out = events.map((e) => structuredClone(e) as RunEvent);
  for (const { at, how, key, value } of mutations) {
    const event = out[at % out.length] as { event: string; data: unknown };
    if (how === 'data' || typeof event.data !== 'object' || event.data === null) {
      event.data = value;
      continue;
    }
    let target = event.data as Record<string, unknown>;
    if (how === 'nested') {
      const objects = Object.values(target).filter(
        (v): v is Record<string, unknown> => typeof v === 'object' && v !== null,
      );
      if (objects.length > 0) target = objects[key % objects.length] as Record<string, unknown>;
    }
    const keys = Object.keys(target);
    if (keys.length === 0) continue;
    const name = keys[key % keys.length] as string;
    if (value === undefined) delete target[name];
    else target[name] = value;
  }
  return out;
}

const stray: unknown[] = [];
let saved: typeof config.onUnhandledError;
beforeEach(() => {
  stray.length = 0;
  saved = config.onUnhandledError;
  config.onUnhandledError = (error) => stray.push(error);
});
afterEach(() => {
  config.onUnhandledError = saved;
});

const pipelines: Array<(events$: Observable<RunEvent>) => Observable<unknown>> = [
  (e) => e.pipe(runState(), toArray()),
  (e) => e.pipe(finalRun()),
  (e) => e.pipe(finalMessages()),
  (e) => e.pipe(textDeltas(), toArray()),
  (e) => e.pipe(toolCalls(), toArray()),
  (e) => e.pipe(runStatus(), toArray()),
  (e) => e.pipe(throwOnFailure(), toArray()),
  (e) => e.pipe(runTimeout({ total: 60_000 }), toArray()),
];

async function outcome(run: Observable<unknown>): Promise<unknown> {
  try {
    await lastValueFrom(run, { defaultValue: undefined });
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('malformed events never escape the error channel', () => {
  it('through createRun → handleRequiresAction → each operator and collector', async () => {
    const paused = requiresActionEvents();
    const continued = runEvents({
      continuation: true,
      toolCalls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}', output: null } },
      ],
      text: ['Sun', 'ny'],
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.array(mutation, { maxLength: 2 }),
        fc.nat({ max: pipelines.length - 1 }),
        async (first, second, which) => {
          stray.length = 0;
          const client = mockClient({
            runs: {
              createStream: () => from(mutate(paused, first)),
              submitToolOutputsStream: () => from(mutate(continued, second)),
              cancel: () => of(aRun({ status: 'cancelled' })),
              retrieve: () => of(aRun({ status: 'cancelled' })),
              poll: () => of({ run: aRun({ status: 'cancelled' }) }),
            },
            steps: { list: () => of(aPage([])) },
            messages: { list: () => of(aPage([])) },
          });
          const events$ = createRun(
            client,
            { threadId: 'thread_1', assistant_id: 'asst_1' },
            { poll: { intervalMs: 0 } },
          ).pipe(handleRequiresAction(client, { get_weather: () => 'sunny' }, { onError: 'submit' }));
          const error = await outcome(
            (pipelines[which] as (e: Observable<RunEvent>) => Observable<unknown>)(events$),
          );
          await new Promise((resolve) => setImmediate(resolve));
          expect(stray, 'errors that escaped an observer').toEqual([]);
          if (error !== undefined) expect(error).toBeInstanceOf(AssistantsError);
        },
      ),
      seeded(300),
    );
  });

  it('each operator and collector on its own, fed junk events directly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.nat({ max: pipelines.length - 1 }),
        async (mutations, which) => {
          stray.length = 0;
          const events = mutate(runEvents({ text: ['a', 'b'] }), mutations);
          const error = await outcome(
            (pipelines[which] as (e: Observable<RunEvent>) => Observable<unknown>)(from(events)),
          );
          expect(stray, 'errors that escaped an observer').toEqual([]);
          if (error !== undefined) expect(error).toBeInstanceOf(AssistantsError);
        },
      ),
      seeded(300),
    );
  });
});
