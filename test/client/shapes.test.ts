import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { parseEventStream } from '../../src/client/parseEventStream';
import { StreamParseError } from '../../src/errors/StreamErrors';
import { isMessageEvent, isRunStatusEvent } from '../../src/events/guards';
import { RUN_EVENT_NAMES, type RunEvent } from '../../src/events/RunEvent';
import { runEventProblem } from '../../src/events/shapes';
import { finalMessages } from '../../src/operators/finalMessages';
import { textDeltas } from '../../src/operators/textDeltas';
import { toolCalls } from '../../src/operators/toolCalls';
import { belongsToRun, type RunShown, runShown, showEvent, showForeign } from '../../src/sources/RunShown';
import { initialRunState } from '../../src/state/RunState';
import { reduceRunState } from '../../src/state/reduceRunState';
import { readFixture, referenceEvents, sseFixtures } from '../helpers/fixtures';
import { chunkStream, fakeFetch, sse } from './fakeFetch';

/**
 * Issue 11, class 4 (frames): a `thread.*` frame whose payload lacks what the library relies on is
 * a `StreamParseError` where it enters, never a crash later in a reducer or collector.
 */

const frame = (event: string, data: unknown) =>
  `event: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const DONE = 'event: done\ndata: [DONE]\n\n';

async function parse(text: string) {
  const events: RunEvent[] = [];
  let error: unknown;
  await new Promise<void>((resolve) => {
    parseEventStream(chunkStream([text])).subscribe({
      next: (event) => events.push(event),
      error: (e: unknown) => {
        error = e;
        resolve();
      },
      complete: resolve,
    });
  });
  return { events, error };
}

const run = { id: 'run_1', object: 'thread.run', thread_id: 'thread_1', status: 'in_progress' };

describe('frames that would crash a layer above are StreamParseError', () => {
  it.each([
    ['thread.message.delta', { id: 'msg_1' }, '"delta" is not an object'],
    ['thread.message.delta', { id: 'msg_1', delta: { content: {} } }, '"delta.content" is not an array'],
    [
      'thread.message.delta',
      { id: 'msg_1', delta: { content: [null] } },
      '"delta.content[0]" is not an object',
    ],
    [
      'thread.message.delta',
      { id: 'msg_1', delta: { content: [{ index: -1, type: 'text' }] } },
      '"delta.content[0].index" is not a whole number ≥ 0',
    ],
    [
      'thread.message.delta',
      { id: 'msg_1', delta: { content: [{ index: 0 }] } },
      '"delta.content[0].type" is not a string',
    ],
    [
      'thread.run.step.delta',
      { id: 'step_1', delta: { step_details: { type: 'tool_calls', tool_calls: {} } } },
      '"delta.step_details.tool_calls" is not an array',
    ],
    [
      'thread.run.step.delta',
      { id: 'step_1', delta: { step_details: { type: 'tool_calls', tool_calls: [null] } } },
      '"delta.step_details.tool_calls[0]" is not an object',
    ],
    [
      'thread.run.step.delta',
      { id: 'step_1', delta: { step_details: { type: 'tool_calls', tool_calls: [{ index: 1.5 }] } } },
      'is not a whole number ≥ 0',
    ],
    [
      'thread.run.step.delta',
      { id: 'step_1', delta: { step_details: 'x' } },
      '"delta.step_details" is not an object',
    ],
    ['thread.run.completed', { id: 'run_1', thread_id: 'thread_1' }, '"status" is not a string'],
    ['thread.run.queued', { id: 7, thread_id: 'thread_1', status: 'queued' }, '"id" is not a string'],
    ['thread.run.step.created', { id: 'step_1', status: 'in_progress' }, '"step_details" is not an object'],
    [
      'thread.run.step.completed',
      { id: 'step_1', status: 'completed', step_details: { type: 'tool_calls', tool_calls: [1] } },
      '"step_details.tool_calls[0]" is not an object',
    ],
    ['thread.message.completed', { id: 'msg_1', content: 'hi' }, '"content" is not an array'],
    ['thread.created', { object: 'thread' }, '"id" is not a string'],
  ])('%s %j', async (event, data, reason) => {
    const { events, error } = await parse(frame('thread.run.created', run) + frame(event, data) + DONE);
    expect(events).toEqual([{ event: 'thread.run.created', data: run }]);
    expect(error).toBeInstanceOf(StreamParseError);
    expect(error).toMatchObject({ event, raw: JSON.stringify(data) });
    expect((error as Error).message).toContain(reason);
  });

  it('through fetchClient too: the run stream ends with StreamParseError after the good events', async () => {
    const { fetch } = fakeFetch(() =>
      sse([
        frame('thread.run.created', run),
        frame('thread.message.delta', { id: 'm', delta: { content: {} } }),
      ]),
    );
    const client = fetchClient({ baseURL: 'https://api.example.test/v1', fetch, maxRetries: 0 });
    const seen: RunEvent[] = [];
    const error = await lastValueFrom(
      client.runs.createStream('thread_1', { assistant_id: 'a' }).pipe(toArray()),
    )
      .then((events) => seen.push(...events))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamParseError);
  });

  it('passes unknown thread.* names, extra fields and deltas without content', async () => {
    const frames = [
      frame('thread.something.new', { anything: [null] }),
      frame('thread.run.step.unknown', { id: 3 }),
      frame('thread.message.delta', { id: 'm', delta: { role: 'assistant' }, extra: 1 }),
      frame('thread.run.step.delta', { id: 's', delta: {} }),
      frame('thread.run.step.delta', { id: 's', delta: { step_details: { type: 'message_creation' } } }),
    ];
    const { events, error } = await parse(frames.join('') + DONE);
    expect(error).toBeUndefined();
    expect(events).toHaveLength(frames.length);
  });

  it('accepts every frame of every recorded stream', () => {
    for (const file of sseFixtures()) {
      for (const { event, data } of referenceEvents(readFixture('sse', file))) {
        expect(runEventProblem(event, data), `${file} ${event}`).toBeUndefined();
      }
    }
  });
});

/** Recorded payloads of each event name (a family's payload where the recordings have none). */
const recorded = sseFixtures().flatMap((file) => referenceEvents(readFixture('sse', file)));
const familyOf = (name: string) =>
  name === 'thread.created'
    ? 'thread.created'
    : name.endsWith('.delta')
      ? name
      : isRunStatusEvent({ event: name })
        ? 'run'
        : isMessageEvent({ event: name })
          ? 'message'
          : 'step';
const templatesOf = (name: string): unknown[] => {
  const own = recorded.filter((e) => e.event === name);
  const pool = own.length > 0 ? own : recorded.filter((e) => familyOf(e.event) === familyOf(name));
  return pool.slice(0, 6).map((e) => e.data);
};

type Path = (string | number)[];
/** Every path to a value inside `value` (objects and arrays), the root excluded. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    return [path, ...pathsOf(inner, path)];
  });
}
const DELETE = Symbol('delete');
/** `template` with each edit applied: the value at a path replaced, or deleted. */
function edited(template: unknown, edits: [number, unknown][]): unknown {
  const copy = structuredClone(template);
  const paths = pathsOf(copy);
  if (paths.length === 0) return copy;
  for (const [n, replacement] of edits) {
    const path = paths[n % paths.length]!;
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) {
      parent =
        typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[key] : undefined;
    }
    if (typeof parent !== 'object' || parent === null) continue;
    const last = path[path.length - 1]!;
    if (replacement === DELETE) delete (parent as Record<string, unknown>)[last];
    else (parent as Record<string, unknown>)[last] = structuredClone(replacement);
  }
  return copy;
}

const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant(DELETE),
  fc.constantFrom(null, -1, 0.5, 1e21, 10_000, 2 ** 53, '', '__proto__', [], {}, [null], [{}], { index: 0 }),
);
/** Any JSON value, or a recorded payload of the event with a few fields replaced or removed. */
const dataFor = (name: string) =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc
      .tuple(
        fc.constantFrom(...templatesOf(name)),
        fc.array(fc.tuple(fc.nat(), hostile), { minLength: 1, maxLength: 4 }),
      )
      .map(([template, edits]) => edited(template, edits)),
  );
const frameArb = fc
  .constantFrom(...RUN_EVENT_NAMES)
  .chain((name) => fc.tuple(fc.constant(name), dataFor(name)));

/** What a source folds of each event it emits (see src/sources/runSource.ts). */
const fold = (shown: RunShown, event: RunEvent): RunShown =>
  belongsToRun(shown, event) ? showEvent(shown, event) : showForeign(shown, event);

describe('property: a frame either passes the check and is safe above, or is a StreamParseError', () => {
  // A state that already holds a run, a message and a step, so the deltas merge into something.
  const seed = recorded.filter((e) => e.event.endsWith('.created'));

  it('for one frame of any known name: a problem, or neither reduceRunState nor the fold of a source throws', () => {
    const seeded = seed.reduce(reduceRunState, initialRunState);
    fc.assert(
      fc.property(frameArb, ([event, data]) => {
        if (typeof data !== 'object' || data === null || Array.isArray(data)) return; // refused before the check
        if (runEventProblem(event, data) !== undefined) return;
        const e = { event, data } as RunEvent;
        reduceRunState(initialRunState, e);
        reduceRunState(seeded, e);
        fold(runShown(), e);
      }),
      { numRuns: 3000 },
    );
  });

  it('for a stream of such frames: events up to a StreamParseError, all safe for the reducer, the fold of a source and collectors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { maxLength: 6 }), async (frames) => {
        const text = [
          ...seed.map((e) => frame(e.event, e.data)),
          ...frames.map(([n, d]) => frame(n, d)),
        ].join('');
        const { events, error } = await parse(text + DONE);
        if (error !== undefined) expect(error).toBeInstanceOf(StreamParseError);
        else expect(events).toHaveLength(seed.length + frames.length);
        events.reduce(reduceRunState, initialRunState);
        events.reduce(fold, runShown());
        await lastValueFrom(from(events).pipe(textDeltas(), toArray()));
        await lastValueFrom(from(events).pipe(toolCalls(), toArray()));
        await lastValueFrom(from(events).pipe(finalMessages()), { defaultValue: [] });
      }),
      { numRuns: 500 },
    );
  });
});
