import OpenAI from 'openai';
import { expect } from 'vitest';
import { type Brain, defaultBrain, type Emulator } from '../../src/emulator';
import type { ResponsesApp } from '../../src/emulator/app';
import { ResponseEngine } from '../../src/emulator/responses/responseEngine';
import { ResponseStore } from '../../src/emulator/responses/store';

/** One SSE frame as written on the wire. */
export interface Frame {
  event: string;
  data: string;
}

/**
 * Splits an SSE body into frames, strictly: every frame must be exactly `event: <name>\ndata: <one
 * line>` followed by a blank line, and the body must end with a complete frame.
 */
export function strictFrames(body: string): Frame[] {
  if (body !== '' && !body.endsWith('\n\n'))
    throw new Error(`SSE body does not end with a blank line: ${body.slice(-80)}`);
  return body
    .split('\n\n')
    .slice(0, -1)
    .map((block) => {
      const match = /^event: ([^\n]+)\ndata: ([^\n]*)$/.exec(block);
      if (!match) throw new Error(`Malformed SSE frame: ${JSON.stringify(block)}`);
      return { event: match[1] ?? '', data: match[2] ?? '' };
    });
}

/** A small raw HTTP client for the emulator (no SDK in between). */
export function rawApi(
  emulator: Emulator,
  headers: Record<string, string> = {},
  fetchImpl: typeof fetch = fetch,
) {
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const response = await fetchImpl(`${emulator.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'openai-beta': 'assistants=v2', ...headers, ...extra },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
    const json: any = contentType.startsWith('application/json') ? JSON.parse(text) : undefined;
    return { status: response.status, headers: response.headers, text, json, contentType };
  };
  return {
    call,
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown = {}) => call('POST', path, body),
    del: (path: string) => call('DELETE', path),
    /** POSTs with `stream: true` and returns the strict frames of the whole answer. */
    stream: async (path: string, body: Record<string, unknown>) => {
      const answer = await call('POST', path, { ...body, stream: true });
      return { ...answer, frames: answer.status === 200 ? strictFrames(answer.text) : [] };
    },
  };
}

/** The official SDK pointed at the emulator (no retries unless asked). */
export const sdkFor = (emulator: Emulator, options: ConstructorParameters<typeof OpenAI>[0] = {}): OpenAI =>
  new OpenAI({ baseURL: emulator.url, apiKey: 'sk-test', maxRetries: 0, ...options });

/** Polls `check` every few ms until it returns a value (bounded by the test's own timeout). */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Event names with runs of the same name collapsed (`delta×40` → `delta`), for order comparisons. */
export const collapse = (names: readonly string[]): string[] =>
  names.filter((name, i) => i === 0 || names[i - 1] !== name);

/** One answer seen by {@link capturingFetch}. */
export interface Captured {
  method: string;
  path: string;
  status: number;
  /** The parsed JSON body, for JSON answers. */
  json?: unknown;
  /** The strict SSE frames, for event streams. */
  frames?: Frame[];
  /** Why the body could not be read or parsed, if so. */
  problem?: string;
}

/**
 * A `fetch` that keeps a copy of every answer (JSON parsed, SSE split strictly into frames).
 * Await `settled()` before reading `answers`.
 */
export function capturingFetch() {
  const answers: Captured[] = [];
  const pending: Promise<void>[] = [];
  const capture: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const entry: Captured = {
      method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
      path: url.pathname,
      status: response.status,
    };
    answers.push(entry);
    const contentType = response.headers.get('content-type') ?? '';
    pending.push(
      response
        .clone()
        .text()
        .then((text) => {
          if (contentType.startsWith('text/event-stream')) entry.frames = strictFrames(text);
          else entry.json = JSON.parse(text);
        })
        .catch((error: unknown) => {
          entry.problem = String(error);
        }),
    );
    return response;
  };
  return { fetch: capture, answers, settled: () => Promise.all(pending) };
}

/** Replies slowly to "wait", like the default brain otherwise. */
export const slowBrain: Brain = (context) =>
  context.lastUserText.startsWith('wait')
    ? [
        { type: 'text', text: 'first part' },
        { type: 'delay', ms: 60_000 },
      ]
    : defaultBrain(context);

const weather = { type: 'function', function: { name: 'get_weather' } };

/** An assistant (with a `get_weather` tool unless told otherwise), an empty thread, and run helpers. */
export async function runFixture(emulator: Emulator, tools: unknown[] = [weather]) {
  const api = rawApi(emulator);
  const assistant = (await api.post('/assistants', { model: 'gpt-4o', tools })).json;
  const thread = (await api.post('/threads')).json;
  const statusOf = async (runId: string) =>
    (await api.get(`/threads/${thread.id}/runs/${runId}`)).json.status as string;
  const until = (runId: string, status: string) =>
    eventually(async () => ((await statusOf(runId)) === status ? true : undefined));
  const startRun = async (content: string, extra: Record<string, unknown> = {}) => {
    expect((await api.post(`/threads/${thread.id}/messages`, { role: 'user', content })).status).toBe(200);
    const answer = await api.post(`/threads/${thread.id}/runs`, { assistant_id: assistant.id, ...extra });
    expect(answer.status).toBe(200);
    return answer.json as { id: string; status: string; expires_at: number; created_at: number };
  };
  return { api, assistant, thread, statusOf, until, startRun };
}

/** The Responses half of an `App`, for tests that build the emulator's parts by hand (dispose its engine). */
export function testResponsesApp(brain: Brain = defaultBrain): ResponsesApp {
  const store = new ResponseStore({ responses: 100, conversations: 100, itemsPerConversation: 100 });
  return {
    store,
    engine: new ResponseEngine(store, brain, 0),
    streamMaxAgeMs: 300_000,
    keepAliveMs: 0,
    idempotentCancel: false,
  };
}

/**
 * Follows an SSE answer as it comes: `frames()` are the complete frames so far; `done` resolves
 * with `'ended'` when the body ends, `'dropped'` when the connection breaks; `cancel()` leaves it.
 */
export function followStream(response: Response) {
  const body = response.body;
  if (!body) throw new Error('an answer without a body');
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const done = (async (): Promise<'ended' | 'dropped'> => {
    try {
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended) return 'ended';
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      return 'dropped';
    }
  })();
  return {
    text: () => text,
    frames: () => strictFrames(text.slice(0, text.lastIndexOf('\n\n') + 2)),
    done,
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

/** Data of the frames of a Responses stream, parsed. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary event payloads
export const eventsOf = (frames: readonly Frame[]): any[] => frames.map((f) => JSON.parse(f.data));
