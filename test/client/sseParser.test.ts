import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sseParser } from '../../src/client/sseParser';
import { readFixture, sseFixtures } from '../helpers/fixtures';
import { seeded } from '../helpers/seeded';

/**
 * The library's SSE parser against an independent one (eventsource-parser, which it replaced):
 * the same events, type and data, for any text cut into any chunks.
 */

type Event = [event: string | undefined, data: string];

function ours(chunks: readonly string[]): Event[] {
  const events: Event[] = [];
  const feed = sseParser(
    (event, data) => events.push([event, data]),
    Number.MAX_SAFE_INTEGER,
    () => {
      throw new Error('too big');
    },
  );
  for (const chunk of chunks) feed(chunk);
  return events;
}

function reference(chunks: readonly string[]): Event[] {
  const events: Event[] = [];
  const parser = createParser({ onEvent: ({ event, data }) => events.push([event, data]) });
  for (const chunk of chunks) parser.feed(chunk);
  return events;
}

/** `text` cut at the given points. */
function cut(text: string, points: readonly number[]): string[] {
  const at = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const p of at) {
    chunks.push(text.slice(from, p));
    from = p;
  }
  chunks.push(text.slice(from));
  return chunks;
}

const valueText = fc.string({
  unit: fc.constantFrom('a', ' ', ':', 'é', '😀', '{', '"', '\u0000', 'd', 'e'),
  maxLength: 8,
});
const fieldLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('data', 'event', 'id', 'retry', 'dat', 'datas', 'ev', 'Event', 'x', ''),
      fc.constantFrom(':', ': ', ':  ', ''),
      valueText,
    )
    .map(([name, colon, value]) => `${name}${colon}${colon === '' ? '' : value}`),
  valueText.map((value) => `:${value}`),
  fc.constant(''),
);
const lineEnd = fc.constantFrom('\n', '\r', '\r\n');
const sseText = fc
  .array(fc.tuple(fieldLine, lineEnd), { maxLength: 40 })
  .map((lines) => lines.map(([line, end]) => line + end).join(''));

describe('sseParser', () => {
  it('dispatches what eventsource-parser dispatches, for any text and any chunking', () => {
    fc.assert(
      fc.property(sseText, fc.array(fc.nat(), { maxLength: 12 }), (text, points) => {
        const chunks = cut(text, points);
        expect(ours(chunks), JSON.stringify(chunks)).toEqual(reference(chunks));
      }),
      seeded(3000),
    );
  });

  it('reads every recorded body as eventsource-parser does, cut anywhere', () => {
    for (const name of sseFixtures()) {
      const text = readFixture('sse', name);
      expect(ours([text])).toEqual(reference([text]));
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 20 }), (points) => {
          const chunks = cut(text, points);
          expect(ours(chunks)).toEqual(reference(chunks));
        }),
        seeded(100),
      );
    }
  });

  it('calls onTooBig once an unfinished line and the data held pass the limit, whatever the chunking', () => {
    for (const size of [1, 7, 100, 5000]) {
      let tooBig = 0;
      const events: Event[] = [];
      const feed = sseParser(
        (event, data) => events.push([event, data]),
        1000,
        () => tooBig++,
      );
      const text = `data: ${'x'.repeat(500)}\ndata: ${'y'.repeat(600)}`;
      for (let i = 0; i < text.length && tooBig === 0; i += size) feed(text.slice(i, i + size));
      expect(tooBig, `chunks of ${size}`).toBe(1);
      expect(events).toEqual([]);
    }
    let tooBig = 0;
    const feed = sseParser(
      () => {},
      1000,
      () => tooBig++,
    );
    feed(`data: ${'x'.repeat(900)}\n\n`);
    feed(`data: ${'x'.repeat(900)}\n`);
    expect(tooBig).toBe(0);
  });
});
