/**
 * The same run as `stream.ts`, driven by polling (`mode: 'poll'`): the source reads the run's
 * snapshots and synthesises the same events, so the same collectors work unchanged. `runStatus()`
 * prints each status transition as a poll observes it.
 *
 *   npx tsx examples/poll.ts
 *
 * Runs against the built-in emulator, or against `OPENAI_BASE_URL` (with `OPENAI_API_KEY`) when set.
 */
import { firstValueFrom, lastValueFrom, share } from 'rxjs';
import { createRun, fetchClient, finalMessages, runStatus, textDeltas } from '../src';
import { startEmulator } from '../src/emulator';

const emulator = process.env['OPENAI_BASE_URL'] ? undefined : await startEmulator({ latencyMs: 20 });
const client = fetchClient(emulator ? { baseURL: emulator.url } : {});
try {
  const assistant = await firstValueFrom(
    client.assistants.create({ model: process.env['OPENAI_MODEL'] ?? 'gpt-4o' }),
  );
  const thread = await firstValueFrom(
    client.threads.create({ messages: [{ role: 'user', content: '(1 + 2) * 14' }] }),
  );

  // Poll every 100 ms (the default starts at 500 ms, backs off, and honours `openai-poll-after-ms`).
  const run$ = createRun(
    client,
    { threadId: thread.id, assistant_id: assistant.id },
    { mode: 'poll', poll: { intervalMs: 100 } },
  ).pipe(share());

  run$.pipe(runStatus()).subscribe((status) => console.log(`status → ${status}`));
  // A polled message arrives whole: one delta with its full text, once it is complete.
  run$.pipe(textDeltas()).subscribe((text) => console.log(`text   → ${text}`));
  const messages = await lastValueFrom(run$.pipe(finalMessages()));

  const block = messages.at(-1)?.content[0];
  console.log(`final message: ${block?.type === 'text' ? block.text.value : '(none)'}`);
} finally {
  await emulator?.close();
}
