/**
 * `npm run demo`: one conversation with a function tool, streamed and then polled, rendered live:
 * first as an Assistants run, then as a Responses run (a background response and its continuation).
 *
 * Runs against the built-in emulator on a free loopback port, or against `OPENAI_BASE_URL`
 * (with `OPENAI_API_KEY`) when set.
 */
import { firstValueFrom, interval, lastValueFrom, Observable, Subscription, tap, toArray } from 'rxjs';
import {
  type AssistantsClient,
  createResponse,
  createThreadAndRun,
  fetchClient,
  finalRun,
  handleFunctionCalls,
  handleRequiresAction,
  isResponseLifecycleEvent,
  type ResponseEvent,
  type ResponseStatus,
  type RunEvent,
  type RunStatus,
} from '../src';
import { startEmulator } from '../src/emulator';

const tty = process.stdout.isTTY === true;
const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[0m` : s);

/** Prints a run's events as they come: a spinner status line, steps, tool calls, streaming text. */
function render(events$: Observable<RunEvent>): Observable<RunEvent> {
  let status = 'pending';
  let streaming = false;
  const steps = new Set<string>();
  let frame = 0;
  const spinner = new Subscription();
  const clearLine = () => tty && process.stdout.write('\r\x1b[K');
  const drawSpinner = () => {
    if (!tty || streaming) return;
    clearLine();
    process.stdout.write(`${frames[frame++ % frames.length]} ${dim(`run ${status}`)}`);
  };
  const log = (line: string) => {
    clearLine();
    process.stdout.write(`${line}\n`);
    drawSpinner();
  };
  return new Observable<RunEvent>((subscriber) => {
    spinner.add(interval(80).subscribe(drawSpinner));
    const subscription = events$
      .pipe(
        tap((event) => {
          if (event.event === 'thread.run.requires_action') {
            for (const call of event.data.required_action?.submit_tool_outputs.tool_calls ?? []) {
              log(`  ${dim('call')}   ${call.function.name}(${call.function.arguments})`);
            }
          }
          if (event.event.startsWith('thread.run.') && !event.event.startsWith('thread.run.step.')) {
            const next = (event.data as { status: RunStatus }).status;
            const previous = status;
            status = next;
            if (next !== previous) log(`  ${dim('status')} ${previous} → ${bold(next)}`);
          } else if (event.event === 'thread.run.step.created' && !steps.has(event.data.id)) {
            // a polled continuation shows the tool step again: print each step once
            steps.add(event.data.id);
            log(`  ${dim('step')}   ${event.data.type} (${event.data.id})`);
          } else if (
            event.event === 'thread.run.step.completed' &&
            event.data.step_details.type === 'tool_calls'
          ) {
            for (const call of event.data.step_details.tool_calls) {
              if (call.type === 'function')
                log(`  ${dim('tool')}   ${call.function.name} → ${call.function.output}`);
            }
          } else if (event.event === 'thread.message.delta') {
            if (!streaming) {
              clearLine();
              process.stdout.write(`  ${bold('assistant ›')} `);
              streaming = true;
            }
            for (const part of event.data.delta.content ?? []) {
              if (part.type === 'text' && part.text?.value) process.stdout.write(part.text.value);
            }
          } else if (event.event === 'thread.message.completed' && streaming) {
            process.stdout.write('\n');
            streaming = false;
          }
        }),
      )
      .subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      spinner.unsubscribe();
      clearLine();
    };
  });
}

/** The function tool, run on this side: a weather report that takes a moment. */
async function getWeather({ city }: { city?: string }): Promise<object> {
  log(`  ${dim('exec')}   get_weather running for ${city ?? 'somewhere'} …`);
  await new Promise((resolve) => setTimeout(resolve, 400));
  return { city: city ?? 'unknown', temperature_c: 7, conditions: 'light rain' };
}
const log = (line: string) => process.stdout.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);

async function converse(
  client: AssistantsClient,
  assistantId: string,
  mode: 'stream' | 'poll',
): Promise<RunStatus> {
  console.log(`\n${bold(`▶ ${mode} mode`)}`);
  const question = 'What is the weather like? Use get_weather with {"city": "Oslo"}';
  console.log(`  ${bold('user ›')} ${question}`);
  const run$ = createThreadAndRun(
    client,
    { assistant_id: assistantId, thread: { messages: [{ role: 'user', content: question }] } },
    { mode, poll: { intervalMs: 150, maxIntervalMs: 600 } },
  ).pipe(handleRequiresAction(client, { get_weather: getWeather }, { mode }));
  const run = await lastValueFrom(render(run$).pipe(finalRun()));
  return run.status;
}

/** Prints a Responses run's events as they come: status, function calls and outputs, streaming text. */
function renderResponse(event: ResponseEvent, state: { status: string; streaming: boolean }): void {
  if (isResponseLifecycleEvent(event)) {
    const next = event.response.status ?? 'unknown';
    if (state.streaming) process.stdout.write('\n');
    state.streaming = false;
    if (next !== state.status)
      log(`  ${dim('status')} ${state.status} → ${bold(next)} ${dim(`(${event.response.id})`)}`);
    state.status = next;
  } else if (event.type === 'response.output_item.done' && event.item.type === 'function_call') {
    const call = event.item as { name: string; arguments: string };
    log(`  ${dim('call')}   ${call.name}(${call.arguments})`);
  } else if (event.type === 'response.function_call_output') {
    log(`  ${dim('tool')}   ${event.item.call_id} → ${event.item.output}`);
  } else if (event.type === 'response.output_text.delta') {
    if (!state.streaming) process.stdout.write(`  ${bold('assistant ›')} `);
    state.streaming = true;
    process.stdout.write(event.delta);
  }
}

/** The same conversation as a Responses run: the model, instructions and tools go with the request. */
async function respond(client: AssistantsClient, mode: 'stream' | 'poll'): Promise<ResponseStatus> {
  console.log(`\n${bold(`▶ responses, ${mode} mode`)}`);
  const question = 'What is the weather like? Use get_weather with {"city": "Oslo"}';
  console.log(`  ${bold('user ›')} ${question}`);
  const config = { mode, poll: { intervalMs: 150, maxIntervalMs: 600 } };
  const state = { status: 'pending', streaming: false };
  const events = await lastValueFrom(
    createResponse(
      client,
      {
        model: process.env['OPENAI_MODEL'] ?? 'gpt-4o',
        instructions: 'You report the weather. Call get_weather for it.',
        input: question,
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            description: 'Current weather of a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        ],
      },
      config,
    ).pipe(
      handleFunctionCalls(client, { get_weather: getWeather }, config),
      tap((event) => renderResponse(event, state)),
      toArray(),
    ),
  );
  if (state.streaming) process.stdout.write('\n');
  return events.filter(isResponseLifecycleEvent).at(-1)?.response.status ?? 'failed';
}

async function main(): Promise<void> {
  const external = process.env['OPENAI_BASE_URL'];
  const emulator = external ? undefined : await startEmulator({ latencyMs: 25 });
  const baseURL = external ?? emulator!.url;
  console.log(
    `${bold('rxjs-assistants demo')} ${dim(`against ${emulator ? `the built-in emulator at ${baseURL}` : baseURL}`)}`,
  );
  const client = fetchClient({ baseURL, apiKey: process.env['OPENAI_API_KEY'] ?? 'emulator-key' });
  try {
    const assistant = await firstValueFrom(
      client.assistants.create({
        model: process.env['OPENAI_MODEL'] ?? 'gpt-4o',
        name: 'rxjs-assistants demo',
        instructions: 'You report the weather. Call get_weather for it.',
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'Current weather of a city',
              parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            },
          },
        ],
      }),
    );
    const statuses: string[] = [];
    for (const mode of ['stream', 'poll'] as const)
      statuses.push(`${mode}: ${await converse(client, assistant.id, mode)}`);
    const responses: string[] = [];
    for (const mode of ['stream', 'poll'] as const) responses.push(`${mode}: ${await respond(client, mode)}`);
    console.log(`\n${bold('final run status')}  ${statuses.join('   ')}`);
    console.log(`${bold('final response status')}  ${responses.join('   ')}`);
    if ([...statuses, ...responses].some((s) => !s.endsWith('completed'))) process.exitCode = 1;
  } finally {
    await emulator?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
