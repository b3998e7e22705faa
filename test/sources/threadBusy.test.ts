import { filter, firstValueFrom, lastValueFrom, share, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { ThreadBusyError } from '../../src/errors/ThreadBusyError';
import { isRunStatusEvent } from '../../src/events/guards';
import { createRun } from '../../src/sources/createRun';
import { emulatorPerTest } from '../helpers/emulators';

/** A second run on a busy thread is a typed error that names the active run and the fix (issue 15, item 2). */
describe('a second run on a busy thread', () => {
  const start = emulatorPerTest({ latencyMs: 5 });

  it('errors with ThreadBusyError carrying the active run id, in stream and poll mode', async () => {
    const emulator = await start();
    const client = fetchClient({ baseURL: emulator.url, apiKey: 'k' });
    const assistant = await firstValueFrom(client.assistants.create({ model: 'gpt-4o' }));
    const thread = await firstValueFrom(
      client.threads.create({ messages: [{ role: 'user', content: 'A long story, please.' }] }),
    );
    const run$ = createRun(
      client,
      { threadId: thread.id, assistant_id: assistant.id },
      { cancelOnUnsubscribe: false },
    );
    const first = await firstValueFrom(run$.pipe(filter(isRunStatusEvent)));
    for (const mode of ['stream', 'poll'] as const) {
      const error = await lastValueFrom(
        createRun(client, { threadId: thread.id, assistant_id: assistant.id }, { mode }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ThreadBusyError);
      expect(error).toBeInstanceOf(AssistantsApiError);
      expect(error).toMatchObject({
        status: 400,
        threadId: thread.id,
        activeRunId: first.data.id,
        name: 'ThreadBusyError',
      });
      expect((error as Error).message).toContain('share() the run Observable');
      expect((error as Error).message).toContain(
        `cancelRun(client, { threadId: '${thread.id}', runId: '${first.data.id}' })`,
      );
    }
  });

  it('does not happen when the subscribers share() one run', async () => {
    const emulator = await start();
    const client = fetchClient({ baseURL: emulator.url, apiKey: 'k' });
    const assistant = await firstValueFrom(client.assistants.create({ model: 'gpt-4o' }));
    const thread = await firstValueFrom(
      client.threads.create({ messages: [{ role: 'user', content: 'Hi' }] }),
    );
    const run$ = createRun(client, { threadId: thread.id, assistant_id: assistant.id }).pipe(share());
    const [a, b] = await Promise.all([
      lastValueFrom(run$.pipe(toArray())),
      lastValueFrom(run$.pipe(toArray())),
    ]);
    expect(a).toEqual(b);
    expect(emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/runs'))).toHaveLength(1);
  });
});
