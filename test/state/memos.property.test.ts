import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message } from '../../src/events/types';
import { initialRunState, type RunState } from '../../src/state/RunState';
import { reduceRunState } from '../../src/state/reduceRunState';
import { seeded } from '../helpers/seeded';
import { aMessage, messageCreated, messageDelta, RUN, runEvent } from './events';

/**
 * The reducer keeps a few one-entry memos on its per-delta path (the last plain text block, the
 * last message built as a literal, the last position found). They must never change a result:
 * whatever else was reduced in between, and whichever blocks carry unknown fields, the state is
 * what the deltas say.
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

/** Message 2 carries a key the wire shape lacks, so it takes the key-by-key copy path. */
const created = (m: number): RunEvent =>
  m === 2
    ? ({
        event: 'thread.message.created',
        data: { ...aMessage('msg_2', 'in_progress'), file_ids: ['f'] },
      } as RunEvent)
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

const start = (): RunState =>
  [runEvent('in_progress'), created(0), created(1), created(2)].reduce(reduceRunState, initialRunState);

function check(state: RunState, steps: readonly Step[]): void {
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
      fc.property(fc.array(step, { maxLength: 40 }), fc.array(step, { maxLength: 40 }), (a, b) => {
        const deltasA = a.map(deltaOf);
        const deltasB = b.map(deltaOf);
        // Alone, then interleaved with a second, independent lineage.
        const alone = deltasA.reduce(reduceRunState, start());
        let stateA = start();
        let stateB = start();
        for (let i = 0; i < Math.max(a.length, b.length); i++) {
          const da = deltasA[i];
          const db = deltasB[i];
          if (da) stateA = reduceRunState(stateA, da);
          if (db) stateB = reduceRunState(stateB, db);
        }
        check(alone, a);
        check(stateA, a);
        check(stateB, b);
      }),
      seeded(300),
    );
  });

  it('reducing an older snapshot again gives the same state as the first time', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.nat(), (steps, cut) => {
        const deltas = steps.map(deltaOf);
        const at = cut % deltas.length;
        const snapshots = [start()];
        for (const d of deltas) snapshots.push(reduceRunState(snapshots.at(-1) as RunState, d));
        const again = deltas.slice(at).reduce(reduceRunState, snapshots[at] as RunState);
        expect(again).toEqual(snapshots.at(-1));
        check(again, steps);
      }),
      seeded(200),
    );
  });

  it('a hand-made list with a duplicate id: the first occurrence takes the delta, every time', () => {
    const base = start();
    const first = aMessage('msg_d', 'in_progress');
    const second = { ...aMessage('msg_d', 'in_progress'), created_at: 2 };
    let state: RunState = { ...base, messages: [first, second] };
    for (const value of ['a', 'b', 'c']) {
      state = reduceRunState(state, messageDelta('msg_d', { index: 0, type: 'text', text: { value } }));
    }
    expect(state.messages[0]?.content).toEqual([{ type: 'text', text: { value: 'abc', annotations: [] } }]);
    expect(state.messages[1]).toBe(second);
  });
});
