/**
 * Two function tools (weather, calculator) answered inside one run Observable, with a timeout and
 * retries. Runs against the built-in emulator, or against `OPENAI_BASE_URL` (with
 * `OPENAI_API_KEY`) when set.
 */
import { connect, ignoreElements, lastValueFrom, merge, tap } from 'rxjs';
import {
  createThreadAndRun,
  fetchClient,
  finalRun,
  handleRequiresAction,
  retryRun,
  runTimeout,
  textDeltas,
} from '../src';
import { startEmulator } from '../src/emulator';

const ops = { '+': (a: number, b: number) => a + b, '*': (a: number, b: number) => a * b };
const tools = {
  get_weather: async ({ city }: { city: string }) => ({ city, temperature: 21, sky: 'sunny' }),
  calculate: ({ a, op, b }: { a: number; op: keyof typeof ops; b: number }) => ops[op](a, b),
};

const emulator = process.env['OPENAI_BASE_URL'] ? undefined : await startEmulator();
const client = fetchClient(emulator ? { baseURL: emulator.url } : {});
try {
  const assistant = await lastValueFrom(
    client.assistants.create({
      model: 'gpt-4o',
      tools: Object.keys(tools).map((name) => ({ type: 'function', function: { name } })),
    }),
  );
  for (const question of ['get_weather {"city": "Paris"}', 'calculate {"a": 6, "op": "*", "b": 7}']) {
    console.log(`> ${question}`);
    const thread = { messages: [{ role: 'user' as const, content: question }] };
    const run = await lastValueFrom(
      createThreadAndRun(client, { assistant_id: assistant.id, thread }).pipe(
        handleRequiresAction(client, tools, { timeoutMs: 5_000 }),
        runTimeout({ first: 10_000, idle: 30_000, total: 120_000 }),
        retryRun({ count: 2 }),
        // One run, two readers: print the text as it streams, keep the final run.
        connect((events) =>
          merge(
            events.pipe(
              textDeltas(),
              tap((text) => process.stdout.write(text)),
              ignoreElements(),
            ),
            events.pipe(finalRun()),
          ),
        ),
      ),
    );
    console.log(`\n[${run.status}]\n`);
  }
} finally {
  await emulator?.close();
}
