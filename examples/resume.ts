/**
 * A stream that breaks mid-run is not the end of the run: the source resumes by polling, emits only
 * what it had not shown yet, and so the text deltas still add up to the run's final text.
 * The emulator is told to cut every streamed answer after 5,000 bytes (mid-message) (a `drop` fault).
 *
 *   npx tsx examples/resume.ts
 *
 * Runs against the built-in emulator, or against `OPENAI_BASE_URL` (with `OPENAI_API_KEY`) when set
 * (where the stream most likely does not break, and the run simply streams to its end).
 */
import { firstValueFrom, lastValueFrom, share } from 'rxjs';
import { createRun, fetchClient, finalMessages, textDeltas } from '../src';
import { startEmulator } from '../src/emulator';

const emulator = process.env['OPENAI_BASE_URL']
  ? undefined
  : await startEmulator({ faults: { rules: [{ type: 'drop', stream: true, afterBytes: 5000 }] } });
const client = fetchClient(emulator ? { baseURL: emulator.url } : {});
try {
  const assistant = await firstValueFrom(
    client.assistants.create({ model: process.env['OPENAI_MODEL'] ?? 'gpt-4o' }),
  );
  const question = 'Count with me: one two three four five six seven eight nine ten eleven twelve.';
  const thread = await firstValueFrom(
    client.threads.create({ messages: [{ role: 'user', content: question }] }),
  );
  const run$ = createRun(client, { threadId: thread.id, assistant_id: assistant.id }).pipe(share());

  // Each delta in brackets: word-sized ones from the stream, then one with the rest, from polling.
  let shown = '';
  run$.pipe(textDeltas()).subscribe((text) => {
    shown += text;
    process.stdout.write(`[${text}]`);
  });
  const [message] = await lastValueFrom(run$.pipe(finalMessages()));
  const block = message?.content[0];
  const final = block?.type === 'text' ? block.text.value : '';

  console.log(`\nfinal text: ${final}`);
  console.log(`the deltas add up to the final text: ${shown === final}`);
  if (emulator) console.log('requests to the emulator:');
  for (const { method, endpoint, status, faults } of emulator?.requests ?? []) {
    console.log(`  ${method} ${endpoint} → ${status}${faults.length > 0 ? ` (${faults.join(', ')})` : ''}`);
  }
} finally {
  await emulator?.close();
}
