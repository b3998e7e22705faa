import { describe, expect, it, vi } from 'vitest';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { RunStreamError, StreamDisconnectedError, StreamParseError } from '../../src/errors/StreamErrors';
import type { RunEvent } from '../../src/events/RunEvent';
import { fromServerSentEvents } from '../../src/relay/fromServerSentEvents';
import { collect, streamOf, utf8 } from './helpers';

const created = {
  event: 'thread.run.created',
  data: { id: 'run_1', thread_id: 'thread_1', status: 'queued' },
} as RunEvent;
const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const DONE = 'event: done\ndata: [DONE]\n\n';

const sseResponse = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'text/event-stream' } });

describe('fromServerSentEvents', () => {
  it('reads a Response: events until done, skipping comments and keep-alives', async () => {
    const body = `: keep-alive\n\n${frame('thread.run.created', created.data)}: keep-alive\n\nevent: ping\ndata: {}\n\n${DONE}`;
    expect(await collect(fromServerSentEvents(sseResponse(body)))).toEqual({ events: [created] });
  });

  it('turns an error frame into a RunStreamError carrying the payload, after the earlier events', async () => {
    const payload = { message: 'Rate limit', code: 'rate_limit_exceeded', status: 429 };
    const outcome = await collect(
      fromServerSentEvents(
        sseResponse(`${frame('thread.run.created', created.data)}${frame('error', payload)}`),
      ),
    );
    expect(outcome.events).toEqual([created]);
    expect(outcome.error).toBeInstanceOf(RunStreamError);
    expect((outcome.error as RunStreamError).payload).toEqual(payload);
  });

  it('turns a non-2xx Response into an AssistantsApiError with the server’s facts', async () => {
    const response = new Response(
      JSON.stringify({
        error: { message: 'Thread not found', type: 'invalid_request_error', code: 'not_found', param: null },
      }),
      { status: 404, headers: { 'content-type': 'application/json', 'x-request-id': 'req_1' } },
    );
    const { events, error } = await collect(fromServerSentEvents(response, { method: 'POST' }));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect(error).toMatchObject({
      status: 404,
      method: 'POST',
      code: 'not_found',
      type: 'invalid_request_error',
      requestId: 'req_1',
      message: expect.stringContaining('HTTP 404: Thread not found'),
    });
  });

  it('gives the same AssistantsApiError to a second subscription (a retry sees the status again)', async () => {
    const events$ = fromServerSentEvents(new Response('{"error":{"message":"busy"}}', { status: 503 }));
    const first = await collect(events$);
    const second = await collect(events$);
    expect(first.error).toBeInstanceOf(AssistantsApiError);
    expect(second.error).toBeInstanceOf(AssistantsApiError);
    expect((second.error as AssistantsApiError).status).toBe(503);
  });

  it('keeps the start of a non-JSON error body as the message', async () => {
    const { error } = await collect(fromServerSentEvents(new Response('Bad gateway', { status: 502 })));
    expect(error).toBeInstanceOf(AssistantsApiError);
    // A constructed Response has no URL; the method defaults to GET.
    expect((error as AssistantsApiError).message).toBe('GET  failed with HTTP 502: Bad gateway');
  });

  it('errors with StreamDisconnectedError for a body that ends before done, after its events', async () => {
    const outcome = await collect(
      fromServerSentEvents(
        streamOf([utf8(frame('thread.run.created', created.data)), utf8('event: thread.mes')]),
      ),
    );
    expect(outcome.events).toEqual([created]);
    expect(outcome.error).toBeInstanceOf(StreamDisconnectedError);
  });

  it('errors with StreamDisconnectedError for a 2xx Response without a body', async () => {
    const { error } = await collect(fromServerSentEvents(new Response(null, { status: 204 })));
    expect(error).toBeInstanceOf(StreamDisconnectedError);
  });

  it('errors with StreamParseError for a frame that is not JSON, and honours maxEventBytes', async () => {
    const bad = await collect(
      fromServerSentEvents(sseResponse('event: thread.run.created\ndata: {oops\n\n')),
    );
    expect(bad.error).toBeInstanceOf(StreamParseError);
    const big = await collect(
      fromServerSentEvents(sseResponse(frame('thread.run.created', { pad: 'x'.repeat(200) })), {
        maxEventBytes: 100,
      }),
    );
    expect(big.error).toBeInstanceOf(StreamParseError);
  });

  it('is cold, and unsubscribing cancels the body', async () => {
    const cancel = vi.fn();
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          if (pulls === 1) controller.enqueue(utf8(frame('thread.run.created', created.data)));
          // Then stays open, like a run that is thinking.
          return new Promise(() => {});
        },
        cancel,
      },
      { highWaterMark: 0 },
    );
    const events$ = fromServerSentEvents(body);
    expect(body.locked).toBe(false);

    const events: RunEvent[] = [];
    const subscription = events$.subscribe((event) => events.push(event));
    await vi.waitFor(() => expect(events).toEqual([created]), { interval: 1 });
    subscription.unsubscribe();
    expect(cancel).toHaveBeenCalledTimes(1);
  });

  it('says clearly that a body can be read only once', async () => {
    const response = sseResponse(DONE);
    const events$ = fromServerSentEvents(response);
    expect(await collect(events$)).toEqual({ events: [] });
    const again = await collect(events$);
    expect(again.error).toBeInstanceOf(TypeError);
    expect((again.error as Error).message).toMatch(/already read.*send the request again/);

    const stream = streamOf([utf8(DONE)]);
    stream.getReader();
    expect((await collect(fromServerSentEvents(stream))).error).toBeInstanceOf(TypeError);
  });

  it('throws a TypeError at once for what it cannot read', () => {
    expect(() => fromServerSentEvents('event: done' as never)).toThrow(
      /expects a fetch Response or a ReadableStream/,
    );
    expect(() => fromServerSentEvents(null as never)).toThrow(TypeError);
    expect(() => fromServerSentEvents(sseResponse(DONE), { maxEventBytes: 0 })).toThrow(/maxEventBytes/);
  });
});
