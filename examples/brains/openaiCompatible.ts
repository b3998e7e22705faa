/**
 * An emulator brain backed by any OpenAI-compatible chat completions endpoint (Ollama, LM Studio,
 * llama.cpp's server, vLLM, OpenAI itself): each turn of a run or a response is one streamed
 * chat completion, and its tokens reach your app as they arrive. Function tools go through too:
 * when the model calls them, the run pauses at `requires_action` (a response ends with
 * `function_call` items), and the outputs you submit go back to the model.
 *
 * ```sh
 * BRAIN_BASE_URL=http://127.0.0.1:11434/v1 BRAIN_MODEL=llama3.2 \
 *   npx rxjs-assistants-emulator --brain examples/brains/openaiCompatible.ts
 * ```
 *
 * In your own project, import the types from `rxjs-assistants/emulator` instead of `../../src/emulator`.
 */
import type { Brain, BrainAction, BrainContext } from '../../src/emulator';

/** Where the model is. Each option falls back to an environment variable. */
export interface OpenAICompatibleOptions {
  /** The API's base URL, up to `/v1`. @default process.env.BRAIN_BASE_URL ?? 'http://127.0.0.1:11434/v1' (Ollama) */
  baseURL?: string;
  /** @default process.env.BRAIN_MODEL, else the model the run or response names */
  model?: string;
  /** Sent as `Authorization: Bearer <apiKey>`. @default process.env.BRAIN_API_KEY (none if unset) */
  apiKey?: string;
}

/** What a chat completion chunk's `choices[0].delta` may hold. */
interface ChunkDelta {
  content?: string | null;
  tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[];
}

/** A line of the SSE body longer than this ends the stream with an error (bounded memory). */
const MAX_LINE_CHARS = 1024 * 1024;

/**
 * The `choices[0].delta` of each `data:` line of a chat completions SSE body, up to `data: [DONE]`.
 * Lines are cut by index, never by re-slicing the rest, so reading is linear in the body's size.
 */
async function* chunkDeltas(body: ReadableStream<Uint8Array>): AsyncGenerator<ChunkDelta> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      buffer += decoder.decode(read.value, { stream: true });
      let start = 0;
      for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n', start)) {
        const line = buffer.slice(start, end).trim();
        start = end + 1;
        if (!line.startsWith('data:')) continue; // comments (`: keep-alive`), event names, blank lines
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        const chunk = JSON.parse(data) as {
          choices?: { delta?: ChunkDelta }[];
          error?: { message?: string };
        };
        if (chunk.error) throw new Error(chunk.error.message ?? JSON.stringify(chunk.error));
        const delta = chunk.choices?.[0]?.delta;
        if (delta) yield delta;
      }
      buffer = buffer.slice(start);
      if (buffer.length > MAX_LINE_CHARS) throw new Error('a line of the stream is longer than 1 MiB');
    }
  } finally {
    // Stopped before the end (a cancel, [DONE], an error): let go of the connection.
    await reader.cancel().catch(() => undefined);
  }
}

/** The conversation as chat messages: instructions, the text messages, then this run's tool round trips. */
function chatMessages({ run, messages, toolResults }: BrainContext): object[] {
  const chat: object[] = run.instructions ? [{ role: 'system', content: run.instructions }] : [];
  for (const message of messages) {
    const text = message.content
      .flatMap((part) => (part.type === 'text' ? [part.text.value] : []))
      .join('\n');
    chat.push({ role: message.role, content: text });
  }
  if (toolResults.length > 0) {
    const calls = toolResults.map(({ id, name, arguments: args }) => ({
      id,
      type: 'function',
      function: { name, arguments: args },
    }));
    chat.push({ role: 'assistant', content: null, tool_calls: calls });
    for (const result of toolResults)
      chat.push({ role: 'tool', tool_call_id: result.id, content: result.output });
  }
  return chat;
}

/** The run's function tools, as chat completions takes them (name, description, parameters: what every server knows). */
const chatTools = ({ run }: BrainContext): object[] =>
  (run.tools ?? []).flatMap((tool) => {
    if (tool.type !== 'function') return [];
    const { name, description, parameters } = tool.function;
    return [{ type: 'function', function: { name, description, parameters } }];
  });

/** Posts the chat completion, streamed; a refusal or an unreachable server is an error saying which. */
async function startCompletion(url: string, apiKey: string | undefined, body: object, signal: AbortSignal) {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? String(error)}`);
  }
  if (!response.ok || !response.body)
    throw new Error(`${url} answered HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`);
  return response.body;
}

/**
 * A brain that asks the chat completions endpoint at `baseURL` for each turn. Text streams as an
 * async iterable, token by token. When the model's first output is a tool call, the turn is a
 * `function_calls` action with every call (tool calls after text are not followed).
 *
 * @example
 * ```ts
 * import { startEmulator } from 'rxjs-assistants/emulator';
 * import { openaiCompatibleBrain } from './brains/openaiCompatible';
 *
 * const emulator = await startEmulator({
 *   brain: openaiCompatibleBrain({ baseURL: 'http://127.0.0.1:1234/v1', model: 'qwen2.5-7b-instruct' }),
 * });
 * ```
 */
export function openaiCompatibleBrain(options: OpenAICompatibleOptions = {}): Brain {
  const {
    baseURL = process.env['BRAIN_BASE_URL'] ?? 'http://127.0.0.1:11434/v1',
    model = process.env['BRAIN_MODEL'],
    apiKey = process.env['BRAIN_API_KEY'],
  } = options;
  let base = baseURL;
  while (base.endsWith('/')) base = base.slice(0, -1);
  const url = `${base}/chat/completions`;
  return async (context): Promise<BrainAction[]> => {
    const tools = chatTools(context);
    const body = {
      model: model ?? context.run.model,
      messages: chatMessages(context),
      stream: true,
      ...(tools.length > 0 ? { tools } : {}),
    };
    const deltas = chunkDeltas(await startCompletion(url, apiKey, body, context.signal));
    // Read until the model shows whether it writes or calls tools.
    let first = await deltas.next();
    while (!first.done && !first.value.content && !first.value.tool_calls?.length)
      first = await deltas.next();
    if (first.done) return [{ type: 'text', text: [] }];
    if (first.value.tool_calls?.length)
      return [{ type: 'function_calls', calls: await toolCalls(first.value, deltas) }];
    const opening = first.value.content ?? '';
    async function* text(): AsyncGenerator<string> {
      try {
        yield opening;
        for await (const delta of deltas) if (delta.content) yield delta.content;
      } finally {
        await deltas.return(undefined); // stopped early (a cancel): let go of the body
      }
    }
    return [{ type: 'text', text: text() }];
  };
}

/** Every tool call of the completion, in `index` order, its pieces joined (the name comes once). */
async function toolCalls(first: ChunkDelta, rest: AsyncIterable<ChunkDelta>) {
  const calls = new Map<number, { name: string; arguments: string }>();
  const add = (delta: ChunkDelta): void => {
    for (const piece of delta.tool_calls ?? []) {
      const call = calls.get(piece.index) ?? { name: '', arguments: '' };
      calls.set(piece.index, call);
      call.name ||= piece.function?.name ?? '';
      call.arguments += piece.function?.arguments ?? '';
    }
  };
  add(first);
  for await (const delta of rest) add(delta);
  return [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, call]) => ({ name: call.name, arguments: call.arguments || '{}' }));
}

/** The brain `--brain examples/brains/openaiCompatible.ts` loads: configured by BRAIN_* variables. */
export default openaiCompatibleBrain();
