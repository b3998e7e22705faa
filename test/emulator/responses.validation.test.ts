import { describe, expect, it } from 'vitest';
import { type Brain, type BrainContext, defaultBrain } from '../../src/emulator';
import { emulatorPerTest } from '../helpers/emulators';
import { eventually, rawApi } from './helpers';

// POST /responses checks its body as the service does (OpenAI-shaped 400s naming the parameter),
// a refused create stores nothing, continuations are checked against the calls the model made,
// and the brain sees a response through its Assistants-shaped view.

const startEmulator = emulatorPerTest({ latencyMs: 0 });

const weather = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } };

async function setup(options: Parameters<typeof startEmulator>[0] = {}) {
  const emulator = await startEmulator(options);
  const api = rawApi(emulator);
  const create = (body: Record<string, unknown>) => api.post('/responses', { model: 'gpt-4o', ...body });
  return { emulator, api, create };
}

/** A completed response that called get_weather once, and its call id. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
async function called(create: (body: Record<string, unknown>) => Promise<{ json: any }>, extra = {}) {
  const first = (await create({ input: 'get_weather please', tools: [weather], ...extra })).json;
  expect(first.output[0].type).toBe('function_call');
  return { first, callId: first.output[0].call_id as string };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
const errorOf = (answer: { status: number; json: any }) => ({ status: answer.status, ...answer.json.error });

describe('POST /responses validation', () => {
  it('names what is missing or wrong, in the service words', async () => {
    const { create, api } = await setup();
    expect(errorOf(await api.post('/responses', { input: 'hi' }))).toMatchObject({
      status: 400,
      message: "Missing required parameter: 'model'.",
      type: 'invalid_request_error',
      param: 'model',
      code: 'missing_required_parameter',
    });
    expect(errorOf(await create({}))).toMatchObject({ status: 400, param: 'input' });
    expect(errorOf(await create({ input: 'hi', temprature: 1 }))).toMatchObject({
      message: 'Unrecognized request argument supplied: temprature',
      code: 'unknown_parameter',
    });
    expect(errorOf(await create({ input: 'hi', background: true, store: false }))).toMatchObject({
      status: 400,
      param: 'store',
    });
    expect(errorOf(await create({ input: 42 }))).toMatchObject({ param: 'input', code: 'invalid_type' });
    expect(errorOf(await create({ input: [{ role: 'robot', content: 'x' }] }))).toMatchObject({
      param: 'input[0].role',
    });
    expect(errorOf(await create({ input: [{ type: 'function_call_output', output: 'x' }] }))).toMatchObject({
      param: 'input[0].call_id',
    });
    expect(
      errorOf(await create({ input: 'hi', tools: [{ type: 'function', name: 'no spaces' }] })),
    ).toMatchObject({
      param: 'tools[0].name',
    });
    expect(errorOf(await create({ input: 'hi', max_output_tokens: 0 }))).toMatchObject({
      param: 'max_output_tokens',
    });
    expect(errorOf(await create({ input: 'hi', stream: 'yes' }))).toMatchObject({ param: 'stream' });
    const deep = {
      input: [{ role: 'user', content: 'x', extra: JSON.parse(`${'['.repeat(70)}${']'.repeat(70)}`) }],
    };
    expect(errorOf(await create(deep))).toMatchObject({ status: 400, code: 'nesting_too_deep' });
  });

  it('continuations: an unknown previous response, both kinds at once, an unknown conversation', async () => {
    const { create, emulator } = await setup();
    expect(errorOf(await create({ input: 'hi', previous_response_id: 'resp_nope' }))).toEqual({
      status: 400,
      message: "Previous response with id 'resp_nope' not found.",
      type: 'invalid_request_error',
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
    const done = (await create({ input: 'hi' })).json;
    const conversation = (await rawApi(emulator).post('/conversations')).json;
    expect(
      errorOf(await create({ input: 'hi', previous_response_id: done.id, conversation: conversation.id })),
    ).toMatchObject({
      status: 400,
      message:
        "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
    });
    expect(errorOf(await create({ input: 'hi', conversation: { id: 'conv_nope' } }))).toMatchObject({
      status: 404,
      message: "Conversation with id 'conv_nope' not found.",
    });
    expect(errorOf(await create({ input: 'hi', conversation: 7 }))).toMatchObject({ param: 'conversation' });
  });

  it('function_call_output must answer a call the model made, and every open call must be answered', async () => {
    const { create } = await setup();
    const { first, callId } = await called(create);
    expect(
      errorOf(
        await create({
          previous_response_id: first.id,
          input: [{ type: 'function_call_output', call_id: 'call_unknown', output: 'x' }],
        }),
      ),
    ).toEqual({
      status: 400,
      message: 'No tool call found for function call output with call_id call_unknown.',
      type: 'invalid_request_error',
      param: 'input',
      code: null,
    });
    expect(errorOf(await create({ previous_response_id: first.id, input: 'never mind' }))).toMatchObject({
      status: 400,
      message: `No tool output found for function call ${callId}.`,
      param: 'input',
    });
    // A call made in the input itself may be answered there (a history sent as items).
    const history = await create({
      input: [
        { type: 'message', role: 'user', content: 'weather?' },
        { type: 'function_call', call_id: 'call_mine', name: 'get_weather', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_mine', output: 'fog' },
      ],
      tools: [weather],
    });
    expect(history.json.output[0].content[0].text).toBe('get_weather returned: fog');
  });

  it('refuses to continue a response that has not ended', async () => {
    const brain: Brain = (ctx) =>
      ctx.lastUserText === 'slow' ? [{ type: 'delay', ms: 60_000 }] : defaultBrain(ctx);
    const { create } = await setup({ brain });
    const slow = (await create({ input: 'slow', background: true })).json;
    expect(errorOf(await create({ input: 'next', previous_response_id: slow.id }))).toMatchObject({
      status: 400,
      param: 'previous_response_id',
      message: expect.stringContaining('still'),
    });
  });

  it('a refused create stores nothing and leaves its conversation as it was', async () => {
    const { create, emulator, api } = await setup();
    const conversation = (await api.post('/conversations', { items: [{ role: 'user', content: 'hi' }] }))
      .json;
    await create({
      conversation: conversation.id,
      input: [{ type: 'function_call_output', call_id: 'x', output: 'y' }],
    });
    await create({ input: 'hi', background: true, store: false });
    expect(emulator.responses()).toEqual([]);
    expect((await api.get(`/conversations/${conversation.id}/items`)).json.data).toHaveLength(1);
  });
});

describe('what a response is', () => {
  it('echoes what was sent; model, instructions and tools are not inherited by a continuation', async () => {
    const { create } = await setup();
    const { first, callId } = await called(create, {
      instructions: 'Be brief.',
      temperature: 0.5,
      metadata: { a: 'b' },
    });
    expect(first).toMatchObject({
      instructions: 'Be brief.',
      temperature: 0.5,
      metadata: { a: 'b' },
      store: true,
    });
    expect(first.tools).toEqual([
      {
        type: 'function',
        description: null,
        name: 'get_weather',
        parameters: weather.parameters,
        strict: true,
      },
    ]);
    const next = (
      await create({
        model: 'gpt-4.1',
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: callId, output: 'rain' }],
      })
    ).json;
    expect(next).toMatchObject({
      model: 'gpt-4.1',
      instructions: null,
      tools: [],
      temperature: 1,
      metadata: {},
      previous_response_id: first.id,
    });
  });

  it('store: false answers the response but keeps nothing to retrieve or continue', async () => {
    const { create, api, emulator } = await setup();
    const unstored = (await create({ input: 'hi', store: false })).json;
    expect(unstored).toMatchObject({ status: 'completed', store: false });
    expect((await api.get(`/responses/${unstored.id}`)).status).toBe(404);
    expect(errorOf(await create({ input: 'again', previous_response_id: unstored.id }))).toMatchObject({
      code: 'previous_response_not_found',
    });
    expect(emulator.responses()).toEqual([]);
  });

  it('a failing brain, a fail action and a token limit end it failed, failed and incomplete', async () => {
    const brain: Brain = (ctx) => {
      if (ctx.lastUserText === 'throw') throw new Error('no idea');
      if (ctx.lastUserText === 'fail') return [{ type: 'fail', code: 'invalid_prompt', message: 'Nope.' }];
      return defaultBrain(ctx);
    };
    const { create } = await setup({ brain });
    expect((await create({ input: 'throw' })).json).toMatchObject({
      status: 'failed',
      error: { code: 'server_error', message: 'The brain failed: no idea' },
    });
    expect((await create({ input: 'fail' })).json).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_prompt', message: 'Nope.' },
      completed_at: null,
    });
    const cut = (await create({ input: 'one two three four', max_output_tokens: 2 })).json;
    expect(cut).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      usage: { output_tokens: 2 },
    });
    expect(cut.output[0]).toMatchObject({ status: 'incomplete', content: [{ text: 'You said:' }] });
  });
});

describe("the brain's view of a response", () => {
  it('api, the response, a run-shaped view, the history, and turns along a chain of tool rounds', async () => {
    const seen: BrainContext[] = [];
    const brain: Brain = (ctx) => {
      seen.push(ctx);
      return defaultBrain(ctx);
    };
    const { create } = await setup({ brain });
    const { first, callId } = await called(create, { instructions: 'Be brief.', max_output_tokens: 50 });
    await create({
      previous_response_id: first.id,
      tools: [weather],
      input: [{ type: 'function_call_output', call_id: callId, output: 'rain' }],
    });
    expect(seen[0]).toMatchObject({
      api: 'responses',
      response: { id: first.id, status: 'in_progress' },
      run: {
        id: first.id,
        status: 'in_progress',
        instructions: 'Be brief.',
        max_completion_tokens: 50,
        tools: [{ type: 'function', function: { name: 'get_weather' } }],
      },
      assistant: { model: 'gpt-4o', instructions: 'Be brief.' },
      lastUserText: 'get_weather please',
      turn: 0,
      toolResults: [],
    });
    expect(seen[0]?.messages.map((m) => m.role)).toEqual(['user']);
    expect(seen[1]).toMatchObject({
      turn: 1,
      toolResults: [{ id: callId, name: 'get_weather', arguments: '{}', output: 'rain' }],
      thread: { id: first.id },
      lastUserText: 'get_weather please',
    });
  });
});

describe('limits', () => {
  it('keeps the newest limits.responses responses, never an active one first', async () => {
    const brain: Brain = (ctx) =>
      ctx.lastUserText === 'slow' ? [{ type: 'delay', ms: 60_000 }] : defaultBrain(ctx);
    const { create, api, emulator } = await setup({ brain, limits: { responses: 3 } });
    const slow = (await create({ input: 'slow', background: true })).json;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create({ input: `${i} + 1` })).json.id);
    expect(emulator.responses().map((r) => r.id)).toEqual([slow.id, ...ids.slice(-2)]);
    for (const id of ids.slice(0, 3)) expect((await api.get(`/responses/${id}`)).status).toBe(404);
    expect((await api.post(`/responses/${slow.id}/cancel`)).json.status).toBe('cancelled');
  });

  it('options are checked where they are given', async () => {
    const refused = (options: Parameters<typeof startEmulator>[0]) =>
      startEmulator(options).then(
        () => undefined,
        (e: unknown) => String(e),
      );
    expect(await refused({ keepAliveMs: 2 ** 31 })).toMatch(/keepAliveMs/);
    expect(await refused({ responseStreamMaxAgeMs: 0 })).toMatch(/responseStreamMaxAgeMs/);
    expect(await refused({ idempotentResponseCancel: 'yes' as never })).toMatch(/idempotentResponseCancel/);
    expect(await refused({ limits: { responses: 0 } })).toMatch(/limits\.responses/);
    expect(await refused({ limits: { itemsPerConversation: 1.5 } })).toMatch(/limits\.itemsPerConversation/);
  });

  it('a DELETE stops a response that is still going', async () => {
    const brain: Brain = (ctx) =>
      ctx.lastUserText === 'slow' ? [{ type: 'delay', ms: 60_000 }] : defaultBrain(ctx);
    const { create, api, emulator } = await setup({ brain });
    const slow = (await create({ input: 'slow', background: true })).json;
    await eventually(() => (emulator.responses()[0]?.status === 'in_progress' ? true : undefined));
    expect((await api.del(`/responses/${slow.id}`)).json).toEqual({
      id: slow.id,
      object: 'response.deleted',
      deleted: true,
    });
    expect((await api.get(`/responses/${slow.id}`)).status).toBe(404);
    expect((await api.del(`/responses/${slow.id}`)).status).toBe(404);
  });
});
