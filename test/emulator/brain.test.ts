import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Brain, type BrainContext, defaultBrain } from '../../src/emulator';
import { evaluateArithmetic, formatNumber } from '../../src/emulator/arithmetic';
import { splitWords, textChunks } from '../../src/emulator/brainActions';
import type { RunEvent } from '../../src/events/RunEvent';
import type { AssistantTool, Run } from '../../src/events/types';
import { initialRunState } from '../../src/state/RunState';
import { reduceRunState } from '../../src/state/reduceRunState';
import { emulatorPerTest } from '../helpers/emulators';
import { seeded } from '../helpers/seeded';
import { eventually, rawApi } from './helpers';

const context = (
  lastUserText: string,
  tools: AssistantTool[] = [],
  toolResults: BrainContext['toolResults'] = [],
) =>
  ({
    api: 'assistants',
    assistant: { id: 'asst_1', model: 'gpt-4o' },
    thread: { id: 'thread_1' },
    run: { id: 'run_1', thread_id: 'thread_1', status: 'in_progress', tools } as Run,
    messages: [],
    lastUserText,
    toolResults,
    turn: toolResults.length > 0 ? 1 : 0,
    signal: new AbortController().signal,
  }) satisfies BrainContext;

const fn = (name: string): AssistantTool => ({ type: 'function', function: { name } });

describe('defaultBrain', () => {
  it('calls the tool named in the message with the first JSON object as arguments', () => {
    expect(
      defaultBrain(
        context('weather? use get_weather {"city": "Paris", "unit": "c"} thanks {"x":1}', [
          fn('get_weather'),
        ]),
      ),
    ).toEqual([
      { type: 'function_calls', calls: [{ name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' }] },
    ]);
    expect(defaultBrain(context('get_weather { not json } please', [fn('get_weather')]))).toEqual([
      { type: 'function_calls', calls: [{ name: 'get_weather', arguments: '{}' }] },
    ]);
    // the longest mentioned name wins; a brace inside a JSON string does not end the object
    expect(
      defaultBrain(context('get_weather_daily {"q":"a}b"}', [fn('get_weather'), fn('get_weather_daily')])),
    ).toEqual([{ type: 'function_calls', calls: [{ name: 'get_weather_daily', arguments: '{"q":"a}b"}' }] }]);
  });

  it('replies "<name> returned: <output>" once the outputs arrived', () => {
    const results = [{ id: 'call_1', name: 'get_weather', arguments: '{}', output: 'sunny' }];
    expect(defaultBrain(context('get_weather', [fn('get_weather')], results))).toEqual([
      { type: 'text', text: 'get_weather returned: sunny' },
    ]);
  });

  it('answers arithmetic, and quotes anything else', () => {
    expect(defaultBrain(context('2 + 2'))).toEqual([{ type: 'text', text: '2 + 2 = 4' }]);
    expect(defaultBrain(context(' (1 + 2) * -3 = '))).toEqual([{ type: 'text', text: '(1 + 2) * -3 = -9' }]);
    expect(defaultBrain(context('0.1 + 0.2?'))).toEqual([{ type: 'text', text: '0.1 + 0.2 = 0.3' }]);
    expect(defaultBrain(context('hello', [fn('get_weather')]))).toEqual([
      { type: 'text', text: 'You said: "hello"' },
    ]);
    expect(defaultBrain(context('1 / 0'))).toEqual([{ type: 'text', text: 'You said: "1 / 0"' }]);
    expect(defaultBrain(context('42'))).toEqual([{ type: 'text', text: 'You said: "42"' }]);
  });
});

describe('evaluateArithmetic', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['2 ** 10', 1024],
    ['-2 ^ 2', -4],
    ['7 % 4', 3],
    ['6 × 7', 42],
    ['9 ÷ 4', 2.25],
    ['.5 + 1.', 1.5],
    ['--3 - -3', 6],
  ])('%s = %d', (text, value) => expect(evaluateArithmetic(text)).toBe(value));

  it.each([
    '',
    '1 +',
    '(1 + 2',
    '1 + 2)',
    '2 + two',
    'eval(1)',
    '1,5 + 2',
    '()',
    '1 / 0',
    `${'('.repeat(60)}1${')'.repeat(60)}+1`,
  ])('rejects %j', (text) => expect(evaluateArithmetic(text)).toBeUndefined());

  it('never throws, and agrees with the expression tree it was printed from', () => {
    fc.assert(
      fc.property(fc.string(), (text) => void evaluateArithmetic(text)),
      seeded(100),
    );
    const expr: fc.Arbitrary<[string, number]> = fc.letrec<{ e: [string, number] }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer({ min: 0, max: 99 }).map((n): [string, number] => [String(n), n]),
        fc
          .tuple(tie('e'), fc.constantFrom('+', '-', '*'), tie('e'))
          .map(([[a, x], op, [b, y]]): [string, number] => [
            `(${a} ${op} ${b})`,
            op === '+' ? x + y : op === '-' ? x - y : x * y,
          ]),
      ),
    })).e;
    fc.assert(
      fc.property(expr, ([text, value]) => {
        fc.pre(/[-+*]/.test(text));
        expect(evaluateArithmetic(text)).toBe(value);
      }),
      seeded(100),
    );
  });

  it('formats with at most 12 significant digits', () => {
    expect(formatNumber(1 / 3)).toBe('0.333333333333');
    expect(formatNumber(-12)).toBe('-12');
  });
});

