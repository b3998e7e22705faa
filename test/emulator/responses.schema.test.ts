import { describe, expect, it } from 'vitest';
import type { EndpointName } from '../../src/emulator';
import { readRecording, recordedSseBody } from '../helpers/fixtures';
import {
  captureScenario,
  EMPTY_LIST,
  expectValidAnswers,
  recordedProblems,
  scenarioBrain,
} from './conformance';
import { collapse, eventually, rawApi, strictFrames } from './helpers';
import { createResponsesValidator, RESPONSE_LENIENCIES } from './responsesValidator';

// Every JSON body and every stream event of the Responses and Conversations endpoints, over a
// scenario that reaches each endpoint and each kind of event the emulator sends, validates against
// the published spec (openapi-responses.json) with the documented RESPONSE_LENIENCIES only; and the
// streams have the event order and fields of the real recordings.

const brain = scenarioBrain({
  cut: [{ type: 'incomplete', text: 'This answer is cut' }],
  pause: [
    { type: 'delay', ms: 80 },
    { type: 'text', text: 'there' },
  ],
});

const weather = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } };

const { captured, endpointsSeen } = captureScenario(async ({ start, fetch }) => {
  const main = await start({
    brain,
    latencyMs: 0,
    keepAliveMs: 20,
    faults: { rules: [{ type: 'error_event', on: 'responses.create', afterEvents: 4, times: 1 }] },
  });
  const api = rawApi(main, {}, fetch);
  const until = (id: string, status: string) =>
    eventually(async () => ((await api.get(`/responses/${id}`)).json.status === status ? true : undefined));
  const create = (body: Record<string, unknown>) => api.post('/responses', { model: 'gpt-4o', ...body });

  // plain, streamed (the first stream gets the error_event fault), and every kind of action
  const plain = (await create({ input: 'hello', metadata: { a: 'b' }, instructions: 'Be brief.' })).json;
  await api.stream('/responses', { model: 'gpt-4o', input: 'faulty stream', background: true });
  for (const input of [
    'stream me',
    'code please',
    'search the notes',
    'fail now',
    'cut it short',
    'pause a bit',
  ])
    await api.stream('/responses', { model: 'gpt-4o', input });
  const limited = (await create({ input: 'one two three four five', max_output_tokens: 2 })).json;
  expect(limited.status).toBe('incomplete');
  // the function-call round trip, streamed, then as JSON
  const called = await api.stream('/responses', {
    model: 'gpt-4o',
    input: 'get_weather now',
    tools: [weather],
  });
  const first = JSON.parse(called.frames.at(-1)?.data ?? '{}').response;
  await api.stream('/responses', {
    model: 'gpt-4o',
    previous_response_id: first.id,
    tools: [weather],
    input: [{ type: 'function_call_output', call_id: first.output[0].call_id, output: 'sunny' }],
  });
  // background: queued, polled, re-attached, cancelled
  const background = (await create({ input: 'hi', background: true, stream: false })).json;
  await until(background.id, 'completed');
  const streamedId = JSON.parse(called.frames[0]?.data ?? '{}').response.id;
  await fetch(`${main.url}/responses/${streamedId}?stream=true&starting_after=3`);
  const slow = (await create({ input: 'slow please', background: true })).json;
  await until(slow.id, 'in_progress');
  await api.post(`/responses/${slow.id}/cancel`);
  await api.get(`/responses/${plain.id}`);
  await api.get(`/responses/${first.id}/input_items?limit=2&order=asc`);
  await api.del(`/responses/${plain.id}`);
  // conversations and their items
  const conversation = (
    await api.post('/conversations', { metadata: { topic: 't' }, items: [{ role: 'user', content: 'hi' }] })
  ).json;
  await api.get(`/conversations/${conversation.id}`);
  await api.post(`/conversations/${conversation.id}`, { metadata: { topic: 'u' } });
  await create({ input: 'code again', conversation: conversation.id });
  const added = (
    await api.post(`/conversations/${conversation.id}/items`, {
      items: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'noted' }] }],
    })
  ).json;
  await api.get(`/conversations/${conversation.id}/items`);
  await api.get(`/conversations/${conversation.id}/items/${added.data[0].id}`);
  await api.del(`/conversations/${conversation.id}/items/${added.data[0].id}`);
  const empty = (await api.post('/conversations')).json;
  await api.get(`/conversations/${empty.id}/items`);
  await api.del(`/conversations/${empty.id}`);
  // errors
  await api.post('/responses', { input: 'no model' });
  await api.get('/responses/resp_missing');
  await api.post(`/responses/${first.id}/cancel`);
  await api.get(`/conversations/${empty.id}`);
});

