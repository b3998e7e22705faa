import { describe, expect, it, vi } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { completeResponse } from '../../src/promises/completeResponse';
import { emulatorPerTest } from '../helpers/emulators';

const start = emulatorPerTest();

const tools = [
  {
    type: 'function',
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
];
const ask = { model: 'gpt-4o-mini', input: 'Use get_weather with {"city": "Oslo"}', tools };

async function world(options: Parameters<typeof start>[0] = {}) {
  const emulator = await start(options);
  return { emulator, client: fetchClient({ baseURL: emulator.url, apiKey: 'k' }) };
}

const creates = (emulator: Awaited<ReturnType<typeof start>>) =>
  emulator.requests.filter((request) => request.endpoint === 'responses.create');

describe.each(['stream', 'poll'] as const)('completeResponse (%s mode)', (mode) => {
  const config = { mode, poll: { intervalMs: 20 } };

  it('answers the function call and resolves with the last response of the chain and its text', async () => {
    const { emulator, client } = await world();
    const calls: unknown[] = [];
    const { response, text } = await completeResponse(client, ask, {
      ...config,
      handlers: {
        get_weather: (args: { city: string }) => {
          calls.push(args);
          return { city: args.city, temperature_c: 7 };
        },
      },
    });
    expect(calls).toEqual([{ city: 'Oslo' }]);
    expect(response.status).toBe('completed');
    expect(response.previous_response_id).toMatch(/^resp_/);
    expect(text).toContain('get_weather returned');
    // The first response and one continuation, each created once.
    expect(creates(emulator)).toHaveLength(2);
  });

  it('a response without tools resolves with its text', async () => {
    const { emulator, client } = await world();
    const { response, text } = await completeResponse(
      client,
      { model: 'gpt-4o-mini', input: '2 + 2' },
      config,
    );
    expect(response.status).toBe('completed');
    expect(text).toBe('2 + 2 = 4');
    expect(creates(emulator)).toHaveLength(1);
  });

  it('without handlers, a response that calls a function resolves with the call in its output and no text', async () => {
    const { client } = await world();
    const { response, text } = await completeResponse(client, ask, config);
    expect(response.status).toBe('completed');
    expect(response.output.map((item) => item.type)).toContain('function_call');
    expect(text).toBe('');
  });
});

describe('completeResponse: aborts and bad arguments', () => {
  it('an abort cancels the background response once and rejects with the reason', async () => {
    const { emulator, client } = await world({ latencyMs: 50 });
    const controller = new AbortController();
    const done = completeResponse(
      client,
      { model: 'gpt-4o-mini', input: 'Tell me a long story about the sea' },
      { signal: controller.signal },
    );
    await vi.waitFor(() => expect(emulator.responses()).toHaveLength(1));
    controller.abort();
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(emulator.responses()[0]?.status).toBe('cancelled'));
    expect(emulator.requests.filter((request) => request.endpoint === 'responses.cancel')).toHaveLength(1);
  });

  it('bad arguments reject with a TypeError that says what to do', async () => {
    const { client } = await world();
    await expect(completeResponse(client, { ...ask, stream: true })).rejects.toThrow(/params.stream/);
    await expect(completeResponse(client, ask, { onError: 'cancel' })).rejects.toThrow(
      /onError configures the tool handlers/,
    );
    await expect(completeResponse(client, ask, { signal: {} as AbortSignal })).rejects.toThrow(
      /signal must be an AbortSignal/,
    );
  });
});
