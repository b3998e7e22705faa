import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseEventStream } from '../../src/client/parseEventStream';
import { RunStreamError, StreamDisconnectedError, StreamParseError } from '../../src/errors/StreamErrors';
import { seeded } from '../helpers/seeded';
import { collect } from '../relay/helpers';
import { chunkStream, splitAt, streamingClient, trickyOffsets } from './fakeFetch';
import { recordedResponseStreams, referenceResponseEvents } from './responseRecordings';

/**
 * Responses streams through the clients' parser (`family: 'responses'`): the recorded bodies give
 * the JSON of each `data:` line, whatever the chunking; malformed frames, `error` frames and bodies
 * cut before the terminal event fail with typed errors after everything that came before.
 */

const encoder = new TextEncoder();

const parse = (chunks: readonly (string | Uint8Array)[], options: { maxEventBytes?: number } = {}) =>
  collect(parseEventStream(chunkStream(chunks), { ...options, family: 'responses' }));

const viaFetchClient = (chunks: readonly (string | Uint8Array)[]) =>
  streamingClient(chunks).responses.createStream({ model: 'gpt-4o-mini', input: 'Hello' });

const streams = recordedResponseStreams();

it('has the recorded Responses streams, one with multi-byte characters', () => {
  expect(streams).toHaveLength(3);
  expect(streams.some((s) => s.bytes.length > s.text.length)).toBe(true);
});

describe.each(streams)('$name', (stream) => {
  const expected = referenceResponseEvents(stream.text);

  it('gives exactly the JSON of each data line through fetchClient(...).responses.createStream', async () => {
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.at(-1)?.type).toBe('response.completed');
    await expect(collect(viaFetchClient([stream.bytes]))).resolves.toEqual({ events: expected });
    await expect(collect(viaFetchClient(stream.lines))).resolves.toEqual({ events: expected });
  });

  it('gives the same events one byte at a time, and cut inside every \\n\\n and multi-byte character', async () => {
    const oneByOne = Array.from(stream.bytes, (byte) => Uint8Array.of(byte));
    await expect(parse(oneByOne)).resolves.toEqual({ events: expected });
    await expect(parse(splitAt(stream.bytes, trickyOffsets(stream.bytes)))).resolves.toEqual({
      events: expected,
    });
  });

  it('gives the same events for any chunking (property)', async () => {
    const tricky = trickyOffsets(stream.bytes);
    const offset = fc.oneof(fc.integer({ min: 1, max: stream.bytes.length - 1 }), fc.constantFrom(...tricky));
    await fc.assert(
      fc.asyncProperty(fc.array(offset, { maxLength: 60 }), async (cuts) => {
        expect(await parse(splitAt(stream.bytes, cuts))).toEqual({ events: expected });
      }),
      seeded(40),
    );
  });

  it('cut anywhere: the complete frames, then StreamDisconnectedError before the terminal event, completion after it', async () => {
    const terminalEnd = encoder.encode(stream.text.slice(0, stream.text.lastIndexOf('\n\n') + 2)).length;
    const cuts = new Set<number>([terminalEnd - 1, terminalEnd]);
    for (let i = 0; i <= stream.bytes.length; i += Math.max(1, Math.floor(stream.bytes.length / 150))) {
      cuts.add(i);
    }
    for (const offset of trickyOffsets(stream.bytes)) cuts.add(offset);
    for (const cut of cuts) {
      const prefix = stream.bytes.subarray(0, cut);
      const before = referenceResponseEvents(new TextDecoder().decode(prefix));
      const result = await parse(splitAt(prefix, [cut >> 1]));
      expect(result.events, `cut at ${cut}`).toEqual(before);
      if (cut >= terminalEnd) {
        expect(result.error, `cut at ${cut}`).toBeUndefined();
      } else {
        expect(result.error, `cut at ${cut}`).toBeInstanceOf(StreamDisconnectedError);
        expect((result.error as StreamDisconnectedError).receivedBytes).toBe(cut);
        expect((result.error as Error).message).toContain(
          `ended before a terminal response event (${cut} bytes received)`,
        );
      }
    }
  });
});