describe('Responses and Conversations output against openapi-responses.json', () => {
  it('the scenario reached every endpoint, success and error answers, and every kind of event sent', () => {
    const all: EndpointName[] = [
      'responses.create',
      'responses.retrieve',
      'responses.cancel',
      'responses.delete',
      'responses.inputItems',
      'conversations.create',
      'conversations.retrieve',
      'conversations.update',
      'conversations.delete',
      'conversationItems.create',
      'conversationItems.list',
      'conversationItems.retrieve',
      'conversationItems.delete',
    ];
    expect(all.filter((e) => !endpointsSeen.has(e))).toEqual([]);
    expect(new Set(captured.map((c) => c.status))).toEqual(new Set([200, 400, 404]));
    const events = new Set(captured.flatMap((c) => c.frames ?? []).map((f) => f.event));
    const expected = [
      ...['created', 'queued', 'in_progress', 'completed', 'failed', 'incomplete'].map(
        (s) => `response.${s}`,
      ),
      'response.output_item.added',
      'response.output_item.done',
      'response.content_part.added',
      'response.content_part.done',
      'response.output_text.delta',
      'response.output_text.done',
      'response.output_text.annotation.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      ...['in_progress', 'interpreting', 'completed'].map((s) => `response.code_interpreter_call.${s}`),
      'response.code_interpreter_call_code.delta',
      'response.code_interpreter_call_code.done',
      ...['in_progress', 'searching', 'completed'].map((s) => `response.file_search_call.${s}`),
      'keepalive',
      'error',
    ];
    expect([...events].sort()).toEqual(expected.sort());
    const statuses = new Set(captured.map((c) => (c.json as { status?: string } | undefined)?.status));
    for (const status of ['queued', 'completed', 'incomplete', 'cancelled'])
      expect(statuses).toContain(status);
  });

  it('every answer validates (JSON bodies, SSE frames, error objects), and no stream has [DONE]', () => {
    expectValidAnswers(createResponsesValidator(), captured, 30);
    expect(captured.flatMap((c) => c.frames ?? []).filter((f) => f.data === '[DONE]')).toEqual([]);
  });

  it('the validator is not vacuous: it rejects a broken response, event and frame', () => {
    const validator = createResponsesValidator();
    const frames = captured.flatMap((c) => c.frames ?? []);
    const completed = JSON.parse(frames.find((f) => f.event === 'response.completed')?.data ?? '{}');
    expect(validator.object('Response', completed.response)).toEqual([]);
    expect(validator.object('Response', { ...completed.response, status: 'done' })).not.toEqual([]);
    expect(
      validator.object('Response', { ...completed.response, output: [{ type: 'message' }] }),
    ).not.toEqual([]);
    const { sequence_number: _n, ...unnumbered } = completed;
    expect(validator.frame({ event: 'response.completed', data: JSON.stringify(unnumbered) })).not.toEqual(
      [],
    );
    expect(validator.frame({ event: 'response.created', data: JSON.stringify(completed) })).not.toEqual([]);
    expect(validator.frame({ event: 'done', data: JSON.stringify({ type: 'done' }) })).not.toEqual([]);
  });
});

