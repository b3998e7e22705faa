/**
 * Drive a run through the official `openai` SDK: `openaiClient(new OpenAI(...))` sends every request
 * with the SDK, so its auth, base URL, Azure support, timeouts and retries apply. Here the emulator
 * demands an API key and answers the first run request with `429` (`retry-after-ms: 200`); the SDK
 * waits and retries it, and the run streams as usual.
 *
 *   npx tsx examples/openai-sdk.ts
 *
 * Runs against the built-in emulator, or against `OPENAI_BASE_URL` (with `OPENAI_API_KEY`) when set.
 */
import OpenAI from 'openai';
import { firstValueFrom, lastValueFrom, share } from 'rxjs';
import { createThreadAndRun, finalRun, openaiClient, textDeltas } from '../src';
import { startEmulator } from '../src/emulator';

const emulator = process.env['OPENAI_BASE_URL']
  ? undefined
  : await startEmulator({
      apiKey: 'sk-emulator',
      faults: {
        rules: [{ type: 'status', status: 429, retryAfterMs: 200, on: 'threads.createAndRun', times: 1 }],
      },
    });
// Without options the SDK reads OPENAI_API_KEY and OPENAI_BASE_URL itself.
const openai = new OpenAI(emulator ? { baseURL: emulator.url, apiKey: 'sk-emulator', maxRetries: 2 } : {});
const client = openaiClient(openai);
try {
  const assistant = await firstValueFrom(
    client.assistants.create({ model: process.env['OPENAI_MODEL'] ?? 'gpt-4o' }),
  );
  const thread = { messages: [{ role: 'user' as const, content: '6 * 7' }] };
  const run$ = createThreadAndRun(client, { assistant_id: assistant.id, thread }).pipe(share());

  run$.pipe(textDeltas()).subscribe((text) => process.stdout.write(text));
  const run = await lastValueFrom(run$.pipe(finalRun()));
  console.log(`\nrun ${run.id}: ${run.status}`);

  if (emulator) console.log('requests to the emulator:');
  for (const { method, endpoint, status } of emulator?.requests ?? []) {
    console.log(`  ${method} ${endpoint} → ${status}`);
  }
} finally {
  await emulator?.close();
}
