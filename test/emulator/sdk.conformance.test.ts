import { describe, expect, it } from 'vitest';
import { emulatorPerTest } from '../helpers/emulators';
import { sdkFor } from './helpers';

// The official `openai` SDK (v6) against the emulator, unchanged: its helpers must reach the same
// results as against the real service, with the default brain's deterministic answers.

const startEmulator = emulatorPerTest();

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

describe('openai SDK against the emulator', () => {
  it('threads.createAndRunPoll completes, and the reply is listed', async () => {
    const emulator = await startEmulator({ pollAfterMs: 5 });
    const openai = sdkFor(emulator);
    const assistant = await openai.beta.assistants.create({ model: 'gpt-4o', name: 'Calc' });
    const run = await openai.beta.threads.createAndRunPoll({
      assistant_id: assistant.id,
      thread: { messages: [{ role: 'user', content: '2 + 2' }] },
    });
    expect(run.status).toBe('completed');
    expect(run.usage?.completion_tokens).toBeGreaterThan(0);
    const messages = await openai.beta.threads.messages.list(run.thread_id, { order: 'asc' });
    expect(
      messages.data.map((m) => [m.role, m.content[0]?.type === 'text' ? m.content[0].text.value : null]),
    ).toEqual([
      ['user', '2 + 2'],
      ['assistant', '2 + 2 = 4'],
    ]);
    expect(messages.data[1]?.run_id).toBe(run.id);
    // The poll helper saw intermediate statuses: more than one retrieve, paced by openai-poll-after-ms.
    expect(emulator.requests.filter((r) => r.endpoint === 'runs.retrieve').length).toBeGreaterThan(1);
  });

  it('runs.stream delivers text deltas and the final message', async () => {
    const emulator = await startEmulator();
    const openai = sdkFor(emulator);
    const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' });
    const thread = await openai.beta.threads.create({ messages: [{ role: 'user', content: 'hello there' }] });
    const stream = openai.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id });
    const deltas: string[] = [];
    stream.on('textDelta', (delta) => deltas.push(delta.value ?? ''));
    const final = await stream.finalMessages();
    const run = await stream.finalRun();
    expect(run.status).toBe('completed');
    expect(final).toHaveLength(1);
    const block = final[0]?.content[0];
    expect(block?.type === 'text' && block.text.value).toBe('You said: "hello there"');
    expect(deltas).toEqual(['You', ' said:', ' "hello', ' there"']);
  });

  it('threads.createAndRunStream pauses at requires_action; submitToolOutputsStream finishes the run', async () => {
    const emulator = await startEmulator();
    const openai = sdkFor(emulator);
    const assistant = await openai.beta.assistants.create({ model: 'gpt-4o', tools: [weatherTool] });
    const first = openai.beta.threads.createAndRunStream({
      assistant_id: assistant.id,
      thread: { messages: [{ role: 'user', content: 'Use get_weather with {"city": "Paris"} please' }] },
    });
    const toolCallNames: string[] = [];
    first.on('toolCallCreated', (call) =>
      toolCallNames.push(call.type === 'function' ? call.function.name : call.type),
    );
    await first.done();
    const paused = first.currentRun();
    expect(paused?.status).toBe('requires_action');
    expect(toolCallNames).toEqual(['get_weather']);
    const calls = paused?.required_action?.submit_tool_outputs.tool_calls ?? [];
    expect(calls.map((c) => [c.function.name, c.function.arguments])).toEqual([
      ['get_weather', '{"city":"Paris"}'],
    ]);
    expect(calls[0]?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);

    const second = openai.beta.threads.runs.submitToolOutputsStream(paused?.id ?? '', {
      thread_id: paused?.thread_id ?? '',
      tool_outputs: [{ tool_call_id: calls[0]?.id ?? '', output: 'sunny, 21 °C' }],
    });
    const messages = await second.finalMessages();
    expect((await second.finalRun()).status).toBe('completed');
    const text = messages[0]?.content[0];
    expect(text?.type === 'text' && text.text.value).toBe('get_weather returned: sunny, 21 °C');

    const steps = await openai.beta.threads.runs.steps.list(paused?.id ?? '', {
      thread_id: paused?.thread_id ?? '',
      order: 'asc',
    });
    expect(steps.data.map((s) => [s.type, s.status])).toEqual([
      ['tool_calls', 'completed'],
      ['message_creation', 'completed'],
    ]);
    const toolStep = steps.data[0]?.step_details;
    expect(toolStep?.type === 'tool_calls' && toolStep.tool_calls[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}', output: 'sunny, 21 °C' },
    });
  });

  it('runs.cancel moves an in-progress run through cancelling to cancelled', async () => {
    const emulator = await startEmulator({ pollAfterMs: 5, brain: () => [{ type: 'delay', ms: 60_000 }] });
    const openai = sdkFor(emulator);
    const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' });
    const thread = await openai.beta.threads.create({
      messages: [{ role: 'user', content: 'take your time' }],
    });
    const run = await openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    const cancelling = await openai.beta.threads.runs.cancel(run.id, { thread_id: thread.id });
    expect(cancelling.status).toBe('cancelling');
    const final = await openai.beta.threads.runs.poll(run.id, { thread_id: thread.id });
    expect(final.status).toBe('cancelled');
    expect(final.cancelled_at).toEqual(expect.any(Number));
    // The thread is free again.
    const next = await openai.beta.threads.messages.create(thread.id, { role: 'user', content: 'again' });
    expect(next.role).toBe('user');
  });

  it('lists messages with order, limit and cursors (SDK auto-pagination)', async () => {
    const emulator = await startEmulator();
    const openai = sdkFor(emulator);
    const thread = await openai.beta.threads.create();
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push(
        (await openai.beta.threads.messages.create(thread.id, { role: 'user', content: `m${i}` })).id,
      );
    const page = await openai.beta.threads.messages.list(thread.id, { limit: 2 });
    expect(page.data.map((m) => m.id)).toEqual([created[4], created[3]]);
    expect(page.hasNextPage()).toBe(true);
    const all: string[] = [];
    for await (const message of openai.beta.threads.messages.list(thread.id, { limit: 2, order: 'asc' }))
      all.push(message.id);
    expect(all).toEqual(created);
    const before = await openai.beta.threads.messages.list(thread.id, {
      order: 'asc',
      before: created[3] ?? '',
      limit: 2,
    });
    expect(before.data.map((m) => m.id)).toEqual([created[1], created[2]]);
  });
});
