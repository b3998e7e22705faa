import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEventStream } from '../../src/client/parseEventStream';
import { textDeltaReader } from '../../src/client/textDeltaReader';
import { StreamParseError } from '../../src/errors/StreamErrors';
import type { RunEvent } from '../../src/events/RunEvent';
import { runEventProblem } from '../../src/events/shapes';
import { readFixture, sseFixtures } from '../helpers/fixtures';
import { seeded } from '../helpers/seeded';
import { chunkStream } from './fakeFetch';

/**
 * The fast path for plain text delta frames must answer exactly what the general path
 * (`JSON.parse`) answers, or step aside (`undefined`): same values, same key order, for random
 * frames, frames a byte away from the layout, and every recorded delta frame.
 */

const canonical = (id: string, index: number, value: string): string =>
  `{"id":${JSON.stringify(id)},"object":"thread.message.delta","delta":{"content":[{"index":${index},"type":"text","text":{"value":${JSON.stringify(value)}}}]}}`;

/** What `JSON.parse` says: the value, or that it throws. */
function general(data: string): { value: unknown } | { throws: true } {
  try {
    return { value: JSON.parse(data) as unknown };
  } catch {
    return { throws: true };
  }
}

/** The reader's answer is `undefined` or the general path's, key order included. */
function expectAgrees(read: (data: string) => unknown, data: string): boolean {
  const fast = read(data);
  if (fast === undefined) return false;
  const reference = general(data);
  expect(reference, data).toHaveProperty('value');
  const value = (reference as { value: unknown }).value;
  expect(fast, data).toStrictEqual(value);
  expect(JSON.stringify(fast), data).toBe(JSON.stringify(value));
  // What it returns passes the shape check it skips.
  expect(runEventProblem('thread.message.delta', fast), data).toBeUndefined();
  return true;
}

/** Any string: unicode, lone and paired surrogates, quotes, backslashes, control characters. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '/', 'é', '😀', '\ud800', 'a', ' '),
  }),
  fc.string({ maxLength: 8 }),
);
const anyIndex = fc.oneof(fc.nat(20), fc.nat(), fc.constant(999_999_999), fc.constant(1_000_000_000));

/** Ways to move a frame off the exact layout. */
const mutation = fc.oneof(
  // a character inserted, removed or replaced anywhere
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(' ', '\n', '\t', '\r', ',', '"', '\\', '0', '-', '.', 'e', '}', ']', '\u0001', 'x'),
  }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  // the index written another way
  fc.record({
    kind: fc.constant('index' as const),
    text: fc.constantFrom(
      '-1',
      '1.0',
      '1e0',
      '01',
      '00',
      '0.5',
      '1E2',
      '12345678901',
      '9007199254740993',
      'null',
      '"0"',
    ),
  }),
  // extra fields, or the keys in another order
  fc.record({ kind: fc.constant('reorder' as const), seed: fc.nat() }),
  fc.record({
    kind: fc.constant('extra' as const),
    where: fc.constantFrom('top', 'delta', 'part', 'text'),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(id: string, index: number, value: string, m: Mutation): string {
  const data = canonical(id, index, value);
  switch (m.kind) {
    case 'insert': {
      const at = m.at % (data.length + 1);
      return data.slice(0, at) + m.text + data.slice(at);
    }
    case 'remove': {
      const at = m.at % data.length;
      return data.slice(0, at) + data.slice(at + 1);
    }
    case 'truncate':
      return data.slice(0, m.at % data.length);
    case 'index':
      return data.replace(`"index":${index},`, `"index":${m.text},`);
    case 'reorder': {
      const text = m.seed % 2 === 0 ? { value, annotations: [] } : { value };
      const part = m.seed % 3 === 0 ? { type: 'text', index, text } : { index, text, type: 'text' };
      const top =
        m.seed % 5 === 0
          ? { object: 'thread.message.delta', id, delta: { content: [part] } }
          : { id, object: 'thread.message.delta', delta: { content: [part] } };
      return JSON.stringify(top);
    }
    case 'extra': {
      const extra = `,"extra":${JSON.stringify(m.value)}`;
      const anchor = {
        top: '}}]}}',
        delta: '}}]}',
        part: '}}]',
        text: '}',
      }[m.where];
      const end = data.length - anchor.length;
      return `${data.slice(0, end)}${extra}${data.slice(end)}`;
    }
  }
}

describe('textDeltaReader', () => {
  it('reads every frame of the exact layout as JSON.parse does, whatever the id, index and text', () => {
    fc.assert(
      fc.property(anyText, anyIndex, anyText, (id, index, value) => {
        const data = canonical(id, index, value);
        const read = textDeltaReader();
        const fast = read(data);
        // (an id is plain when its JSON has no escape: lone surrogates and quotes are escaped)
        const plain = index < 1_000_000_000 && !JSON.stringify(id).slice(1, -1).includes('\\');
        // The fast path must take the frames it is for: plain ids and indexes, any text.
        if (plain) expect(fast, data).toBeDefined();
        expectAgrees(read, data);
      }),
      seeded(2000),
    );
  });

  it('agrees with JSON.parse or steps aside on frames off the layout (whitespace, order, extra fields, numbers, bad bytes)', () => {
    fc.assert(
      fc.property(anyText, anyIndex, anyText, mutation, (id, index, value, m) => {
        expectAgrees(textDeltaReader(), mutate(id, index, value, m));
      }),
      seeded(4000),
    );
  });

  it('keeps agreeing over a sequence of frames read by one reader (the remembered id)', () => {
    const frameOf = fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.constantFrom('msg_1', 'msg_12', 'msg_2'), fc.nat(2), anyText)
          .map(([id, index, value]) => canonical(id, index, value)),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom('msg_1', 'msg_2'), fc.nat(2), anyText, mutation)
          .map(([id, index, value, m]) => mutate(id, index, value, m)),
      },
    );
    fc.assert(
      fc.property(fc.array(frameOf, { maxLength: 30 }), (frames) => {
        const read = textDeltaReader();
        for (const data of frames) expectAgrees(read, data);
      }),
      seeded(1000),
    );
  });

  it('decodes escapes as JSON.parse does, and steps aside on an escape JSON.parse refuses', () => {
    const read = textDeltaReader();
    const escaped = [
      '\\"',
      '\\\\',
      '\\/',
      '\\b\\f\\n\\r\\t',
      '\\u00e9',
      '\\u00E9x',
      '\\ud83d\\ude00',
      '\\ud800',
      'a\\udc00b',
      '\\u0000',
      '😀',
      '\ud83d',
      'ends with \\\\',
    ];
    for (const raw of escaped) {
      const data = `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":"${raw}"}}]}}`;
      expect(expectAgrees(read, data), raw).toBe(true);
    }
    for (const raw of ['\\x', '\\u12', '\\u12g4', '\\', '\t', '\u0000', '\\\n']) {
      const data = `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":"${raw}"}}]}}`;
      expect(read(data), JSON.stringify(raw)).toBeUndefined();
      expect(general(data), JSON.stringify(raw)).toEqual({ throws: true });
    }
  });

  it('reads the recorded delta frames as JSON.parse does (taking those without annotations)', () => {
    let taken = 0;
    let frames = 0;
    for (const name of sseFixtures()) {
      const read = textDeltaReader();
      const lines = readFixture('sse', name).split(/\r?\n/);
      lines.forEach((line, i) => {
        if (line !== 'event: thread.message.delta') return;
        const data = (lines[i + 1] ?? '').replace(/^data: ?/, '');
        frames++;
        if (expectAgrees(read, data)) taken++;
      });
    }
    expect(frames).toBeGreaterThan(50);
    expect(taken).toBeGreaterThan(frames * 0.8);
  });
});

