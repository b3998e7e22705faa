import OpenAI from 'openai';
import OpenAIv4 from 'openai-v4';
import OpenAIv5 from 'openai-v5';
import OpenAIv7 from 'openai-v7';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type OpenAILike, openaiClient } from '../../src/client/openaiClient';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { finalMessages } from '../../src/operators/finalMessages';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import { runStatus } from '../../src/operators/runStatus';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import { emulatorPerTest } from '../helpers/emulators';

/**
 * `openaiClient` on every SDK major from v4 on, each with its own default HTTP stack (v4 uses
 * node-fetch on Node, later majors the global fetch), against the emulator: a streamed run with a
 * tool round, the same run polled, and an HTTP error. openai@6 is the main devDependency; the
 * others are installed as `openai-v4`, `openai-v5` and `openai-v7` (v7 declares Node ≥ 22; it is
 * run here on the Node of the test run; CI runs the suite on Node 24 as well).
 */

const SDKS: [string, new (options: { apiKey: string; baseURL: string; maxRetries: number }) => unknown][] = [
  ['openai@4', OpenAIv4],
  ['openai@5', OpenAIv5],
  ['openai@6', OpenAI],
  ['openai@7', OpenAIv7],
];

const startEmulator = emulatorPerTest({ latencyMs: 1 });
const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
const textOf = (message: { content: { type: string; text?: { value: string } }[] } | undefined) =>
  message?.content.map((block) => block.text?.value ?? '').join('');

describe.each(SDKS)('openaiClient on %s, default transport, against the emulator', (_name, SDK) => {
  async function setup() {
    const emulator = await startEmulator();
    const sdk = new SDK({ apiKey: 'k', baseURL: emulator.url, maxRetries: 0 }) as OpenAILike;
    const client = openaiClient(sdk);
    const assistant = await firstValueFrom(client.assistants.create({ model: 'gpt-4o', tools: [weather] }));
    return { emulator, client, assistant_id: assistant.id };
  }
  const ask = { messages: [{ role: 'user' as const, content: 'Weather? get_weather {"city": "Oslo"}' }] };

  it.each(['stream', 'poll'] as const)('runs a tool round to the final message (%s mode)', async (mode) => {
    const { client, assistant_id } = await setup();
    const events = await lastValueFrom(
      createThreadAndRun(client, { assistant_id, thread: ask }, { mode, poll: { intervalMs: 5 } }).pipe(
        handleRequiresAction(client, { get_weather: ({ city }: { city: string }) => `sunny in ${city}` }),
        toArray(),
      ),
    );
    const statuses = await lastValueFrom(runStatus()(from(events)).pipe(toArray()));
    expect(statuses).toContain('requires_action');
    expect(statuses.at(-1)).toBe('completed');
    const [message] = await lastValueFrom(finalMessages()(from(events)));
    expect(textOf(message)).toBe('get_weather returned: sunny in Oslo');
  });

  it('maps an HTTP error to AssistantsApiError with the status and the server message', async () => {
    const { client } = await setup();
    const error = await firstValueFrom(client.threads.retrieve('thread_missing')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssistantsApiError);
    expect(error).toMatchObject({
      status: 404,
      message: expect.stringContaining("No thread found with id 'thread_missing'"),
    });
  });
});
