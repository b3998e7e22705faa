import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openaiCompatibleBrain } from '../../examples/brains/openaiCompatible';
import type { Emulator } from '../../src/emulator';
import { emulatorPerTest } from '../helpers/emulators';
import { eventsOf, eventually, followStream, rawApi } from './helpers';

// examples/brains/openaiCompatible.ts against a tiny fake chat completions server on 127.0.0.1
// (no network): its tokens stream through the emulator as the fake sends them.

const start = emulatorPerTest({ latencyMs: 0 });

/** One request the fake received. */
interface Received {
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the JSON body as sent
  body: any;
  authorization: string | undefined;
  path: string;
  /** Resolves when the client closed the connection before the answer ended. */
  aborted: Promise<true>;
}

type Reply = (res: ServerResponse, received: Received) => void | Promise<void>;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** The fake: answers each POST with the next reply of `replies`. */
async function fakeChatServer(replies: Reply[]) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on('end', () => {
      const aborted = new Promise<true>((resolve) =>
        res.on('close', () => {
          if (!res.writableEnded) resolve(true);
        }),
      );
      const entry = {
        body: JSON.parse(text),
        authorization: req.headers.authorization,
        path: req.url ?? '',
        aborted,
      };
      received.push(entry);
      void replies.shift()?.(res, entry);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, received };
}

/** Starts an SSE answer and returns how to write chunks and end it. */
function sse(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const write = (delta: object, finish: string | null = null) =>
    res.write(
      `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
    );
  return {
    write,
    text: (content: string) => write({ content }),
    done: () => {
      write({}, 'stop');
      res.end('data: [DONE]\n\n');
    },
  };
}

/** A reply streaming `parts`, then waiting for `gate` (if any) before the rest. */
const streaming =
  (before: string[], gate?: Promise<unknown>, after: string[] = []): Reply =>
  async (res) => {
    const out = sse(res);
    out.write({ role: 'assistant', content: '' });
    for (const part of before) out.text(part);
    await gate;
    for (const part of after) out.text(part);
    out.done();
  };

async function runStream(emulator: Emulator, content: string, assistant: Record<string, unknown> = {}) {
  const api = rawApi(emulator);
  const created = (await api.post('/assistants', { model: 'gpt-4o', ...assistant })).json;
  const thread = (await api.post('/threads', { messages: [{ role: 'user', content }] })).json;
  const response = await fetch(`${emulator.url}/threads/${thread.id}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' },
    body: JSON.stringify({ assistant_id: created.id, stream: true }),
  });
  return { api, thread, stream: followStream(response) };
}

const textDeltas = (frames: { event: string; data: string }[]) =>
  frames
    .filter((f) => f.event === 'thread.message.delta')
    .map((f) => JSON.parse(f.data).delta.content[0].text.value);

