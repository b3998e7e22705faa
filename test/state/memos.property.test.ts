import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message } from '../../src/events/types';
import { INDEXED_FROM } from '../../src/state/byId';
import { initialRunState, type RunState } from '../../src/state/RunState';
import { reduceRunState } from '../../src/state/reduceRunState';
import { seeded } from '../helpers/seeded';
import { aMessage, messageCreated, messageDelta, RUN, runEvent, textBlock } from './events';

/**
 * While it folds one run, the reducer keeps a memo in a `WeakMap` keyed by the run payload of the
 * states (`state.run`, the one object that stays the same from delta to delta): the newest list of
 * each kind with the position last found in it (and an id → position map once a list is long, as
 * when a state is seeded with a thread's history), and the last message it built as a literal.
 * Lineages of states that hold the same run payload share that memo: two reducers fed the same
 * event objects, or a branch reduced from an older snapshot. Messages whose keys come in another
 * order than the server's take a slower key check. None of this may change a result: whatever
 * else was reduced in between, with its own memo or the same one, whichever blocks carry unknown
 * fields, the state is what the deltas say, and the messages no delta touched are the same objects.
 */

interface Step {
  message: number; // 0..2
  block: number; // 0..1
  value: string;
  /** An unknown field on the part, or on its text, or none. */
  extra: 'none' | 'part' | 'text';
}

const step = fc.record({
  message: fc.integer({ min: 0, max: 2 }),
  block: fc.integer({ min: 0, max: 1 }),
  value: fc.string({ maxLength: 3 }),
  extra: fc.constantFrom('none', 'part', 'text'),
}) as fc.Arbitrary<Step>;

/** The same keys, `role` first. */
const reordered = ({ role, ...rest }: Message): Message => ({ role, ...rest });

/**
 * Message 1 has the wire keys in another order (the literal path, found by the slower key check);
 * message 2 carries a key the wire shape lacks, so it takes the key-by-key copy path.
 */
const created = (m: number): RunEvent =>
  m === 2
    ? ({
        event: 'thread.message.created',
        data: { ...aMessage('msg_2', 'in_progress'), file_ids: ['f'] },
      } as RunEvent)
    : m === 1
      ? { event: 'thread.message.created', data: reordered(aMessage('msg_1', 'in_progress')) }
      : messageCreated(`msg_${m}`);

const deltaOf = (s: Step, i: number): RunEvent => {
  const text: Record<string, unknown> = { value: s.value };
  const part: Record<string, unknown> = { index: s.block, type: 'text', text };
  if (s.extra === 'part') part[`p${i % 2}`] = i;
  if (s.extra === 'text') text[`t${i % 2}`] = i;
  return messageDelta(`msg_${s.message}`, part);
};

/** What the deltas say, computed without the reducer: text per block and the last value of each unknown field. */
function model(steps: readonly Step[]) {
  const blocks = new Map<
    string,
    { text: string; part: Record<string, number>; inner: Record<string, number> }
  >();
  steps.forEach((s, i) => {
    const key = `${s.message}/${s.block}`;
    // A block at index 1 before index 0 exists would leave a gap: the reducer ignores it.
    if (s.block === 1 && !blocks.has(`${s.message}/0`)) return;
    // An empty part changes nothing once the block exists (its fields included).
    if (s.value === '' && blocks.has(key)) return;
    const b = blocks.get(key) ?? { text: '', part: {}, inner: {} };
    b.text += s.value;
    if (s.extra === 'part') b.part[`p${i % 2}`] = i;
    if (s.extra === 'text') b.inner[`t${i % 2}`] = i;
    blocks.set(key, b);
  });
  return blocks;
}

/** Messages of earlier runs that a state made by hand starts with: none, or enough to be indexed. */
const HISTORIES = [0, INDEXED_FROM + 8].map((length) =>
  Array.from({ length }, (_, i) => aMessage(`msg_old_${i}`, 'completed', [textBlock(String(i))])),
);
const history = fc.constantFrom(...HISTORIES);

/** The run and message events before the deltas; new objects on each call (so a new run payload). */
const opening = (): RunEvent[] => [runEvent('in_progress'), created(0), created(1), created(2)];

const start = (before: Message[] = [], events = opening()): RunState =>
  events.reduce(reduceRunState, { ...initialRunState, messages: before });

function check(state: RunState, steps: readonly Step[], before: Message[] = []): void {
  expect(state.messages.map((m) => m.id)).toEqual([...before.map((m) => m.id), 'msg_0', 'msg_1', 'msg_2']);
  for (const [i, m] of before.entries()) expect(state.messages[i]).toBe(m);
  const expected = model(steps);
  for (let m = 0; m < 3; m++) {
    const message = state.messages.find((x) => x.id === `msg_${m}`) as Message & { file_ids?: string[] };
    expect(message.run_id).toBe(RUN);
    if (m === 2) expect(message.file_ids).toEqual(['f']);
    for (let b = 0; b < 2; b++) {
      const want = expected.get(`${m}/${b}`);
      const block = message.content[b] as Record<string, unknown> | undefined;
      if (want === undefined) {
        expect(block).toBeUndefined();
        continue;
      }
      expect(block).toEqual({
        type: 'text',
        ...want.part,
        text: { value: want.text, annotations: [], ...want.inner },
      });
    }
  }
}

