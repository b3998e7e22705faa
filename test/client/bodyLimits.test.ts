import OpenAI from 'openai';
import { firstValueFrom, lastValueFrom, type Observable } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import { fetchClient } from '../../src/client/fetchClient';
import { InvalidResponseError } from '../../src/client/InvalidResponseError';
import { openaiClient } from '../../src/client/openaiClient';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { fakeFetch } from './fakeFetch';
import { closeAll, loopback } from './loopback';

/**
 * Issue 11, class 3: an endless body grew the process to 4.9 GB. Every body read stops at a limit
 * and cancels the rest.
 */

const BASE = 'https://api.example.test/v1';
const MiB = 1024 * 1024;
const CHUNK = 16 * 1024;

/** A body that never ends: `start`, then 16 KiB of spaces (JSON whitespace) per pull, counting pulls. */
function endless(start = '') {
  const state = { pulls: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulls++;
        const chunk = new Uint8Array(CHUNK).fill(0x20);
        if (state.pulls === 1) chunk.set(new TextEncoder().encode(start));
        controller.enqueue(chunk);
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}

const failureOf = (source: Observable<unknown>) => lastValueFrom(source).catch((e: unknown) => e);

type Make = (
  fetch: (url: string, init: RequestInit) => Promise<Response>,
  maxBodyBytes?: number,
) => AssistantsClient;
const clients: Record<string, Make> = {
  fetchClient: (fetch, maxBodyBytes) => fetchClient({ baseURL: BASE, fetch, maxRetries: 0, maxBodyBytes }),
  openaiClient: (fetch, maxBodyBytes) =>
    // biome-ignore lint/suspicious/noExplicitAny: the SDK types its fetch option its own way
    openaiClient(new OpenAI({ apiKey: 'k', baseURL: BASE, fetch: fetch as any, maxRetries: 0 }), {
      maxBodyBytes,
    }),
};

afterEach(closeAll);

describe.each(Object.keys(clients))('%s body limits', (name) => {
  const make = clients[name]!;

  it('errors a success answer whose body never ends with InvalidResponseError, and cancels it', async () => {
    const { body, state } = endless();
    const { fetch } = fakeFetch(
      () => new Response(body, { headers: { 'content-type': 'application/json' } }),
    );
    const error = await failureOf(make(fetch, MiB).runs.retrieve('thread_1', 'run_1'));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain(`larger than maxBodyBytes (${MiB} bytes)`);
    expect(state.cancelled).toBe(true);
    expect(state.pulls).toBeLessThanOrEqual(MiB / CHUNK + 2);
  });

  it('errors a stream request answered with an endless non-SSE body, bounded the same way', async () => {
    const { body, state } = endless();
    const { fetch } = fakeFetch(() => new Response(body, { headers: { 'content-type': 'text/html' } }));
    const error = await failureOf(make(fetch, MiB).runs.createStream('thread_1', { assistant_id: 'a' }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(state.cancelled).toBe(true);
    expect(state.pulls).toBeLessThanOrEqual(MiB / CHUNK + 2);
  });

  it('rejects a maxBodyBytes that is not a positive whole number at once', () => {
    const { fetch } = fakeFetch(() => new Response('{}'));
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1']) {
      expect(() => make(fetch, bad as number)).toThrow(
        /maxBodyBytes must be a positive whole number of bytes/,
      );
    }
  });
});

describe('fetchClient error answers', () => {
  it('reads at most 64 KiB of an endless error body, keeps it as the message, and cancels the rest', async () => {
    const { body, state } = endless('<html>Bad gateway');
    const { fetch } = fakeFetch(
      () => new Response(body, { status: 500, headers: { 'content-type': 'text/html' } }),
    );
    const error = await failureOf(
      fetchClient({ baseURL: BASE, fetch, maxRetries: 0 }).runs.retrieve('t', 'r'),
    );
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect((error as AssistantsApiError).status).toBe(500);
    expect((error as Error).message).toContain('<html>Bad gateway');
    expect(((error as AssistantsApiError).body as string).length).toBeLessThanOrEqual(64 * 1024);
    expect(state.cancelled).toBe(true);
    expect(state.pulls).toBeLessThanOrEqual(64 / 16 + 2);
  });
});

describe('fetchClient against a server that never stops sending', () => {
  it('stops reading at maxBodyBytes and closes the connection', async () => {
    const closed = vi.fn();
    const server = await loopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => {
        clearInterval(timer);
        closed();
      });
    });
    const client = fetchClient({ baseURL: `${server.origin}/v1`, maxRetries: 0, maxBodyBytes: MiB });
    const error = await firstValueFrom(client.runs.retrieve('thread_1', 'run_1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    await vi.waitFor(() => expect(closed).toHaveBeenCalled(), { timeout: 2000, interval: 10 });
  });
});
