import OpenAI from 'openai';
import { lastValueFrom, type Observable } from 'rxjs';
import { fetchClient } from '../../src/client/fetchClient';
import { fromServerSentEvents } from '../../src/relay/fromServerSentEvents';
import { outputText } from '../../src/responses/operators/outputText';
import { responseState } from '../../src/responses/operators/responseState';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import { createResponse } from '../../src/responses/sources/createResponse';
import type { ResponseState } from '../../src/responses/state/ResponseState';
import { type FetchLike, streamOf } from './sseBody';

/**
 * The ways of reading one streamed Responses run that the Responses benchmarks compare, each
 * reading a fresh `ReadableStream` of the same chunks per pass (the floor is `floor` of
 * `contenders.ts`, which reads any SSE body):
 * - the official SDK: `openai.responses.stream(…)` (its `ResponseStream` helper) on a `fetch`
 *   that answers with the body, to `finalResponse()`, whose `output_text` is the text;
 * - ours: `fetchClient({ fetch })` → `createResponse` → `outputText()`, or → `responseState()`
 *   with every snapshot delivered to a subscriber;
 * - ours on the relay/browser path: `fromServerSentEvents(body, { family: 'responses' })` →
 *   `responseState()`.
 * Both clients keep their default options (retries included).
 */

const BASE_URL = 'http://bench.invalid/v1';
const API_KEY = 'sk-bench';
export const RESPONSE_PARAMS = { model: 'gpt-4o-mini', input: 'Write a long answer.' } as const;

/** The SDK's `responses.stream()` → `finalResponse()`; resolves with its `output_text`. */
export function sdkFinalResponse(fetch: FetchLike): () => Promise<string> {
  const openai = new OpenAI({ apiKey: API_KEY, baseURL: BASE_URL, fetch });
  return async () => (await openai.responses.stream(RESPONSE_PARAMS).finalResponse()).output_text;
}

/** Our source on a fake `fetch`: `createResponse` in stream mode, as an application calls it. */
export function ourResponse(fetch: FetchLike): () => Observable<ResponseEvent> {
  const client = fetchClient({ apiKey: API_KEY, baseURL: BASE_URL, fetch });
  return () => createResponse(client, RESPONSE_PARAMS);
}

/** Ours → `outputText()`. */
export function ourOutputText(fetch: FetchLike): () => Promise<string> {
  const source = ourResponse(fetch);
  return () => lastValueFrom(source().pipe(outputText()));
}

/** Delivers every snapshot of `events$` to a subscriber; resolves with the last one and the count. */
export function everyResponseSnapshot(
  events$: Observable<ResponseEvent>,
): Promise<{ last: ResponseState; count: number }> {
  return new Promise((resolve, reject) => {
    let last: ResponseState | undefined;
    let count = 0;
    events$.pipe(responseState()).subscribe({
      next(state) {
        last = state;
        count++;
      },
      error: reject,
      complete() {
        if (last === undefined) reject(new Error('bench: responseState emitted nothing'));
        else resolve({ last, count });
      },
    });
  });
}

/** Ours → `responseState()`, every snapshot. */
export function ourResponseState(fetch: FetchLike): () => Promise<{ last: ResponseState; count: number }> {
  const source = ourResponse(fetch);
  return () => everyResponseSnapshot(source());
}

/** The relay/browser path: `fromServerSentEvents(…, { family: 'responses' })` → `responseState()`. */
export const relayResponseState =
  (chunks: readonly Uint8Array[]) => (): Promise<{ last: ResponseState; count: number }> =>
    everyResponseSnapshot(fromServerSentEvents(streamOf(chunks), { family: 'responses' }));

/** The text of a state's message items (what `outputText()` gives), for the agreement check. */
export function textOfState(state: ResponseState): string {
  let text = '';
  for (const item of state.output) {
    if (item.type !== 'message' || !Array.isArray((item as { content?: unknown }).content)) continue;
    for (const part of (item as { content: { type?: string; text?: string }[] }).content)
      if (part.type === 'output_text') text += part.text ?? '';
  }
  return text;
}

/** Throws unless `got` is the body's text: a contender that is fast but wrong must not count. */
export function checkText(name: string, expected: string, got: string): void {
  if (got !== expected) {
    throw new Error(
      `bench: ${name} produced ${got.length} characters of text, not the body's ${expected.length}`,
    );
  }
}
