import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { type BrainAction, defaultBrain, type EmulatorOptions } from '../../src/emulator';
import type { Message } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import { runStatus } from '../../src/operators/runStatus';
import { textDeltas } from '../../src/operators/textDeltas';
import { cancelRun } from '../../src/sources/cancelRun';
import { createRun } from '../../src/sources/createRun';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import { watchRun } from '../../src/sources/watchRun';
import { emulatorPerTest } from '../helpers/emulators';

/** The sources against the local emulator: a real HTTP server with the service's wire format. */
const startEmulator = emulatorPerTest();

async function setup(options: EmulatorOptions = {}) {
  const emulator = await startEmulator({ latencyMs: 1, ...options });
  const client = fetchClient({ baseURL: emulator.url, apiKey: 'k', maxRetries: 0 });
  const assistant = await firstValueFrom(client.assistants.create({ model: 'gpt-4o' }));
  return { client, emulator, assistant_id: assistant.id };
}
const question = { messages: [{ role: 'user' as const, content: 'How are you today, emulator?' }] };
const texts = (messages: Message[]) =>
  messages.map((m) => m.content.map((c) => (c.type === 'text' ? c.text.value : '')).join(''));

describe('sources against the emulator', () => {
  it('stream and poll mode give the same statuses, in the same order, and the same final messages', async () => {
    // The run works 100 ms before it writes (20 polls at 5 ms), so a poll cannot miss `in_progress`.
    const { client, assistant_id } = await setup({
      brain: (context) => [{ type: 'delay', ms: 100 }, ...(defaultBrain(context) as BrainAction[])],
    });
    const streamed = await lastValueFrom(
      createThreadAndRun(client, { assistant_id, thread: question }).pipe(toArray()),
    );
    const polled = await lastValueFrom(
      createThreadAndRun(
        client,
        { assistant_id, thread: question },
        { mode: 'poll', poll: { intervalMs: 5 } },
      ).pipe(toArray()),
    );
    const final = async (events: typeof streamed) =>
      texts(await lastValueFrom(from(events).pipe(finalMessages())));
    expect(await final(polled)).toEqual(await final(streamed));
    expect((await final(streamed))[0]).toMatch(/How are you today, emulator\?/);
    const statuses = async (events: typeof streamed) =>
      lastValueFrom(from(events).pipe(runStatus(), toArray()));
    expect(await statuses(streamed)).toEqual(['queued', 'in_progress', 'completed']);
    expect(await statuses(polled)).toEqual(['queued', 'in_progress', 'completed']);
  });

  it('a dropped stream resumes by polling: same final text, deltas add up', async () => {
    const { client, emulator, assistant_id } = await setup({
      faults: { seed: 3, rules: [{ type: 'drop', stream: true, afterBytes: 2500 }] },
    });
    const thread = await firstValueFrom(client.threads.create(question));
    const run$ = createRun(client, { threadId: thread.id, assistant_id });
    const events = await lastValueFrom(run$.pipe(toArray()));
    const messages = await lastValueFrom(from(events).pipe(finalMessages()));
    expect(texts(messages)[0]).toMatch(/How are you today, emulator\?/);
    expect((await lastValueFrom(from(events).pipe(textDeltas(), toArray()))).join('')).toBe(
      texts(messages)[0],
    );
    expect(emulator.requests.some((r) => r.faults.includes('drop'))).toBe(true);
    expect(
      emulator.requests.filter((r) => r.method === 'GET' && /\/runs\/[^/]+$/.test(r.path)).length,
    ).toBeGreaterThan(0);
  });

  it('unsubscribing mid-run cancels it on the server, and the thread accepts messages again', async () => {
    const { client, emulator, assistant_id } = await setup({ latencyMs: 20 });
    const thread = await firstValueFrom(client.threads.create(question));
    await new Promise<void>((resolve) => {
      const subscription = createRun(client, { threadId: thread.id, assistant_id }).subscribe((event) => {
        if (event.event === 'thread.message.delta') {
          subscription.unsubscribe();
          resolve();
        }
      });
    });
    const runId = emulator.runs()[0]!.id;
    const final = await lastValueFrom(
      watchRun(client, { threadId: thread.id, runId }, { poll: { intervalMs: 10 } }).pipe(runStatus()),
    );
    expect(final).toBe('cancelled');
    expect(emulator.requests.filter((r) => r.path.endsWith('/cancel'))).toHaveLength(1);
    await expect(
      firstValueFrom(client.messages.create(thread.id, { role: 'user', content: 'still there?' })),
    ).resolves.toMatchObject({ role: 'user' });
  });
  it.each(['stream', 'poll'] as const)(
    'a run cancelled elsewhere while its tools run ends as cancelled, not as a refused submit (%s mode)',
    async (mode) => {
      const { client, emulator } = await setup();
      const assistant = await firstValueFrom(
        client.assistants.create({
          model: 'gpt-4o',
          tools: [{ type: 'function', function: { name: 'slow_lookup', parameters: { type: 'object' } } }],
        }),
      );
      const thread = await firstValueFrom(
        client.threads.create({ messages: [{ role: 'user', content: 'Please call slow_lookup.' }] }),
      );
      let handled = 0;
      const events = await lastValueFrom(
        createRun(
          client,
          { threadId: thread.id, assistant_id: assistant.id },
          { mode, poll: { intervalMs: 5 } },
        ).pipe(
          handleRequiresAction(client, {
            // Another process (a Stop button, an admin) cancels the run while the tool works.
            slow_lookup: async (_args, call) => {
              handled++;
              const runId = emulator.runs()[0]!.id;
              await lastValueFrom(
                cancelRun(client, { threadId: thread.id, runId }, { poll: { intervalMs: 5 } }),
              );
              return `looked up ${call.id}`;
            },
          }),
          toArray(),
        ),
      );
      expect(handled).toBe(1);
      expect(await lastValueFrom(from(events).pipe(runStatus()))).toBe('cancelled');
      await expect(
        firstValueFrom(client.messages.create(thread.id, { role: 'user', content: 'still there?' })),
      ).resolves.toMatchObject({ role: 'user' });
    },
  );
});
