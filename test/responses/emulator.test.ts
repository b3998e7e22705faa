import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { handleFunctionCalls } from '../../src/responses/operators/handleFunctionCalls';
import { isResponseLifecycleEvent, type ResponseEvent } from '../../src/responses/ResponseEvent';
import { cancelResponse } from '../../src/responses/sources/cancelResponse';
import { createResponse } from '../../src/responses/sources/createResponse';
import { watchResponse } from '../../src/responses/sources/watchResponse';
import type { ResponseObject } from '../../src/responses/types';
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

const textOf = (events: readonly ResponseEvent[]) =>
  events.map((e) => (e.type === 'response.output_text.delta' ? e.delta : '')).join('');
const lastResponse = (events: readonly ResponseEvent[]): ResponseObject | undefined =>
  events.filter(isResponseLifecycleEvent).at(-1)?.response;
const outputTextOf = (response: ResponseObject | undefined) =>
  (response?.output ?? [])
    .flatMap((item) =>
      item.type === 'message' ? (item as { content: { type: string; text?: string }[] }).content : [],
    )
    .map((part) => part.text ?? '')
    .join('');

describe.each(['stream', 'poll'] as const)('Responses runs against the emulator (%s mode)', (mode) => {
  const config = { mode, poll: { intervalMs: 20 } };

  it('a function tool round trip in one Observable: the call answered once, the continuation chained', async () => {
    const emulator = await start();
    const client = fetchClient({ baseURL: emulator.url, apiKey: 'k' });
    const calls: unknown[] = [];
    const events = await lastValueFrom(
      createResponse(client, ask, config).pipe(
        handleFunctionCalls(
          client,
          {
            get_weather: (args: { city: string }) => {
              calls.push(args);
              return { city: args.city, temperature_c: 7 };
            },
          },
          config,
        ),
        toArray(),
      ),
    );
    expect(calls).toEqual([{ city: 'Oslo' }]);
    const final = lastResponse(events);
    expect(final?.status).toBe('completed');
    expect(final?.previous_response_id).toMatch(/^resp_/);
    expect(outputTextOf(final)).toContain('get_weather returned');
    expect(textOf(events)).toContain(outputTextOf(final));
    expect(events.filter((e) => e.type === 'response.function_call_output')).toHaveLength(1);
    const creates = emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses'));
    expect(creates).toHaveLength(2);
  });

  it('unsubscribing once the id is known cancels exactly once', async () => {
    const emulator = await start({ latencyMs: 5 });
    const client = fetchClient({ baseURL: emulator.url, apiKey: 'k' });
    const first = await new Promise<ResponseEvent>((resolve) => {
      const sub = createResponse(
        client,
        { model: 'm', input: 'Tell me a long story about RxJS.' },
        config,
      ).subscribe((event) => {
        if (!isResponseLifecycleEvent(event)) return;
        sub.unsubscribe();
        resolve(event);
      });
    });
    const id = isResponseLifecycleEvent(first) ? first.response.id : '';
    await new Promise((resolve) => setTimeout(resolve, 100));
    const cancels = emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/cancel'));
    expect(cancels.map((r) => r.path)).toEqual([`/v1/responses/${id}/cancel`]);
    const after = await firstValueFrom(cancelResponse(client, { responseId: id }));
    expect(after.status).toBe('cancelled');
  });
});

describe('Responses runs against the emulator, with faults', () => {
  it('a stream dropped mid-response re-attaches from the cursor: same text, deltas add up', async () => {
    const emulator = await start({
      faults: { seed: 3, rules: [{ type: 'drop', on: 'responses.create', stream: true, afterBytes: 1500 }] },
    });
    const client = fetchClient({ baseURL: emulator.url, apiKey: 'k' });
    const events = await lastValueFrom(
      createResponse(client, { model: 'm', input: 'Count with me: one two three four five six seven.' }).pipe(
        toArray(),
      ),
    );
    const final = lastResponse(events);
    expect(final?.status).toBe('completed');
    expect(textOf(events)).toBe(outputTextOf(final));
    const numbers = events.map((e) => e.sequence_number).filter((n) => n !== undefined);
    expect(new Set(numbers).size).toBe(numbers.length);
    const reattach = emulator.requests.filter(
      (r) => r.method === 'GET' && r.path.startsWith('/v1/responses/'),
    );
    expect(reattach.length).toBeGreaterThan(0);
    expect(emulator.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('watchResponse follows a response from another subscriber without cancelling it', async () => {
    const emulator = await start({ latencyMs: 5 });
    const client = fetchClient({ baseURL: emulator.url, apiKey: 'k' });
    const created = await firstValueFrom(
      createResponse(client, { model: 'm', input: 'Say something.' }, { cancelOnUnsubscribe: false }).pipe(
        filter(isResponseLifecycleEvent),
      ),
    );
    const events = await lastValueFrom(
      watchResponse(client, { responseId: created.response.id }).pipe(toArray()),
    );
    expect(lastResponse(events)?.status).toBe('completed');
    expect(textOf(events)).toBe(outputTextOf(lastResponse(events)));
    expect(emulator.requests.filter((r) => r.path.endsWith('/cancel'))).toHaveLength(0);
  });
});
