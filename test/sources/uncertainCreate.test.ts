import { of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RequestOutcomeUnknownError } from '../../src/errors/RequestOutcomeUnknownError';
import type { RunEvent } from '../../src/events/RunEvent';
import { createRun } from '../../src/sources/createRun';
import { aPage, aRun, mockClient } from '../../src/testing';

// A create that failed after it may have reached the server is never sent again: createRun looks
// for the run it may have started and follows it, or gives the caller the typed error.

const params = { threadId: 'thread_1', assistant_id: 'asst_1' };
const maybeApplied = new RequestOutcomeUnknownError(
  'POST',
  'http://x/v1/threads/thread_1/runs',
  new Error('socket hang up'),
);
const now = () => Math.floor(Date.now() / 1000);

const collect = (events$: ReturnType<typeof createRun>) =>
  new Promise<{ events: RunEvent[]; error: unknown }>((resolve) => {
    const events: RunEvent[] = [];
    events$.subscribe({
      next: (e) => events.push(e),
      error: (error) => resolve({ events, error }),
      complete: () => resolve({ events, error: undefined }),
    });
  });

describe.each(['stream', 'poll'] as const)(
  'createRun (%s mode) after a create that may have been applied',
  (mode) => {
    const failing = {
      createStream: () => throwError(() => maybeApplied),
      create: () => throwError(() => maybeApplied),
    };

    it('follows the run the create started, found on the thread, without creating another', async () => {
      const found = aRun({ status: 'in_progress', created_at: now() });
      const client = mockClient({
        runs: {
          ...failing,
          list: () => of(aPage([found])),
          poll: () => of({ run: aRun({ status: 'completed', created_at: found.created_at ?? 0 }) }),
        },
        steps: { list: () => of(aPage([])) },
        messages: { list: () => of(aPage([])) },
      });
      const { events, error } = await collect(createRun(client, params, { mode, poll: { intervalMs: 0 } }));
      expect(error).toBeUndefined();
      expect(events.map((e) => e.event)).toEqual([
        'thread.run.created',
        'thread.run.in_progress',
        'thread.run.completed',
      ]);
      expect(client.callsTo(mode === 'stream' ? 'runs.createStream' : 'runs.create')).toHaveLength(1);
      expect(client.callsTo('runs.list')).toEqual([['thread_1', { limit: 5, order: 'desc' }]]);
    });

    it.each([
      ['no run on the thread', []],
      ['only an ended run', [aRun({ status: 'completed', created_at: now() })]],
      [
        'an active run of another assistant',
        [aRun({ status: 'in_progress', assistant_id: 'asst_2', created_at: now() })],
      ],
      ['an active run created long before', [aRun({ status: 'in_progress', created_at: now() - 3600 })]],
    ])('with %s, errors with RequestOutcomeUnknownError and sends nothing else', async (_, runs) => {
      const client = mockClient({ runs: { ...failing, list: () => of(aPage(runs)) } });
      const { events, error } = await collect(createRun(client, params, { mode }));
      expect(error).toBe(maybeApplied);
      expect(events).toEqual([]);
      expect(client.calls.map((c) => c.method)).toEqual([
        mode === 'stream' ? 'runs.createStream' : 'runs.create',
        'runs.list',
      ]);
    });

    it('a lookup that fails gives the original error', async () => {
      const client = mockClient({ runs: { ...failing, list: () => throwError(() => new Error('down')) } });
      const { error } = await collect(createRun(client, params, { mode }));
      expect(error).toBe(maybeApplied);
    });
  },
);
