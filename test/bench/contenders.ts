import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { lastValueFrom, type Observable } from 'rxjs';
import { fetchClient } from '../../src/client/fetchClient';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import { runState } from '../../src/operators/runState';
import { createRun } from '../../src/sources/createRun';
import type { RunState } from '../../src/state/RunState';
import { type SseBody, sseFetch, streamOf } from './sseBody';

/**
 * The four ways of reading one streamed run that the stream benchmarks compare, each reading a
 * fresh `ReadableStream` of the same 16 KiB chunks per pass:
 * (a) the floor: eventsource-parser + `JSON.parse`, nothing else;
 * (b) the official SDK: `openai.beta.threads.runs.stream(…)` on a `fetch` that answers with the
 *     body, to `finalMessages()` (its `AssistantStream` parses with the SDK's own SSE decoder);
 * (c) ours: `fetchClient({ fetch })` → `createRun` → `finalMessages()`;
 * (d) ours: the same source → `runState()`, every snapshot delivered to a subscriber.
 * Both clients keep their default options (retries included). Each returns what it produced, so
 * the caller can check that they agree.
 */

const BASE_URL = 'http://bench.invalid/v1';
const API_KEY = 'sk-bench';

/** (a): frames parsed and their data `JSON.parse`d; returns the number of `thread.*` frames. */
export async function floor(chunks: readonly Uint8Array[]): Promise<number> {
  const reader = streamOf(chunks).getReader();
  const decoder = new TextDecoder();
  let frames = 0;
  let done = false;
  const parser = createParser({
    onEvent(message) {
      if (message.event === 'done') {
        done = true;
        return;
      }
      if (done) return;
      const data: unknown = JSON.parse(message.data);
      if (typeof data === 'object' && data !== null) frames++;
    },
  });
  for (;;) {
    const { done: end, value } = await reader.read();
    if (end) break;
    parser.feed(decoder.decode(value, { stream: true }));
    if (done) {
      await reader.cancel();
      break;
    }
  }
  return frames;
}

/** (b): the SDK's `AssistantStream` to `finalMessages()`. */
export function sdkFinalMessages(body: SseBody, chunks: readonly Uint8Array[]): () => Promise<unknown[]> {
  const openai = new OpenAI({ apiKey: API_KEY, baseURL: BASE_URL, fetch: sseFetch(chunks) });
  return () =>
    openai.beta.threads.runs.stream(body.threadId, { assistant_id: body.assistantId }).finalMessages();
}

/** Our source on a fake `fetch`: `createRun` in stream mode, as an application calls it. */
export function ourRun(body: SseBody, chunks: readonly Uint8Array[]): () => Observable<RunEvent> {
  const client = fetchClient({ apiKey: API_KEY, baseURL: BASE_URL, fetch: sseFetch(chunks) });
  return () => createRun(client, { threadId: body.threadId, assistant_id: body.assistantId });
}

/** (c): ours to `finalMessages()`. */
export function ourFinalMessages(body: SseBody, chunks: readonly Uint8Array[]): () => Promise<Message[]> {
  const run = ourRun(body, chunks);
  return () => lastValueFrom(run().pipe(finalMessages()));
}

/** Delivers every snapshot of `events$` to a subscriber; resolves with the last one and the count. */
export function everySnapshot(events$: Observable<RunEvent>): Promise<{ last: RunState; count: number }> {
  return new Promise((resolve, reject) => {
    let last: RunState | undefined;
    let count = 0;
    events$.pipe(runState()).subscribe({
      next(state) {
        last = state;
        count++;
      },
      error: reject,
      complete() {
        if (last === undefined) reject(new Error('bench: runState emitted nothing'));
        else resolve({ last, count });
      },
    });
  });
}

/** (d): ours to `runState()`. */
export function ourRunState(
  body: SseBody,
  chunks: readonly Uint8Array[],
): () => Promise<{ last: RunState; count: number }> {
  const run = ourRun(body, chunks);
  return () => everySnapshot(run());
}

/** The text of each message (first text block), for the agreement check. */
export function textsOf(messages: readonly unknown[]): string[] {
  return messages.map((m) => {
    const block = (m as Message).content[0];
    return block?.type === 'text' ? block.text.value : '';
  });
}

/** Throws unless `got` equals the body's texts: a contender that is fast but wrong must not count. */
export function checkTexts(name: string, body: SseBody, got: readonly string[]): void {
  const same = got.length === body.texts.length && got.every((text, i) => text === body.texts[i]);
  if (!same) {
    throw new Error(
      `bench: ${name} produced ${got.length} messages that differ from the body's ${body.texts.length}`,
    );
  }
}