describe('examples/brains/openaiCompatible', () => {
  it('streams the completion into a run token by token, as the endpoint sends them', async () => {
    let release = (_: unknown) => {};
    const gate = new Promise((resolve) => {
      release = resolve;
    });
    const fake = await fakeChatServer([streaming(['Hel'], gate, ['lo', '!'])]);
    const brain = openaiCompatibleBrain({ baseURL: `${fake.baseURL}/`, model: 'tiny', apiKey: 'sk-local' });
    const emulator = await start({ brain });
    const { api, thread, stream } = await runStream(emulator, 'hello', { instructions: 'Be brief.' });

    await eventually(() => (textDeltas(stream.frames()).includes('Hel') ? true : undefined));
    expect(stream.frames().some((f) => f.event === 'thread.run.completed')).toBe(false);
    release(undefined);
    expect(await stream.done).toBe('ended');

    expect(textDeltas(stream.frames())).toEqual(['Hel', 'lo', '!']);
    const last = (await api.get(`/threads/${thread.id}/messages`)).json.data[0];
    expect(last.content[0].text.value).toBe('Hello!');
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]).toMatchObject({
      path: '/v1/chat/completions',
      authorization: 'Bearer sk-local',
      body: {
        model: 'tiny',
        stream: true,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hello' },
        ],
      },
    });
    expect(fake.received[0]?.body.tools).toBeUndefined();
  });

  it('streams into a response, asking for the model the response names when none is set', async () => {
    const fake = await fakeChatServer([streaming(['Hi', ' there'])]);
    const emulator = await start({ brain: openaiCompatibleBrain({ baseURL: fake.baseURL }) });
    const response = await fetch(`${emulator.url}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local-model', input: 'greet me', stream: true }),
    });
    const stream = followStream(response);
    await stream.done;
    const events = eventsOf(stream.frames());
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta)).toEqual([
      'Hi',
      ' there',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { status: 'completed' } });
    expect(fake.received[0]?.body).toMatchObject({
      model: 'local-model',
      messages: [{ role: 'user', content: 'greet me' }],
    });
    expect(fake.received[0]?.authorization).toBeUndefined();
  });

  it('a tool call pauses the run; the submitted output goes back to the model', async () => {
    const toolCall: Reply = (res) => {
      const out = sse(res);
      out.write({ role: 'assistant', content: null });
      out.write({
        tool_calls: [
          { index: 0, id: 'call_m', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      });
      out.write({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] });
      out.write({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] });
      out.done();
    };
    const fake = await fakeChatServer([toolCall, streaming(['It is sunny.'])]);
    const emulator = await start({ brain: openaiCompatibleBrain({ baseURL: fake.baseURL, model: 'tiny' }) });
    const weather = {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    };
    const { api, thread, stream } = await runStream(emulator, 'weather in Paris?', {
      tools: [{ type: 'function', function: weather }],
    });
    await stream.done;
    const paused = JSON.parse(
      stream.frames().find((f) => f.event === 'thread.run.requires_action')?.data ?? '{}',
    );
    const [call] = paused.required_action.submit_tool_outputs.tool_calls;
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(fake.received[0]?.body.tools).toEqual([{ type: 'function', function: weather }]);

    const submitted = await api.post(`/threads/${thread.id}/runs/${paused.id}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: call.id, output: 'sunny' }],
    });
    expect(submitted.status).toBe(200);
    await eventually(async () =>
      (await api.get(`/threads/${thread.id}/runs/${paused.id}`)).json.status === 'completed'
        ? true
        : undefined,
    );
    expect(fake.received[1]?.body.messages.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: call.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: call.id, content: 'sunny' },
    ]);
    const last = (await api.get(`/threads/${thread.id}/messages`)).json.data[0];
    expect(last.content[0].text.value).toBe('It is sunny.');
  });

  it('cancelling the run aborts the request to the model', async () => {
    const fake = await fakeChatServer([streaming(['partial'], new Promise(() => {}))]);
    const emulator = await start({ brain: openaiCompatibleBrain({ baseURL: fake.baseURL, model: 'tiny' }) });
    const { api, thread, stream } = await runStream(emulator, 'hello');
    await eventually(() => (textDeltas(stream.frames()).includes('partial') ? true : undefined));
    const runId = eventsOf(stream.frames())[0].id;
    await api.post(`/threads/${thread.id}/runs/${runId}/cancel`);
    expect(await fake.received[0]?.aborted).toBe(true);
    await stream.done;
  });

  it('fails the run with what went wrong: an HTTP error, an error in the stream, no server, an endless line', async () => {
    const refused: Reply = (res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'model not loaded' } }));
    };
    const broken: Reply = (res) => {
      const out = sse(res);
      out.text('Half');
      res.end(`data: ${JSON.stringify({ error: { message: 'overloaded' } })}\n\n`);
    };
    const endless: Reply = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${'x'.repeat(1024 * 1024 + 10)}`);
    };
    const fake = await fakeChatServer([refused, broken, endless]);
    const closed = await fakeChatServer([]);
    servers.pop()?.close();
    const lastErrorOf = async (baseURL: string) => {
      const emulator = await start({ brain: openaiCompatibleBrain({ baseURL, model: 'tiny' }) });
      const { stream } = await runStream(emulator, 'hello');
      await stream.done;
      return JSON.parse(stream.frames().find((f) => f.event === 'thread.run.failed')?.data ?? '{}')
        .last_error;
    };
    expect(await lastErrorOf(fake.baseURL)).toEqual({
      code: 'server_error',
      message: `The brain failed: ${fake.baseURL}/chat/completions answered HTTP 500: {"error":{"message":"model not loaded"}}`,
    });
    expect((await lastErrorOf(fake.baseURL)).message).toBe("The brain's text stream failed: overloaded");
    expect((await lastErrorOf(fake.baseURL)).message).toBe(
      'The brain failed: a line of the stream is longer than 1 MiB',
    );
    expect((await lastErrorOf(closed.baseURL)).message).toBe(
      `The brain failed: cannot reach ${closed.baseURL}/chat/completions: ECONNREFUSED`,
    );
  });
});
