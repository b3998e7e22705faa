import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { Brain } from '../../src/emulator';
import { defaultBrain } from '../../src/emulator';
import { emulatorPerTest } from '../helpers/emulators';
import { eventually, sdkFor } from './helpers';

// The official `openai` SDK (v6) against the emulator's Responses and Conversations endpoints,
// unchanged: create (streamed or not, in the background or not), retrieve with a stream cursor,
// cancel, input items, the function-call round trip, and conversations with their items.

const startEmulator = emulatorPerTest({ latencyMs: 0 });

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
  strict: false,
};

/** Answers "wait" slowly (a minute), like the default brain otherwise. */
const slowBrain: Brain = (context) =>
  context.lastUserText.startsWith('wait')
    ? [
        { type: 'text', text: 'first part' },
        { type: 'delay', ms: 60_000 },
        { type: 'text', text: 'too late' },
      ]
    : defaultBrain(context);

const typesOf = async (stream: AsyncIterable<{ type: string; sequence_number: number }>) => {
  const seen: [number, string][] = [];
  for await (const event of stream) seen.push([event.sequence_number, event.type]);
  return seen;
};

const waitFor = (openai: OpenAI, id: string, status: string) =>
  eventually(async () => {
    const response = await openai.responses.retrieve(id);
    return response.status === status ? response : undefined;
  });

describe('responses with the openai SDK', () => {
  it('create answers once done; retrieve and delete work', async () => {
    const openai = sdkFor(await startEmulator());
    const response = await openai.responses.create({ model: 'gpt-4o', input: '2 + 2', metadata: { k: 'v' } });
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-4o',
      metadata: { k: 'v' },
    });
    expect(response.id).toMatch(/^resp_[A-Za-z0-9]{24}$/);
    expect(response.output_text).toBe('2 + 2 = 4');
    expect(response.usage?.output_tokens).toBe(5); // '2', ' +', ' 2', ' =', ' 4'
    expect((await openai.responses.retrieve(response.id)).output_text).toBe('2 + 2 = 4');
    await openai.responses.delete(response.id);
    await expect(openai.responses.retrieve(response.id)).rejects.toMatchObject({ status: 404 });
  });

  it('create with stream: the events in order with sequence numbers from 0, no [DONE]', async () => {
    const openai = sdkFor(await startEmulator());
    const stream = await openai.responses.create({ model: 'gpt-4o', input: 'hello there', stream: true });
    const seen = await typesOf(stream);
    expect(seen.map(([n]) => n)).toEqual(seen.map((_, i) => i));
    expect(seen.map(([, type]) => type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(4).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
  });

  it('the responses.stream helper accumulates the final response and its text deltas', async () => {
    const openai = sdkFor(await startEmulator());
    const stream = openai.responses.stream({ model: 'gpt-4o', input: 'hello there' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('You said: "hello there"');
    expect(deltas).toEqual(['You', ' said:', ' "hello', ' there"']);
  });

  it('background: create answers queued at once, the response runs on and can be polled', async () => {
    const openai = sdkFor(await startEmulator({ latencyMs: 2 }));
    const response = await openai.responses.create({ model: 'gpt-4o', input: '6 * 7', background: true });
    expect(response).toMatchObject({ status: 'queued', background: true, store: true, output: [] });
    const done = await waitFor(openai, response.id, 'completed');
    expect(done.output_text).toBe('6 * 7 = 42');
  });

  it('retrieve with stream and starting_after replays the events after the cursor, then follows live', async () => {
    const openai = sdkFor(await startEmulator({ latencyMs: 1 }));
    // A background response whose stream the client leaves after three events: it goes on.
    const stream = await openai.responses.create({
      model: 'gpt-4o',
      input: 'one two three four',
      stream: true,
      background: true,
    });
    let responseId = '';
    let cursor = -1;
    for await (const event of stream) {
      if (event.type === 'response.created') responseId = event.response.id;
      cursor = event.sequence_number;
      if (cursor === 2) break;
    }
    const rest = await typesOf(
      await openai.responses.retrieve(responseId, { stream: true, starting_after: cursor }),
    );
    expect(rest[0]?.[0]).toBe(3);
    expect(rest.at(-1)?.[1]).toBe('response.completed');
    // Once ended, the whole log replays (no cursor), and the part after the cursor is the same.
    const all = await typesOf(await openai.responses.retrieve(responseId, { stream: true }));
    expect(all.map(([n]) => n)).toEqual(all.map((_, i) => i));
    expect(all.slice(3)).toEqual(rest);
    expect((await openai.responses.retrieve(responseId)).output_text).toBe('You said: "one two three four"');
  });

  it('cancel: a background response in progress is cancelled; a response not in the background is refused', async () => {
    const openai = sdkFor(await startEmulator({ brain: slowBrain }));
    const response = await openai.responses.create({
      model: 'gpt-4o',
      input: 'wait for it',
      background: true,
    });
    await waitFor(openai, response.id, 'in_progress');
    const cancelled = await openai.responses.cancel(response.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await openai.responses.retrieve(response.id)).status).toBe('cancelled');
    // cancelling again answers it as it is
    expect((await openai.responses.cancel(response.id)).status).toBe('cancelled');
    const direct = await openai.responses.create({ model: 'gpt-4o', input: 'hi' });
    await expect(openai.responses.cancel(direct.id)).rejects.toMatchObject({
      status: 400,
      error: { message: 'Cannot cancel a synchronous response.' },
    });
  });

  it('the function-call round trip: a function_call item, then previous_response_id with its output', async () => {
    const openai = sdkFor(await startEmulator());
    const first = await openai.responses.create({
      model: 'gpt-4o',
      input: 'Use get_weather with {"city": "Paris"} please',
      tools: [weather],
    });
    expect(first.status).toBe('completed');
    const call = first.output[0];
    if (call?.type !== 'function_call') throw new Error(`expected a function call, got ${call?.type}`);
    expect(call).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' });
    expect(call.call_id).toMatch(/^call_/);
    const second = await openai.responses.create({
      model: 'gpt-4o',
      previous_response_id: first.id,
      tools: [weather],
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny, 21 °C' }],
    });
    expect(second).toMatchObject({ status: 'completed', previous_response_id: first.id });
    expect(second.output_text).toBe('get_weather returned: sunny, 21 °C');
    // what the model read, newest first, as the service lists it
    const items = await openai.responses.inputItems.list(second.id);
    expect(items.data.map((i) => i.type)).toEqual(['function_call_output', 'function_call', 'message']);
  });

  it('the same round trip streamed: arguments come as deltas', async () => {
    const openai = sdkFor(await startEmulator());
    const stream = await openai.responses.create({
      model: 'gpt-4o',
      input: 'get_weather {"city":"Oslo"}',
      tools: [weather],
      stream: true,
    });
    const args: string[] = [];
    let done: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') args.push(event.delta);
      if (event.type === 'response.completed') done = event.response;
    }
    expect(args.join('')).toBe('{"city":"Oslo"}');
    expect(args.length).toBeGreaterThan(1);
    expect(done?.output.map((o) => o.type)).toEqual(['function_call']);
  });
});

