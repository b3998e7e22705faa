import { firstValueFrom, lastValueFrom, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { isRunStatusEvent } from '../../src/events/guards';
import type { RunEvent } from '../../src/events/RunEvent';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import { watchRun } from '../../src/sources/watchRun';
import { emulatorPerTest } from '../helpers/emulators';

/** watchRun can follow a run to its end while another process answers its tools (issue 15, item 6). */
describe('watchRun({ throughRequiresAction: true })', () => {
  const start = emulatorPerTest({ latencyMs: 5 });
  const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: {} } }];

  it('follows the run across requires_action to completed while another subscriber answers the tools', async () => {
    const emulator = await start();
    const client = fetchClient({ baseURL: emulator.url, apiKey: 'k' });
    const assistant = await firstValueFrom(client.assistants.create({ model: 'gpt-4o', tools }));
    let ids: (ref: { threadId: string; runId: string }) => void = () => {};
    const named = new Promise<{ threadId: string; runId: string }>((resolve) => {
      ids = resolve;
    });
    // The driver: answers the tool slowly, so the watchers see the pause.
    const driven = lastValueFrom(
      createThreadAndRun(client, {
        assistant_id: assistant.id,
        thread: { messages: [{ role: 'user', content: 'Use get_weather with {"city": "Oslo"}' }] },
      }).pipe(
        tap(
          (event) => isRunStatusEvent(event) && ids({ threadId: event.data.thread_id, runId: event.data.id }),
        ),
        handleRequiresAction(client, {
          get_weather: () => new Promise((resolve) => setTimeout(() => resolve('sunny'), 400)),
        }),
      ),
    );
    const ref = await named;
    const statuses = (events: RunEvent[]) => events.filter(isRunStatusEvent).map((e) => e.data.status);

    const [through, stopping] = await Promise.all([
      lastValueFrom(
        watchRun(client, ref, { throughRequiresAction: true, poll: { intervalMs: 20 } }).pipe(toArray()),
      ),
      lastValueFrom(watchRun(client, ref, { poll: { intervalMs: 20 } }).pipe(toArray())),
    ]);
    await driven;
    expect(statuses(through)).toContain('requires_action');
    expect(statuses(through).at(-1)).toBe('completed');
    expect(statuses(stopping).at(-1)).toBe('requires_action');
    expect(emulator.requests.filter((r) => r.path.endsWith('/cancel'))).toHaveLength(0);
  });

  it('rejects a non-boolean option', () => {
    expect(() =>
      watchRun(
        fetchClient({ apiKey: 'k' }),
        { threadId: 't', runId: 'r' },
        { throughRequiresAction: 'yes' as never },
      ),
    ).toThrow(/throughRequiresAction/);
  });
});
