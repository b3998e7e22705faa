import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEventStream } from '../../src/client/parseEventStream';
import { StreamDisconnectedError, StreamParseError } from '../../src/errors/StreamErrors';
import {
  readFixture,
  readFixtureBytes,
  readRecording,
  recordedSseBody,
  referenceEvents,
  sseFixtures,
} from '../helpers/fixtures';
import { seeded } from '../helpers/seeded';
import { collect } from '../relay/helpers';
import { chunkStream, splitAt, streamingClient, trickyOffsets } from './fakeFetch';

/**
 * The real recorded streams through the clients: same events as the reference parse, whatever the
 * chunking; cut streams and the malformed official examples fail with typed errors after
 * delivering everything that came before.
 */

const encoder = new TextEncoder();

interface StreamFixture {
  name: string;
  text: string;
  bytes: Uint8Array;
  /** The chunks as the server sent them, where the recording kept them. */
  recordedChunks?: string[];
}

const fixtures: StreamFixture[] = [
  ...sseFixtures().map((name) => ({
    name: `sse/${name}`,
    text: readFixture('sse', name),
    bytes: readFixtureBytes('sse', name),
  })),
  ...['openai-dotnet.StreamingToolCall.json', 'openai-dotnet.FileSearchStreamingWorks.json'].flatMap((file) =>
    readRecording(file)
      .Entries.filter((entry) => Array.isArray(entry.ResponseBody))
      .map((entry, index) => {
        const text = recordedSseBody(entry);
        return {
          name: `${file} stream ${index} (${entry.RequestUri})`,
          text,
          bytes: encoder.encode(text),
          recordedChunks: entry.ResponseBody as string[],
        };
      }),
  ),
];

const viaFetchClient = (chunks: readonly (string | Uint8Array)[]) =>
  streamingClient(chunks).runs.createStream('thread_1', { assistant_id: 'asst_1' });

it('has fixtures to test, including multi-byte characters', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(8);
  expect(fixtures.some((f) => f.text.includes('【'))).toBe(true);
});

describe.each(fixtures)('$name', (fixture) => {
  const expected = referenceEvents(fixture.text);

  it('gives exactly the reference events through fetchClient(...).runs.createStream', async () => {
    expect(expected.length).toBeGreaterThan(5);
    await expect(collect(viaFetchClient([fixture.bytes]))).resolves.toEqual({ events: expected });
    if (fixture.recordedChunks) {
      await expect(collect(viaFetchClient(fixture.recordedChunks))).resolves.toEqual({ events: expected });
    }
  });

  it('gives the same events one byte at a time, and cut inside every \\n\\n and multi-byte character', async () => {
    const oneByOne = Array.from(fixture.bytes, (byte) => Uint8Array.of(byte));
    await expect(collect(parseEventStream(chunkStream(oneByOne)))).resolves.toEqual({ events: expected });
    const tricky = splitAt(fixture.bytes, trickyOffsets(fixture.bytes));
    await expect(collect(parseEventStream(chunkStream(tricky)))).resolves.toEqual({ events: expected });
  });

  it('gives the same events for any chunking (property)', async () => {
    const tricky = trickyOffsets(fixture.bytes);
    const offset = fc.oneof(
      fc.integer({ min: 1, max: fixture.bytes.length - 1 }),
      ...(tricky.length > 0 ? [fc.constantFrom(...tricky)] : []),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(offset, { maxLength: 60 }), async (cuts) => {
        const result = await collect(parseEventStream(chunkStream(splitAt(fixture.bytes, cuts))));
        expect(result).toEqual({ events: expected });
      }),
      seeded(40),
    );
  });

  it('fails with StreamDisconnectedError after every complete frame when cut anywhere before done', async () => {
    const doneAt = fixture.text.lastIndexOf('event: done');
    expect(doneAt).toBeGreaterThan(0);
    const end = encoder.encode(fixture.text.slice(0, doneAt)).length;
    // Every offset up to 300 bytes, then about 60 spread over the rest, plus the frame boundaries.
    const cuts = new Set<number>();
    for (let i = 0; i <= Math.min(300, end); i++) cuts.add(i);
    for (let i = 300; i <= end; i += Math.max(1, Math.floor((end - 300) / 60))) cuts.add(i);
    for (const offset of trickyOffsets(fixture.bytes)) if (offset <= end) cuts.add(offset);
    cuts.add(end);

    for (const cut of cuts) {
      const prefix = fixture.bytes.subarray(0, cut);
      const before = referenceEvents(new TextDecoder().decode(prefix));
      const result = await collect(parseEventStream(chunkStream(splitAt(prefix, [cut >> 1]))));
      expect(result.events, `cut at ${cut}`).toEqual(before);
      expect(result.error, `cut at ${cut}`).toBeInstanceOf(StreamDisconnectedError);
      expect((result.error as StreamDisconnectedError).receivedBytes).toBe(cut);
      expect((result.error as Error).message).toContain(`before its "done" event (${cut} bytes received)`);
    }
  });

  it('fails with StreamDisconnectedError carrying the cause when the connection breaks', async () => {
    const cut = fixture.bytes.length >> 1;
    const prefix = fixture.bytes.subarray(0, cut);
    const reset = new TypeError('socket hang up');
    const result = await collect(parseEventStream(chunkStream([prefix], { end: reset })));
    expect(result.events).toEqual(referenceEvents(new TextDecoder().decode(prefix)));
    expect(result.error).toBeInstanceOf(StreamDisconnectedError);
    expect((result.error as Error).cause).toBe(reset);
    expect((result.error as Error).message).toContain('socket hang up');
  });
});

describe.each([
  'createRun__streaming',
  'createThreadAndRun__streaming-with-functions',
  'submitToolOutputs__streaming',
])('malformed/%s.sse.txt', (name) => {
  const text = readFixture('malformed', `${name}.sse.txt`);

  /** The reference events up to the first frame whose data is not JSON, and that frame. */
  function expectation() {
    const frames = text.split('\n\n').filter((frame) => /^event: /m.test(frame) && /^data: /m.test(frame));
    const good: string[] = [];
    for (const frame of frames) {
      const event = /^event: (.*)$/m.exec(frame)![1]!;
      const data = /^data: (.*)$/m.exec(frame)![1]!;
      try {
        JSON.parse(data);
      } catch {
        return { before: referenceEvents(`${good.join('\n\n')}\n\n`), event, data };
      }
      good.push(frame);
    }
    throw new Error(`${name} has no malformed frame`);
  }

  it('delivers every earlier event, then fails with StreamParseError naming the event and quoting its data', async () => {
    const { before, event, data } = expectation();
    const result = await collect(viaFetchClient([text]));
    expect(result.events).toEqual(before);
    expect(result.error).toBeInstanceOf(StreamParseError);
    const error = result.error as StreamParseError;
    expect(error.event).toBe(event);
    expect(error.raw).toBe(data.length > 200 ? `${data.slice(0, 200)}…` : data);
    expect(error.message).toContain(`"${event}"`);
    // quoted as a JSON string literal
    expect(error.message).toContain(JSON.stringify(data.slice(0, 40)).slice(0, -1));
    expect(error.message).toContain('invalid JSON');
  });
});