describe('the reducer’s per-delta memos', () => {
  it('never change a result, whatever is reduced in between', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 40 }),
        fc.array(step, { maxLength: 40 }),
        history,
        history,
        fc.boolean(),
        (a, b, beforeA, beforeB, sameEvents) => {
          const deltasA = a.map(deltaOf);
          const deltasB = b.map(deltaOf);
          // Alone, then interleaved with a second lineage (of the same length or not), which was fed
          // its own events or the very same event objects (so the same run payload and memo).
          const alone = deltasA.reduce(reduceRunState, start(beforeA));
          const events = opening();
          let stateA = start(beforeA, events);
          let stateB = start(beforeB, sameEvents ? events : opening());
          for (let i = 0; i < Math.max(a.length, b.length); i++) {
            const da = deltasA[i];
            const db = deltasB[i];
            if (da) stateA = reduceRunState(stateA, da);
            if (db) stateB = reduceRunState(stateB, db);
          }
          check(alone, a, beforeA);
          check(stateA, a, beforeA);
          check(stateB, b, beforeB);
          expect(stateA).toEqual(alone);
        },
      ),
      seeded(300),
    );
  });

  it('reducing an older snapshot again gives the same state as the first time', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 30 }),
        fc.nat(),
        history,
        (steps, cut, before) => {
          const deltas = steps.map(deltaOf);
          const at = cut % deltas.length;
          const snapshots = [start(before)];
          for (const d of deltas) snapshots.push(reduceRunState(snapshots.at(-1) as RunState, d));
          const again = deltas.slice(at).reduce(reduceRunState, snapshots[at] as RunState);
          expect(again).toEqual(snapshots.at(-1));
          check(again, steps, before);
          // The older snapshots are left as they were.
          for (let i = 0; i <= at; i++) check(snapshots[i] as RunState, steps.slice(0, i), before);
        },
      ),
      seeded(200),
    );
  });

  it('a message created in a branch off an older snapshot is found there, not in the newer branch', () => {
    for (const before of HISTORIES) {
      const old = start(before);
      const newer = [created(3), deltaOf({ message: 3, block: 0, value: 'n', extra: 'none' }, 0)].reduce(
        reduceRunState,
        old,
      );
      const branch = [
        messageCreated('msg_4'),
        messageDelta('msg_4', { index: 0, type: 'text', text: { value: 'b' } }),
      ].reduce(reduceRunState, old);
      const newerAgain = reduceRunState(
        newer,
        messageDelta('msg_4', { index: 0, type: 'text', text: { value: 'x' } }),
      );
      expect(branch.messages.map((m) => m.id).slice(before.length)).toEqual([
        'msg_0',
        'msg_1',
        'msg_2',
        'msg_4',
      ]);
      expect(branch.messages.at(-1)?.content).toEqual([
        { type: 'text', text: { value: 'b', annotations: [] } },
      ]);
      // In the newer branch msg_4 does not exist yet: the delta creates it at the end.
      expect(newerAgain.messages.map((m) => m.id).slice(before.length)).toEqual([
        'msg_0',
        'msg_1',
        'msg_2',
        'msg_3',
        'msg_4',
      ]);
    }
  });

  it('two lineages of one run payload, each with a message the other lacks, keep to their own', () => {
    for (const before of HISTORIES) {
      const events = opening();
      let a = start(before, events);
      let b = start(before, events);
      a = reduceRunState(a, messageCreated('msg_a'));
      b = reduceRunState(b, messageCreated('msg_b0'));
      b = reduceRunState(b, messageCreated('msg_b'));
      for (const value of ['1', '2', '3']) {
        a = reduceRunState(a, messageDelta('msg_a', { index: 0, type: 'text', text: { value } }));
        b = reduceRunState(b, messageDelta('msg_b', { index: 0, type: 'text', text: { value } }));
      }
      const text = [{ type: 'text', text: { value: '123', annotations: [] } }];
      expect(a.messages.map((m) => m.id).slice(before.length)).toEqual(['msg_0', 'msg_1', 'msg_2', 'msg_a']);
      expect(b.messages.map((m) => m.id).slice(before.length)).toEqual([
        'msg_0',
        'msg_1',
        'msg_2',
        'msg_b0',
        'msg_b',
      ]);
      expect(a.messages.at(-1)?.content).toEqual(text);
      expect(b.messages.at(-1)?.content).toEqual(text);
    }
  });

  it('a hand-made list with a duplicate id: the first occurrence takes the delta, every time', () => {
    for (const before of HISTORIES) {
      const base = start();
      const first = aMessage('msg_d', 'in_progress');
      const second = { ...aMessage('msg_d', 'in_progress'), created_at: 2 };
      let state: RunState = { ...base, messages: [...before, first, ...before, second] };
      for (const value of ['a', 'b', 'c']) {
        state = reduceRunState(state, messageDelta('msg_d', { index: 0, type: 'text', text: { value } }));
      }
      expect(state.messages[before.length]?.content).toEqual([
        { type: 'text', text: { value: 'abc', annotations: [] } },
      ]);
      expect(state.messages.at(-1)).toBe(second);
      expect(state.messages).toHaveLength(2 * before.length + 2);
    }
  });
});