const response = (status: string, output: unknown[] = []) => ({
  id: 'resp_1',
  object: 'response',
  status,
  output,
});
const frame = (data: unknown, event?: string) =>
  `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const created = { type: 'response.created', sequence_number: 0, response: response('in_progress') };
const delta = {
  type: 'response.output_text.delta',
  sequence_number: 1,
  item_id: 'msg_1',
  output_index: 0,
  content_index: 0,
  delta: 'Hi',
};
const completed = { type: 'response.completed', sequence_number: 2, response: response('completed') };

describe('parseEventStream({ family: "responses" })', () => {
  it('reads the type from the data: the event line may be absent or differ', async () => {
    const result = await parse([frame(created), frame(delta, 'something.else'), frame(completed)]);
    expect(result).toEqual({ events: [created, delta, completed] });
  });

  it('emits keepalive and unknown types as they are; skips comments and frames without data', async () => {
    const keepalive = { type: 'keepalive', sequence_number: 1 };
    const future = { type: 'response.hologram.delta', sequence_number: 2, anything: [1] };
    const result = await parse([
      frame(created, 'response.created'),
      ': ping\n\n',
      'event: ping\ndata: \n\n',
      frame(keepalive, 'keepalive'),
      frame(future),
      frame(completed, 'response.completed'),
    ]);
    expect(result).toEqual({ events: [created, keepalive, future, completed] });
  });

  it.each([
    ['response.completed', 'completed'],
    ['response.failed', 'failed'],
    ['response.incomplete', 'incomplete'],
  ])('completes when the body ends after %s', async (type, status) => {
    const terminal = { type, sequence_number: 1, response: response(status) };
    await expect(parse([frame(created), frame(terminal)])).resolves.toEqual({ events: [created, terminal] });
  });

  it('completes at data: [DONE] and cancels the rest of the body', async () => {
    const onCancel = vi.fn();
    const body = chunkStream([frame(created), 'event: done\ndata: [DONE]\n\n', frame(delta)], {
      onCancel,
      end: 'hang',
    });
    const result = await collect(parseEventStream(body, { family: 'responses' }));
    expect(result).toEqual({ events: [created] });
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('errors with StreamDisconnectedError when the body ends before a terminal event', async () => {
    const result = await parse([frame(created), frame(delta)]);
    expect(result.events).toEqual([created, delta]);
    expect(result.error).toBeInstanceOf(StreamDisconnectedError);
  });

  it('errors with StreamDisconnectedError carrying the cause when the connection breaks', async () => {
    const reset = new TypeError('socket hang up');
    const result = await collect(
      parseEventStream(chunkStream([frame(created)], { end: reset }), { family: 'responses' }),
    );
    expect(result.events).toEqual([created]);
    expect(result.error).toBeInstanceOf(StreamDisconnectedError);
    expect((result.error as Error).cause).toBe(reset);
    expect((result.error as Error).message).toContain('broke before a terminal response event');
  });

  it.each([
    [
      'a type "error" frame',
      frame({ type: 'error', code: 'server_error', message: 'The model broke.', sequence_number: 2 }),
    ],
    [
      'an event: error frame',
      frame({ type: 'error', code: 'server_error', message: 'The model broke.' }, 'error'),
    ],
    [
      'a nested error',
      frame({ type: 'error', error: { code: 'server_error', message: 'The model broke.' } }),
    ],
  ])(
    'errors with RunStreamError carrying the payload for %s, after the earlier events',
    async (_name, bad) => {
      const result = await parse([frame(created), frame(delta), bad, frame(completed)]);
      expect(result.events).toEqual([created, delta]);
      expect(result.error).toBeInstanceOf(RunStreamError);
      expect((result.error as RunStreamError).payload).toMatchObject({
        code: 'server_error',
        message: 'The model broke.',
      });
      expect((result.error as Error).message).toBe(
        'The server sent an error event: The model broke. (server_error)',
      );
    },
  );

  it('keeps the raw text of an error frame that is not JSON', async () => {
    const result = await parse([frame(created), 'event: error\ndata: upstream timeout\n\n']);
    expect((result.error as RunStreamError).payload).toEqual({ message: 'upstream timeout' });
  });

  it.each<[string, string, string | undefined, string]>([
    [
      'data that is not JSON (named by its event line, when it has one: none here)',
      '{"type":"response.output_text.delta",',
      undefined,
      'invalid JSON',
    ],
    ['data that is not an object', '[1,2]', undefined, 'the data is not a JSON object'],
    ['no type', JSON.stringify({ sequence_number: 1 }), undefined, '"type" is not a string'],
    [
      'a lifecycle event without response',
      JSON.stringify({ type: 'response.in_progress', sequence_number: 1 }),
      'response.in_progress',
      '"response": not a JSON object',
    ],
    [
      'a response without output',
      JSON.stringify({ type: 'response.completed', response: { id: 'resp_1', status: 'completed' } }),
      'response.completed',
      '"response": "output" is not an array',
    ],
    [
      'a bad output_index',
      JSON.stringify({ type: 'response.output_item.added', output_index: -1, item: { type: 'message' } }),
      'response.output_item.added',
      '"output_index" is not a whole number ≥ 0',
    ],
    [
      'an item without type',
      JSON.stringify({ type: 'response.output_item.done', output_index: 0, item: { id: 'msg_1' } }),
      'response.output_item.done',
      '"item": "type" is not a string',
    ],
    [
      'a negative sequence_number',
      JSON.stringify({ ...delta, sequence_number: -1 }),
      'response.output_text.delta',
      '"sequence_number" is not a whole number ≥ 0',
    ],
    [
      'a delta that is not a string',
      JSON.stringify({ ...delta, delta: 42 }),
      'response.output_text.delta',
      '"delta" is not a string',
    ],
    [
      'a fractional content_index',
      JSON.stringify({ ...delta, content_index: 0.5 }),
      'response.output_text.delta',
      '"content_index" is not a whole number ≥ 0',
    ],
    [
      'arguments done without arguments',
      JSON.stringify({ type: 'response.function_call_arguments.done', output_index: 0, item_id: 'fc_1' }),
      'response.function_call_arguments.done',
      '"arguments" is not a string',
    ],
  ])('errors with StreamParseError for %s, after the earlier events', async (_name, data, event, reason) => {
    const result = await parse([frame(created), `data: ${data}\n\n`, frame(completed)]);
    expect(result.events).toEqual([created]);
    expect(result.error).toBeInstanceOf(StreamParseError);
    const error = result.error as StreamParseError;
    expect(error.event).toBe(event);
    expect(error.raw).toBe(data);
    expect(error.message).toContain(reason);
  });

  it('names a frame that is not JSON by its event line', async () => {
    const result = await parse([frame(created), 'event: response.output_text.delta\ndata: {"delta":\n\n']);
    expect(result.events).toEqual([created]);
    expect(result.error).toMatchObject({ name: 'StreamParseError', event: 'response.output_text.delta' });
  });

  it('errors with StreamParseError for an event larger than maxEventBytes, whatever the chunking', async () => {
    const big = { ...delta, delta: 'x'.repeat(2000) };
    const body = frame(created) + frame(big) + frame(completed);
    for (const size of [1, 7, 64, body.length]) {
      const chunks = body.match(new RegExp(`[^]{1,${size}}`, 'g')) ?? [];
      const result = await parse(chunks, { maxEventBytes: 1024 });
      expect(result.events, `chunks of ${size}`).toEqual([created]);
      expect(result.error, `chunks of ${size}`).toBeInstanceOf(StreamParseError);
      expect((result.error as Error).message).toContain('larger than maxEventBytes (1024)');
    }
  });

  it('refuses an unknown family at once', () => {
    expect(() => parseEventStream(chunkStream([]), { family: 'chat' as unknown as 'responses' })).toThrow(
      "family must be 'assistants' or 'responses', got \"chat\".",
    );
  });

  it('reads an Assistants body as before when no family is given (thread.* frames only)', async () => {
    const run = { id: 'run_1', thread_id: 'thread_1', status: 'queued' };
    const body = `${frame(run, 'thread.run.created')}${frame(created)}event: done\ndata: [DONE]\n\n`;
    const events: unknown[] = [];
    await new Promise<void>((resolve, reject) =>
      parseEventStream(chunkStream([body])).subscribe({
        next: (e) => events.push(e),
        error: reject,
        complete: resolve,
      }),
    );
    expect(events).toEqual([{ event: 'thread.run.created', data: run }]);
  });
});