describe('conversations with the openai SDK', () => {
  it('create, retrieve, update, delete', async () => {
    const openai = sdkFor(await startEmulator());
    const conversation = await openai.conversations.create({
      metadata: { topic: 'test' },
      items: [{ type: 'message', role: 'user', content: 'tell me a joke' }],
    });
    expect(conversation).toMatchObject({ object: 'conversation', metadata: { topic: 'test' } });
    expect(conversation.id).toMatch(/^conv_/);
    expect(await openai.conversations.retrieve(conversation.id)).toEqual(conversation);
    const updated = await openai.conversations.update(conversation.id, { metadata: { topic: 'jokes' } });
    expect(updated.metadata).toEqual({ topic: 'jokes' });
    expect(await openai.conversations.delete(conversation.id)).toEqual({
      id: conversation.id,
      object: 'conversation.deleted',
      deleted: true,
    });
    await expect(openai.conversations.retrieve(conversation.id)).rejects.toMatchObject({ status: 404 });
  });

  it('items: create, list, retrieve, delete', async () => {
    const openai = sdkFor(await startEmulator());
    const { id } = await openai.conversations.create();
    const added = await openai.conversations.items.create(id, {
      items: [
        { type: 'message', role: 'user', content: 'first' },
        { type: 'message', role: 'assistant', content: 'second' },
      ],
    });
    expect(added.data.map((i) => i.type)).toEqual(['message', 'message']);
    const [first, second] = added.data;
    const listed = await openai.conversations.items.list(id, { order: 'asc' });
    expect(listed.data.map((i) => i.id)).toEqual([first?.id, second?.id]);
    const item = await openai.conversations.items.retrieve(second?.id ?? '', { conversation_id: id });
    expect(item).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'second' }],
    });
    const after = await openai.conversations.items.delete(first?.id ?? '', { conversation_id: id });
    expect(after.id).toBe(id);
    expect((await openai.conversations.items.list(id)).data.map((i) => i.id)).toEqual([second?.id]);
  });

  it('a response in a conversation reads its items and adds its input and output to it', async () => {
    const openai = sdkFor(await startEmulator());
    const conversation = await openai.conversations.create({
      items: [{ type: 'message', role: 'user', content: 'tell me a joke' }],
    });
    const response = await openai.responses.create({
      model: 'gpt-4o',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'tell me another' }] }],
      conversation: { id: conversation.id },
    });
    expect(response.conversation).toEqual({ id: conversation.id });
    expect(response.output_text).toBe('You said: "tell me another"');
    const items = await openai.conversations.items.list(conversation.id);
    expect(
      items.data.map((i) => (i.type === 'message' ? `${i.role}: ${JSON.stringify(i.content[0])}` : i.type)),
    ).toEqual([
      'assistant: {"type":"output_text","annotations":[],"logprobs":[],"text":"You said: \\"tell me another\\""}',
      'user: {"type":"input_text","text":"tell me another"}',
      'user: {"type":"input_text","text":"tell me a joke"}',
    ]);
  });

  it('the function-call round trip through a conversation', async () => {
    const openai = sdkFor(await startEmulator());
    const { id } = await openai.conversations.create();
    const first = await openai.responses.create({
      model: 'gpt-4o',
      conversation: id,
      input: 'get_weather {"city":"Rome"}',
      tools: [weather],
    });
    const call = first.output[0];
    if (call?.type !== 'function_call') throw new Error('expected a function call');
    const second = await openai.responses.create({
      model: 'gpt-4o',
      conversation: id,
      tools: [weather],
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'hot' }],
    });
    expect(second.output_text).toBe('get_weather returned: hot');
    const items = await openai.conversations.items.list(id, { order: 'asc' });
    expect(items.data.map((i) => i.type)).toEqual([
      'message',
      'function_call',
      'function_call_output',
      'message',
    ]);
  });
});
