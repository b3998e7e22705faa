/**
 * A Responses conversation with a function tool: two turns in one conversation, the tool answered
 * inside the Observable, the text streamed, then a long response cancelled. Runs against the
 * built-in emulator, or against `OPENAI_BASE_URL` (with `OPENAI_API_KEY`) when set.
 */
import { filter, firstValueFrom, lastValueFrom, share } from 'rxjs';
import {
  cancelResponse,
  createResponse,
  fetchClient,
  finalResponse,
  handleFunctionCalls,
  isResponseLifecycleEvent,
  outputText,
  textDeltas,
} from '../src';
import { startEmulator } from '../src/emulator';

const emulator = process.env['OPENAI_BASE_URL'] ? undefined : await startEmulator();
const client = fetchClient(emulator ? { baseURL: emulator.url } : {});
const model = process.env['OPENAI_MODEL'] ?? 'gpt-4o-mini';
const tools = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
];
const handlers = {
  get_weather: ({ city }: { city: string }) => ({ city, temperature_c: 18, sky: 'clear' }),
};

try {
  const conversation = await firstValueFrom(client.conversations.create());
  console.log(`conversation ${conversation.id}`);

  for (const input of ['Use get_weather with {"city": "Lisbon"}', 'And tell me one thing about RxJS.']) {
    console.log(`user › ${input}`);
    // One chain of responses (the tool round included), shared by the two collectors.
    const turn$ = createResponse(client, { model, input, tools, conversation: conversation.id }).pipe(
      handleFunctionCalls(client, handlers),
      share(),
    );
    process.stdout.write('assistant › ');
    turn$.pipe(textDeltas()).subscribe((delta) => process.stdout.write(delta));
    const [text, response] = await Promise.all([
      lastValueFrom(turn$.pipe(outputText())),
      lastValueFrom(turn$.pipe(finalResponse())),
    ]);
    console.log(`\nresponse ${response.id}: ${response.status}, ${text.length} chars`);
  }

  // A long response, cancelled from elsewhere once it started: the source shows its own end.
  const long$ = createResponse(
    client,
    { model, input: 'Count with me: one two three four five six seven.' },
    { cancelOnUnsubscribe: false },
  );
  const started = await firstValueFrom(long$.pipe(filter(isResponseLifecycleEvent)));
  const cancelled = await firstValueFrom(cancelResponse(client, { responseId: started.response.id }));
  console.log(`cancelResponse(${started.response.id}) → ${cancelled.status}`);

  const items = await firstValueFrom(client.conversationItems.list(conversation.id, { order: 'asc' }));
  console.log(
    `the conversation holds ${items.data.length} items: ${[...new Set(items.data.map((item) => item.type))].join(', ')}`,
  );
} finally {
  await emulator?.close();
}