describe('parseEventStream with the fast path', () => {
  const frame = (event: string, data: string) => `event: ${event}\ndata: ${data}\n\n`;
  const DONE = 'event: done\ndata: [DONE]\n\n';

  /** What a frame reads as once sent as UTF-8 (a lone surrogate becomes U+FFFD). */
  const sent = (data: string): string =>
    new TextDecoder().decode(new TextEncoder().encode(data.replace(/[\r\n]/g, ' ')));

  async function parse(text: string): Promise<{ events: RunEvent[]; error?: unknown }> {
    const events: RunEvent[] = [];
    return new Promise((resolve) => {
      parseEventStream(chunkStream([text])).subscribe({
        next: (event) => events.push(event),
        error: (error: unknown) => resolve({ events, error }),
        complete: () => resolve({ events }),
      });
    });
  }

  it('emits what JSON.parse and the shape check give, and a typed StreamParseError where they refuse', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc
              .tuple(fc.constantFrom('msg_1', 'msg_2'), fc.nat(3), anyText)
              .map(([id, i, v]) => canonical(id, i, v)),
            fc
              .tuple(fc.constantFrom('msg_1', 'msg_2'), fc.nat(3), anyText, mutation)
              .map(([id, i, v, m]) => mutate(id, i, v, m)),
          ),
          { maxLength: 12 },
        ),
        async (datas) => {
          const result = await parse(
            datas.map((d) => frame('thread.message.delta', sent(d))).join('') + DONE,
          );
          // The reference: JSON.parse of each frame's data, then the shape check, up to the first refusal.
          const expected: RunEvent[] = [];
          let refused = false;
          for (const d of datas) {
            const reference = general(sent(d));
            const value = 'value' in reference ? reference.value : undefined;
            const ok =
              value !== undefined &&
              typeof value === 'object' &&
              value !== null &&
              !Array.isArray(value) &&
              runEventProblem('thread.message.delta', value) === undefined;
            if (!ok) {
              refused = true;
              break;
            }
            expected.push({ event: 'thread.message.delta', data: value } as RunEvent);
          }
          expect(result.events).toStrictEqual(expected);
          expect(JSON.stringify(result.events)).toBe(JSON.stringify(expected));
          if (refused) expect(result.error).toBeInstanceOf(StreamParseError);
          else expect(result.error).toBeUndefined();
        },
      ),
      seeded(500),
    );
  });
});
