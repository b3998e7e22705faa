import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { concat, from, lastValueFrom, type Observable, throwError, toArray } from 'rxjs';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { RunStreamError, StreamDisconnectedError } from '../../src/errors/StreamErrors';
import type { RunEvent } from '../../src/events/RunEvent';
import { fromServerSentEvents } from '../../src/relay/fromServerSentEvents';
import { pipeToNodeResponse } from '../../src/relay/pipeToNodeResponse';
import { sseFrame } from '../../src/relay/sseFrame';
import { toServerSentEvents } from '../../src/relay/toServerSentEvents';
import { toSSEResponse } from '../../src/relay/toSSEResponse';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import { recordedResponseStreams, referenceResponseEvents } from '../client/responseRecordings';
import {
  collect,
  expectSameAtAnyCut,
  readBackResponses,
  readChunks,
  relayBytes,
  streamOf,
  text,
} from './helpers';

/**
 * The relay over Responses events: each event written as the Responses API writes it
 * (`event: <type>` / `data: <the event>`), the relay's own end and error frames, and read back by
 * `fromServerSentEvents(…, { family: 'responses' })` as the same events at any chunking.
 */

const DONE = 'event: done\ndata: [DONE]\n\n';

describe.each(recordedResponseStreams())('relay of the recorded Responses stream $name', (stream) => {
  const events = referenceResponseEvents(stream.text);

  it('writes one chunk per event, as the API does (event: <type>, data: the event), then done', async () => {
    const chunks = await readChunks(toServerSentEvents(from(events), { keepAliveMs: false }));
    expect(chunks).toHaveLength(events.length + 1);
    expect(chunks.map(text)).toEqual([
      ...events.map((event) => sseFrame(event.type, JSON.stringify(event))),
      DONE,
    ]);
    // The recorded body, each data line re-serialised (`1.0` → `1`), is the same frames.
    const reserialised = stream.text.replace(
      /^data: (.+)$/gm,
      (_line, data: string) => `data: ${JSON.stringify(JSON.parse(data))}`,
    );
    expect(chunks.map(text).join('')).toBe(reserialised + DONE);
  });

  it('reads back the same events, cut one byte at a time and anywhere (property)', async () => {
    await expectSameAtAnyCut(await relayBytes(from(events)), readBackResponses, { events });
  });

  it('round-trips through toSSEResponse: SSE headers, then the same events', async () => {
    const response = toSSEResponse(from(events), { keepAliveMs: false });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events$ = fromServerSentEvents(response, { family: 'responses' });
    expectTypeOf(events$).toEqualTypeOf<Observable<ResponseEvent>>();
    await expect(lastValueFrom(events$.pipe(toArray()))).resolves.toEqual(events);
  });
});

const created: ResponseEvent = {
  type: 'response.created',
  sequence_number: 0,
  response: { id: 'resp_1', status: 'in_progress', output: [] },
};
const delta: ResponseEvent = {
  type: 'response.output_text.delta',
  sequence_number: 1,
  item_id: 'msg_1',
  output_index: 0,
  content_index: 0,
  delta: 'line\nbreak 😀 \u2028 event: done\n\ndata: [DONE]',
};

describe('relay of response events', () => {
  it("round-trips the library's own events (response.cancelled, response.function_call_output)", async () => {
    const events: ResponseEvent[] = [
      created,
      {
        type: 'response.function_call_output',
        response_id: 'resp_1',
        item: { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      },
      { type: 'response.cancelled', response: { id: 'resp_1', status: 'cancelled', output: [] } },
    ];
    expect(await readBackResponses(await relayBytes(from(events)), [])).toEqual({ events });
  });

  it('carries an error to the reader as RunStreamError, after every earlier event', async () => {
    const bytes = await relayBytes(
      concat(
        from([created, delta]),
        throwError(() => new RunStreamError({ code: 'server_error', message: 'The model broke.' })),
      ),
    );
    expect(
      text(bytes).endsWith('event: error\ndata: {"code":"server_error","message":"The model broke."}\n\n'),
    ).toBe(true);
    const outcome = await readBackResponses(bytes, [7, 300]);
    expect(outcome.events).toEqual([created, delta]);
    expect(outcome.error).toBeInstanceOf(RunStreamError);
    expect((outcome.error as RunStreamError).payload).toEqual({
      code: 'server_error',
      message: 'The model broke.',
    });
  });

  it('ends with an error frame naming an event it cannot write (a type with a line break)', async () => {
    const forged = { type: 'response.x\nevent: done' } as unknown as ResponseEvent;
    const outcome = await readBackResponses(await relayBytes(from([created, forged, delta])), []);
    expect(outcome.events).toEqual([created]);
    expect(outcome.error).toBeInstanceOf(RunStreamError);
    expect((outcome.error as Error).message).toContain(
      'Cannot relay an event named "response.x\\nevent: done"',
    );
  });

  it('still refuses a run event outside thread.* (the reader would skip it)', async () => {
    const events$ = from([{ event: 'ping', data: {} } as unknown as RunEvent]);
    const outcome = await collect(fromServerSentEvents(toServerSentEvents(events$, { keepAliveMs: false })));
    expect((outcome.error as Error).message).toContain('run event names are "thread.*"');
  });

  it('a reader of the Responses family sees a cut stream as StreamDisconnectedError', async () => {
    const bytes = await relayBytes(from([created, delta]));
    const cut = bytes.subarray(0, bytes.length - DONE.length);
    const outcome = await collect(fromServerSentEvents(streamOf([cut]), { family: 'responses' }));
    expect(outcome.events).toEqual([created, delta]);
    expect(outcome.error).toBeInstanceOf(StreamDisconnectedError);
  });

  it('refuses an unknown family at once', () => {
    expect(() => fromServerSentEvents(streamOf([]), { family: 'chat' as 'responses' })).toThrow(
      "fromServerSentEvents: family must be 'assistants' or 'responses', got \"chat\".",
    );
  });

  it('keeps the run-event reading by default (its type says so)', () => {
    expectTypeOf(fromServerSentEvents(streamOf([]))).toEqualTypeOf<Observable<RunEvent>>();
  });
});

describe('pipeToNodeResponse with response events', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('is read back over HTTP by fromServerSentEvents({ family: "responses" })', async () => {
    const [stream] = recordedResponseStreams();
    const events = referenceResponseEvents(stream?.text ?? '');
    server = createServer((_req, res) => {
      pipeToNodeResponse(from(events), res, { keepAliveMs: false });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    const outcome = await collect(fromServerSentEvents(response, { family: 'responses' }));
    expect(outcome).toEqual({ events });
  });
});
