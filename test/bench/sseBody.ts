import { readFixture, referenceEvents } from '../helpers/fixtures';

/**
 * Synthetic SSE bodies for the stream benchmarks, built from the real recorded frames: the run,
 * step and message payloads of `dotnet-StreamingToolCall` (create, then submit_tool_outputs), with
 * new ids, and text deltas that cycle through the recorded delta values.
 */

const CREATE = 'dotnet-StreamingToolCall.01.create_thread_and_run.sse';
const SUBMIT = 'dotnet-StreamingToolCall.02.submit_tool_outputs.sse';

type Json = Record<string, unknown>;

interface Templates {
  run: Json;
  step: Json;
  message: Json;
  completedMessage: Json;
  completedStep: Json;
  completedRun: Json;
  /** The recorded text delta values, in order. */
  words: string[];
}

let cached: Templates | undefined;

function templates(): Templates {
  if (cached) return cached;
  const created = referenceEvents(readFixture('sse', CREATE));
  const submit = referenceEvents(readFixture('sse', SUBMIT));
  const find = (events: typeof submit, name: string, pick?: (data: Json) => boolean): Json => {
    const hit = events.find(
      (e) => e.event === name && (pick === undefined || pick(e.data as unknown as Json)),
    );
    if (!hit) throw new Error(`bench: no ${name} frame in the fixtures`);
    return hit.data as unknown as Json;
  };
  const words = submit
    .filter((e) => e.event === 'thread.message.delta')
    .map((e) => {
      const part = (e.data as { delta: { content: { text: { value: string } }[] } }).delta.content[0];
      return part?.text.value ?? '';
    });
  cached = {
    run: find(created, 'thread.run.created'),
    step: find(submit, 'thread.run.step.created', (d) => d['type'] === 'message_creation'),
    message: find(submit, 'thread.message.created'),
    completedMessage: find(submit, 'thread.message.completed'),
    completedStep: find(submit, 'thread.run.step.completed', (d) => d['type'] === 'message_creation'),
    completedRun: find(submit, 'thread.run.completed'),
    words,
  };
  return cached;
}

/** A synthetic body and what it contains. */
export interface SseBody {
  bytes: Uint8Array;
  /** Number of `thread.message.delta` frames. */
  deltas: number;
  /** Number of frames before `done`. */
  frames: number;
  /** The final text of each message, in order (what every contender must produce). */
  texts: string[];
  threadId: string;
  runId: string;
  assistantId: string;
}

const frame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * One streamed run: `created → queued → in_progress`, then per message `step.created`,
 * `step.in_progress`, `message.created`, `message.in_progress`, `deltasPerMessage` text deltas,
 * `message.completed` (the whole text), `step.completed`; then `run.completed` and `done`.
 */
export function buildSseBody(messages: number, deltasPerMessage: number): SseBody {
  const t = templates();
  const threadId = 'thread_bench0000000000000001';
  const runId = 'run_bench00000000000000000001';
  const assistantId = t.run['assistant_id'] as string;
  const ids = { thread_id: threadId };
  const run = (status: string, extra: Json = {}): Json => ({
    ...(status === 'completed' ? t.completedRun : t.run),
    ...ids,
    id: runId,
    status,
    ...extra,
  });
  const parts: string[] = [
    frame('thread.run.created', run('queued')),
    frame('thread.run.queued', run('queued')),
    frame('thread.run.in_progress', run('in_progress')),
  ];
  const texts: string[] = [];
  let w = 0;
  for (let m = 0; m < messages; m++) {
    const msgId = `msg_bench${String(m).padStart(19, '0')}`;
    const stepId = `step_bench${String(m).padStart(18, '0')}`;
    const common = { ...ids, run_id: runId };
    const details = { type: 'message_creation', message_creation: { message_id: msgId } };
    const step = { ...t.step, ...common, id: stepId, step_details: details };
    const message = { ...t.message, ...common, id: msgId };
    parts.push(
      frame('thread.run.step.created', step),
      frame('thread.run.step.in_progress', step),
      frame('thread.message.created', message),
      frame('thread.message.in_progress', message),
    );
    const pieces: string[] = [];
    for (let d = 0; d < deltasPerMessage; d++) {
      const value = t.words[w++ % t.words.length] as string;
      pieces.push(value);
      const text = d === 0 ? { value, annotations: [] } : { value };
      parts.push(
        frame('thread.message.delta', {
          id: msgId,
          object: 'thread.message.delta',
          delta: { content: [{ index: 0, type: 'text', text }] },
        }),
      );
    }
    const value = pieces.join('');
    texts.push(value);
    parts.push(
      frame('thread.message.completed', {
        ...t.completedMessage,
        ...common,
        id: msgId,
        content: [{ type: 'text', text: { value, annotations: [] } }],
      }),
      frame('thread.run.step.completed', {
        ...t.completedStep,
        ...common,
        id: stepId,
        step_details: details,
      }),
    );
  }
  parts.push(frame('thread.run.completed', run('completed')), 'event: done\ndata: [DONE]\n\n');
  return {
    bytes: new TextEncoder().encode(parts.join('')),
    deltas: messages * deltasPerMessage,
    frames: parts.length - 1,
    texts,
    threadId,
    runId,
    assistantId,
  };
}

export const CHUNK_BYTES = 16 * 1024;

/** `bytes` cut into `size`-byte views (no copies), as a socket would hand them over. */
export function chunk(bytes: Uint8Array, size = CHUNK_BYTES): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/** A fresh pull-based stream of `chunks`, one chunk per pull. */
export function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[i++];
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  });
}

/** The `fetch` that both clients accept. */
export type FetchLike = (url: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A `fetch` that answers every request with a fresh stream of `chunks` as `text/event-stream`. */
export function sseFetch(chunks: readonly Uint8Array[]): FetchLike {
  return async () =>
    new Response(streamOf(chunks), { status: 200, headers: { 'content-type': 'text/event-stream' } });
}
