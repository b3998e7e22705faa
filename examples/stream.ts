/**
 * Stream one run and read it twice: its text as it arrives, and its final messages at the end.
 * `createRun` is cold (every subscription starts a run), so `share()` lets both readers use one run.
 *
 *   npx tsx examples/stream.ts
 *
 * Runs against the built-in emulator, or against `OPENAI_BASE_URL` (with `OPENAI_API_KEY`) when set.
 */
import { firstValueFrom, lastValueFrom, share } from 'rxjs';
import { createRun, fetchClient, finalMessages, textDeltas } from '../src';
import { startEmulator } from '../src/emulator';

const emulator = process.env['OPENAI_BASE_URL'] ? undefined : await startEmulator({ latencyMs: 20 });
const client = fetchClient(emulator ? { baseURL: emulator.url } : {});
try {
  const assistant = await firstValueFrom(
    client.assistants.create({ model: process.env['OPENAI_MODEL'] ?? 'gpt-4o' }),
  );
  const thread = await firstValueFrom(
    client.threads.create({ messages: [{ role: 'user', content: 'Tell me one thing about RxJS.' }] }),
  );

  const run$ = createRun(client, { threadId: thread.id, assistant_id: assistant.id }).pipe(share());

  // Both readers subscribe before the first event arrives, so they share the one run.
  run$.pipe(textDeltas()).subscribe((text) => process.stdout.write(text));
  const messages = await lastValueFrom(run$.pipe(finalMessages()));

  for (const message of messages) {
    const text = message.content.map((block) => (block.type === 'text' ? block.text.value : '')).join('');
    console.log(`\nfinal ${message.role} message ${message.id}: ${text}`);
  }
} finally {
  await emulator?.close();
}
