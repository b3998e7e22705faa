import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { NODE_SSE_HEADERS, SSE_DONE_FRAME, SSE_HEADERS, sseFrame } from '../../src/relay/sseFrame';
import { toServerSentEvents } from '../../src/relay/toServerSentEvents';
import { runFixture } from '../emulator/helpers';
import { emulatorPerTest } from '../helpers/emulators';
import { concatBytes, readChunks, text } from './helpers';

/** The one SSE encoder: its frames, and the relay and the emulator writing the same bytes with it. */

const startEmulator = emulatorPerTest();

describe('sseFrame', () => {
  it('writes the API format: event line, data line, blank line; done as [DONE]', () => {
    expect(sseFrame('thread.run.created', '{"id":"run_1"}')).toBe(
      'event: thread.run.created\ndata: {"id":"run_1"}\n\n',
    );
    expect(SSE_DONE_FRAME).toBe('event: done\ndata: [DONE]\n\n');
  });

  it('has one header set: no caching, no transforming proxy, no nginx buffering (plus keep-alive on Node)', () => {
    expect(SSE_HEADERS).toEqual({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    expect(NODE_SSE_HEADERS).toEqual({ ...SSE_HEADERS, connection: 'keep-alive' });
  });

  it('the emulator answers a stream with those headers, and the relay re-encodes its events to the same bytes', async () => {
    const emulator = await startEmulator({ latencyMs: 0 });
    const { api, thread, assistant } = await runFixture(emulator);
    await api.post(`/threads/${thread.id}/messages`, { role: 'user', content: 'Say something, emulator.' });
    const answer = await api.stream(`/threads/${thread.id}/runs`, { assistant_id: assistant.id });
    expect(answer.status).toBe(200);
    for (const [name, value] of Object.entries(NODE_SSE_HEADERS)) {
      expect([name, answer.headers.get(name)]).toEqual([name, value]);
    }
    expect(answer.frames.at(-1)).toEqual({ event: 'done', data: '[DONE]' });
    const events = answer.frames
      .filter((frame) => frame.event !== 'done')
      .map((frame) => ({ event: frame.event, data: JSON.parse(frame.data) }) as RunEvent);
    expect(events.length).toBeGreaterThan(5);
    const relayed = text(
      concatBytes(await readChunks(toServerSentEvents(from(events), { keepAliveMs: false }))),
    );
    expect(relayed).toBe(answer.text);
  });
});
