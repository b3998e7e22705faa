import { describe, expect, it } from 'vitest';
import { type Brain, startEmulator } from '../../src/emulator';
import { rngFor, runSeeds } from './harness';
import { activeResources, leakedResources } from './probes';

// The fault the drop rows rely on: the emulator's `drop` must cut a stream after exactly
// `afterBytes` bytes of its body, wherever that falls (inside a frame, on a frame boundary, inside
// a UTF-8 sequence, after a frame too big for the socket buffers). Found by the suite: a drop on a
// boundary right after frames written in the same tick used to destroy the socket with them still
// corked, so the client got nothing (fixed in src/emulator/sse.ts).

const brain: Brain = ({ lastUserText }) =>
  lastUserText === 'big'
    ? [{ type: 'text', text: ['Ω'.repeat(150_000), ' end'] }]
    : [{ type: 'text', text: 'Héllo wörld, 日本語 and 🙂 — a few words to stream.' }];

/** Starts an emulator, streams one run, and returns the body bytes the client received. */
async function streamedBytes(prompt: string, afterBytes?: number): Promise<number> {
  const emulator = await startEmulator({
    latencyMs: 1,
    brain,
    ...(afterBytes === undefined
      ? {}
      : { faults: { rules: [{ type: 'drop', on: 'runs.create', afterBytes }] } }),
  });
  try {
    const post = async (path: string, body: unknown) =>
      fetch(`${emulator.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const assistant = (await (await post('/assistants', { model: 'gpt-4o' })).json()) as { id: string };
    const thread = (await (
      await post('/threads', { messages: [{ role: 'user', content: prompt }] })
    ).json()) as {
      id: string;
    };
    const response = await post(`/threads/${thread.id}/runs`, { assistant_id: assistant.id, stream: true });
    let received = 0;
    const reader = response.body?.getReader();
    try {
      for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
        received += read.value.byteLength;
      }
    } catch {
      // the drop: the connection ends without `done`
    }
    return received;
  } finally {
    await emulator.close();
  }
}

/** Byte offsets where the frames of an SSE body end. */
async function frameEnds(prompt: string): Promise<{ total: number; ends: number[] }> {
  const emulator = await startEmulator({ latencyMs: 1, brain });
  try {
    const post = async (path: string, body: unknown) =>
      fetch(`${emulator.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const assistant = (await (await post('/assistants', { model: 'gpt-4o' })).json()) as { id: string };
    const thread = (await (
      await post('/threads', { messages: [{ role: 'user', content: prompt }] })
    ).json()) as {
      id: string;
    };
    const body = await (
      await post(`/threads/${thread.id}/runs`, { assistant_id: assistant.id, stream: true })
    ).text();
    const ends: number[] = [];
    let at = 0;
    for (const frame of body.split('\n\n').slice(0, -1)) {
      at += Buffer.byteLength(`${frame}\n\n`);
      ends.push(at);
    }
    return { total: Buffer.byteLength(body), ends };
  } finally {
    await emulator.close();
  }
}

describe('the emulator drop fault', () => {
  it('cuts after exactly afterBytes: every frame boundary (±1) and random offsets', {
    timeout: 120_000,
  }, async () => {
    const baseline = activeResources();
    const { total, ends } = await frameEnds('small');
    const rng = rngFor('emulator-drops', 1);
    const offsets = [
      0,
      ...ends.flatMap((end) => [end - 1, end, end + 1]),
      ...Array.from({ length: 40 }, () => rng.int(0, total - 1)),
    ].filter((n) => n >= 0 && n < total);
    const result = await runSeeds(offsets, 8, async (afterBytes) => {
      const received = await streamedBytes('small', afterBytes);
      if (received !== afterBytes)
        throw new Error(`afterBytes ${afterBytes}: the client received ${received}`);
      return { outcome: 'exact' };
    });
    expect(result.failures).toEqual([]);
    expect(result.outcomes['exact']).toBe(offsets.length);
    expect(await leakedResources(baseline)).toEqual({});
  });

  it('cuts after exactly afterBytes when a frame is larger than the socket buffers', {
    timeout: 60_000,
  }, async () => {
    const { ends } = await frameEnds('big');
    // Inside the completed message (its payload repeats the 300 kB text), and right on its start.
    const bigStart = ends.at(-5) ?? 0;
    for (const afterBytes of [bigStart, bigStart + 123_457]) {
      expect(await streamedBytes('big', afterBytes)).toBe(afterBytes);
    }
  });
});