describe('the Responses leniencies are the wire, not inventions', () => {
  const RECORDINGS = [
    'StreamingResponses',
    'FunctionCallStreamingWorks',
    'FunctionCallWorks',
    'CanCancelBackgroundResponses',
    'ResponseUsingConversations',
    'ReasoningStreamingWorks',
    'MessageHistoryWorks',
  ];
  const check = (validator: ReturnType<typeof createResponsesValidator>) =>
    RECORDINGS.flatMap((name) => recordedProblems(validator, `openai-dotnet.${name}.json`));

  it('every recorded Responses frame and JSON answer validates with them', () => {
    expect(check(createResponsesValidator())).toEqual([]);
  });

  it('each leniency is needed by a recorded payload (keepalive: by a reported real stream)', () => {
    const failures = check(createResponsesValidator({ lenient: false })).join('\n');
    expect(RESPONSE_LENIENCIES.map((l) => l.where)).toHaveLength(6);
    expect(failures).toMatch(/response\/user must be string/);
    expect(failures).toMatch(/response\/usage must be object/);
    expect(failures).toMatch(/cache_write_tokens/);
    expect(failures).toMatch(/ResponseFunctionCallArgumentsDoneEvent must have required property 'name'/);
    const strict = createResponsesValidator({ lenient: false });
    expect(strict.object('ConversationItemList', EMPTY_LIST)).not.toEqual([]);
    expect(
      strict.frame({ event: 'keepalive', data: '{"type":"keepalive","sequence_number":466}' }),
    ).not.toEqual([]);
  });
});

describe('streams as the real ones', () => {
  const recordedTypes = (name: string) =>
    strictFrames(recordedSseBody(readRecording(`openai-dotnet.${name}.json`).Entries[0] as never)).map(
      (f) => f.event,
    );
  const emulatedStream = (input: string) =>
    captured.find((c) => c.frames && c.method === 'POST' && c.frames.some((f) => f.data.includes(input)))
      ?.frames ?? [];

  it('a text stream and a function-call stream have the recorded event order', () => {
    expect(collapse(emulatedStream('stream me').map((f) => f.event))).toEqual(
      collapse(recordedTypes('StreamingResponses')),
    );
    const call = captured.find((c) =>
      c.frames?.some((f) => f.event === 'response.function_call_arguments.delta'),
    );
    expect(collapse((call?.frames ?? []).map((f) => f.event))).toEqual(
      collapse(recordedTypes('FunctionCallStreamingWorks')),
    );
  });

  it('each event carries every field the recorded one does (but obfuscation), and the response every recorded field', () => {
    const fieldsOf = (frames: readonly { event: string; data: string }[]) => {
      const fields = new Map<string, Set<string>>();
      for (const f of frames) fields.set(f.event, new Set(Object.keys(JSON.parse(f.data))));
      return fields;
    };
    const recorded = fieldsOf([
      ...strictFrames(
        recordedSseBody(readRecording('openai-dotnet.StreamingResponses.json').Entries[0] as never),
      ),
      ...strictFrames(
        recordedSseBody(readRecording('openai-dotnet.FunctionCallStreamingWorks.json').Entries[0] as never),
      ),
    ]);
    const emitted = fieldsOf(captured.flatMap((c) => c.frames ?? []));
    const missing = [...recorded].flatMap(([event, keys]) =>
      [...keys].filter((k) => k !== 'obfuscation' && !emitted.get(event)?.has(k)).map((k) => `${event}.${k}`),
    );
    expect(missing).toEqual([]);
    const recordedResponse = (readRecording('openai-dotnet.FunctionCallWorks.json').Entries[0]
      ?.ResponseBody ?? {}) as object;
    const response = captured.find((c) => c.method === 'POST' && c.path === '/v1/responses' && c.json)
      ?.json as object;
    expect(Object.keys(recordedResponse).filter((k) => !(k in response))).toEqual([]);
  });
});