describe('splitWords', () => {
  it('makes word-sized chunks that join back to the text', () => {
    expect(splitWords('Hello there, world')).toEqual(['Hello', ' there,', ' world']);
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(splitWords(text).join('')).toBe(text);
      }),
      seeded(100),
    );
  });
});

describe('custom brains through the emulator', () => {
  const startEmulator = emulatorPerTest();

  async function run(brain: Brain, content = 'go') {
    const emulator = await startEmulator({ brain, latencyMs: 0 });
    const api = rawApi(emulator);
    const assistant = (await api.post('/assistants', { model: 'gpt-4o', instructions: 'Be brief.' })).json;
    const thread = (await api.post('/threads', { messages: [{ role: 'user', content }] })).json;
    const answer = await api.stream(`/threads/${thread.id}/runs`, { assistant_id: assistant.id });
    const frames = answer.frames
      .filter((f) => f.event !== 'done')
      .map((f) => ({ event: f.event, data: JSON.parse(f.data) }));
    const steps = (await api.get(`/threads/${thread.id}/runs/${frames[0]?.data.id}/steps?order=asc`)).json
      .data;
    return { frames, steps, last: frames.at(-1), api, thread };
  }

  it('code_interpreter: a completed tool_calls step with the input and logs, then the text', async () => {
    const { frames, steps } = await run(() => [
      { type: 'code_interpreter', input: 'print(6 * 7)', logs: '42\n' },
      { type: 'text', text: ['The answer', ' is 42.'] },
    ]);
    expect(steps.map((s: { type: string }) => s.type)).toEqual(['tool_calls', 'message_creation']);
    expect(steps[0].step_details.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        type: 'code_interpreter',
        code_interpreter: { input: 'print(6 * 7)', outputs: [{ type: 'logs', logs: '42\n' }] },
      },
    ]);
    const deltas = frames
      .filter((f) => f.event === 'thread.run.step.delta')
      .map((f) => f.data.delta.step_details.tool_calls[0]);
    expect(deltas.map((d) => d.code_interpreter)).toEqual([
      { input: '', outputs: [] },
      { input: 'print(6' },
      { input: ' *' },
      { input: ' 7)' },
      { outputs: [{ index: 0, type: 'logs', logs: '42\n' }] },
    ]);
    expect(
      frames.filter((f) => f.event === 'thread.message.delta').map((f) => f.data.delta.content[0].text.value),
    ).toEqual(['The answer', ' is 42.']);
  });

  it('file_search: a completed step with its results, then text whose markers are file citations', async () => {
    const marker = '【4:0†menu.txt】';
    const { frames, steps, api, thread } = await run(() => [
      {
        type: 'file_search',
        results: [
          { file_id: 'file-menu', file_name: 'menu.txt', score: 0.8, content: 'Soup of the day: leek.' },
        ],
      },
      { type: 'text', text: `Today's soup is leek${marker}.`, citations: { [marker]: 'file-menu' } },
    ]);
    expect(steps[0].step_details.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        type: 'file_search',
        file_search: {
          ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 },
          results: [
            {
              file_id: 'file-menu',
              file_name: 'menu.txt',
              score: 0.8,
              attributes: {},
              content: [{ type: 'text', text: 'Soup of the day: leek.' }],
            },
          ],
        },
      },
    ]);
    const texts = frames
      .filter((f) => f.event === 'thread.message.delta')
      .map((f) => f.data.delta.content[0].text);
    // The marker is a chunk of its own, with its annotation (indices in the whole text).
    expect(texts.map((t) => t.value)).toEqual(["Today's", ' soup', ' is', ' leek', marker, '.']);
    const start = "Today's soup is leek".length;
    const citation = {
      type: 'file_citation',
      text: marker,
      start_index: start,
      end_index: start + marker.length,
      file_citation: { file_id: 'file-menu', quote: '' },
    };
    expect(texts[4]).toEqual({ value: marker, annotations: [{ index: 0, ...citation }] });
    const messages = (await api.get(`/threads/${thread.id}/messages?order=desc&limit=1`)).json.data;
    expect(messages[0].content).toEqual([
      { type: 'text', text: { value: `Today's soup is leek${marker}.`, annotations: [citation] } },
    ]);
    // What the reducer builds from the deltas alone is what the server stored.
    const deltasOnly = frames.filter((f) => f.event !== 'thread.message.completed') as RunEvent[];
    const state = deltasOnly.reduce(reduceRunState, initialRunState);
    expect(state.messages[0]?.content).toEqual(messages[0].content);
  });

  it('text chunks keep each citation marker whole, and only markers that are own keys count', () => {
    expect(textChunks('a【1】b constructor', { '【1】': 'file-1' })).toEqual([
      'a',
      '【1】',
      'b',
      ' constructor',
    ]);
    expect(textChunks(['as', ' given'], { as: 'file-1' })).toEqual(['as', ' given']);
  });

  it('fail: the run fails with last_error', async () => {
    const { last } = await run(() => [{ type: 'fail', code: 'rate_limit_exceeded', message: 'Slow down.' }]);
    expect(last).toMatchObject({
      event: 'thread.run.failed',
      data: {
        status: 'failed',
        last_error: { code: 'rate_limit_exceeded', message: 'Slow down.' },
        failed_at: expect.any(Number),
      },
    });
  });

  it('a throwing brain fails the run with server_error and its message', async () => {
    const { last } = await run(() => {
      throw new Error('boom');
    });
    expect(last?.data).toMatchObject({
      status: 'failed',
      last_error: { code: 'server_error', message: 'The brain failed: boom' },
    });
    const bad = await run(() => [{ type: 'dance' } as never]);
    expect(bad.last?.data.last_error.message).toMatch(/Unknown brain action/);
  });

  it('incomplete: the message ends incomplete and so does the run', async () => {
    const { last, frames } = await run(() => [
      { type: 'incomplete', text: 'Cut here', reason: 'max_prompt_tokens' },
    ]);
    expect(frames.find((f) => f.event === 'thread.message.incomplete')?.data.content[0].text.value).toBe(
      'Cut here',
    );
    expect(last?.data).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_prompt_tokens' },
    });
  });

  it('an async brain sees copies of the thread, run and assistant, the turn and the tool results', async () => {
    const seen: BrainContext[] = [];
    const brain: Brain = async (ctx) => {
      seen.push(ctx);
      (ctx.run as { status: string }).status = 'completed'; // a copy: changes nothing
      return ctx.turn === 0
        ? [{ type: 'function_calls', calls: [{ name: 'f', arguments: '{"a":1}' }] }]
        : [{ type: 'text', text: 'ok' }];
    };
    const { last, api, thread } = await run(brain, 'hi there');
    expect(last?.data.status).toBe('requires_action');
    const callId = last?.data.required_action.submit_tool_outputs.tool_calls[0].id;
    await api.post(`/threads/${thread.id}/runs/${last?.data.id}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: callId, output: 'out' }],
    });
    await eventually(() => (seen.length === 2 ? true : undefined));
    expect(seen[0]).toMatchObject({
      turn: 0,
      lastUserText: 'hi there',
      toolResults: [],
      assistant: { instructions: 'Be brief.' },
    });
    expect(seen[0]?.messages.map((m) => m.role)).toEqual(['user']);
    expect(seen[1]).toMatchObject({
      turn: 1,
      toolResults: [{ id: callId, name: 'f', arguments: '{"a":1}', output: 'out' }],
    });
  });
});
