import { firstValueFrom } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { ThreadBusyError } from '../../src/errors/ThreadBusyError';
import type { Message } from '../../src/events/types';
import { completeRun } from '../../src/promises/completeRun';
import { emulatorPerTest } from '../helpers/emulators';

const start = emulatorPerTest();

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const question = 'Use get_weather with {"city": "Oslo"}';

const textOf = (messages: readonly Message[]): string =>
  messages
    .flatMap((message) => message.content)
    .map((block) => (block.type === 'text' ? block.text.value : ''))
    .join('');

async function world(options: Parameters<typeof start>[0] = {}) {
  const emulator = await start(options);
  const client = fetchClient({ baseURL: emulator.url, apiKey: 'k' });
  const assistant = await firstValueFrom(
    client.assistants.create({ model: 'gpt-4o-mini', tools: [weatherTool] }),
  );
  return { emulator, client, assistant_id: assistant.id };
}

const runRequests = (emulator: Awaited<ReturnType<typeof start>>, endpoint: string) =>
  emulator.requests.filter((request) => request.endpoint === endpoint);

describe.each(['stream', 'poll'] as const)('completeRun (%s mode)', (mode) => {
  const config = { mode, poll: { intervalMs: 20 } };

  it('creates a thread and a run, answers the tool, and resolves with the final run and its messages', async () => {
    const { emulator, client, assistant_id } = await world();
    const calls: unknown[] = [];
    const { run, messages } = await completeRun(
      client,
      { assistant_id, thread: { messages: [{ role: 'user', content: question }] } },
      {
        ...config,
        handlers: {
          get_weather: (args: { city: string }) => {
            calls.push(args);
            return { city: args.city, temperature_c: 7 };
          },
        },
      },
    );
    expect(calls).toEqual([{ city: 'Oslo' }]);
    expect(run.status).toBe('completed');
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((message) => message.run_id === run.id && message.role === 'assistant')).toBe(true);
    expect(textOf(messages)).toContain('get_weather returned');
    // One run: one create, one submit.
    expect(runRequests(emulator, 'threads.createAndRun')).toHaveLength(1);
    expect(runRequests(emulator, 'runs.submitToolOutputs')).toHaveLength(1);
  });

  it('runs on an existing thread when params name it', async () => {
    const { emulator, client, assistant_id } = await world();
    const thread = await firstValueFrom(
      client.threads.create({ messages: [{ role: 'user', content: '2 + 2' }] }),
    );
    const { run, messages } = await completeRun(client, { threadId: thread.id, assistant_id }, config);
    expect(run).toMatchObject({ status: 'completed', thread_id: thread.id });
    expect(textOf(messages)).toBe('2 + 2 = 4');
    expect(runRequests(emulator, 'runs.create')).toHaveLength(1);
  });

  it('without handlers, a run that calls a tool resolves paused (and is warned about)', async () => {
    const { client, assistant_id } = await world();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { run, messages } = await completeRun(
        client,
        { assistant_id, thread: { messages: [{ role: 'user', content: question }] } },
        config,
      );
      expect(run.status).toBe('requires_action');
      expect(run.required_action?.submit_tool_outputs.tool_calls[0]?.function.name).toBe('get_weather');
      expect(messages).toEqual([]);
      expect(warn).toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('completeRun: failures and aborts', () => {
  it('a failing handler is data for the model and visible to onToolError', async () => {
    const { client, assistant_id } = await world();
    const failures: string[] = [];
    const { run } = await completeRun(
      client,
      { assistant_id, thread: { messages: [{ role: 'user', content: question }] } },
      {
        handlers: {
          get_weather: () => {
            throw new Error('weather service down');
          },
        },
        onToolError: (failure) => failures.push(`${failure.functionName}: ${failure.reason}`),
      },
    );
    expect(run.status).toBe('completed');
    expect(failures).toEqual(['get_weather: handler_error']);
  });

  it('rejects with the typed error when the thread is busy', async () => {
    const { client, assistant_id } = await world({ latencyMs: 50 });
    const thread = await firstValueFrom(
      client.threads.create({ messages: [{ role: 'user', content: 'Hi' }] }),
    );
    const controller = new AbortController();
    const first = completeRun(client, { threadId: thread.id, assistant_id }, { signal: controller.signal });
    await vi.waitFor(async () => {
      const { data } = await firstValueFrom(client.runs.list(thread.id));
      expect(data).toHaveLength(1);
    });
    await expect(completeRun(client, { threadId: thread.id, assistant_id })).rejects.toBeInstanceOf(
      ThreadBusyError,
    );
    controller.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an abort unsubscribes: the run is cancelled once on the server and the promise rejects with the reason', async () => {
    const { emulator, client, assistant_id } = await world({ latencyMs: 50 });
    const controller = new AbortController();
    const done = completeRun(
      client,
      { assistant_id, thread: { messages: [{ role: 'user', content: 'Tell me a story' }] } },
      { signal: controller.signal },
    );
    await vi.waitFor(() => expect(emulator.runs()).toHaveLength(1));
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(done).rejects.toBe(reason);
    await vi.waitFor(() => expect(emulator.runs()[0]?.status).toBe('cancelled'));
    expect(runRequests(emulator, 'runs.cancel')).toHaveLength(1);
  });

  it('an already aborted signal starts nothing', async () => {
    const { emulator, client, assistant_id } = await world();
    const reason = new Error('too late');
    await expect(completeRun(client, { assistant_id }, { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(runRequests(emulator, 'threads.createAndRun')).toHaveLength(0);
  });

  it('bad arguments reject with a TypeError that says what to do (never a synchronous throw)', async () => {
    const { client, assistant_id } = await world();
    const bad = (run: () => Promise<unknown>) => {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = run();
      }).not.toThrow();
      return expect(promise).rejects;
    };
    await bad(() => completeRun(client, { assistant_id: '' })).toThrow(/assistant_id/);
    await bad(() => completeRun(client, { assistant_id }, { signal: 'soon' as never })).toThrow(
      /signal must be an AbortSignal/,
    );
    await bad(() => completeRun(client, { assistant_id }, { concurrency: 2 })).toThrow(
      /concurrency configures the tool handlers, but no handlers were given/,
    );
    await bad(() =>
      completeRun(client, { assistant_id }, { handlers: { get_weather: 'x' as never } }),
    ).toThrow(/handler for "get_weather" must be a function/);
  });
});
