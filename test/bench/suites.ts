import { count, lastValueFrom } from 'rxjs';
import { parseEventStream } from '../../src/client/parseEventStream';
import { fromServerSentEvents } from '../../src/relay/fromServerSentEvents';
import {
  checkTexts,
  everySnapshot,
  floor,
  ourFinalMessages,
  ourRun,
  ourRunState,
  sdkFinalMessages,
  textsOf,
} from './contenders';
import { buildResponsesBody } from './responsesBody';
import {
  checkText,
  ourOutputText,
  ourResponse,
  ourResponseState,
  relayResponseState,
  sdkFinalResponse,
  textOfState,
} from './responsesContenders';
import { buildSseBody, chunk, sseFetch, streamOf } from './sseBody';
import type { Contender } from './stats';

/**
 * The throughput suites that `passesChild.ts` times in a child process: one multi-MB body per
 * wire and the contenders that read it. Building a suite checks first that every contender reads
 * the body right (a fast but wrong contender must not count).
 */

/** What a suite's body holds, for MiB/s and ns per delta. */
export interface SuiteMeta {
  bytes: number;
  frames: number;
  deltas: number;
  chunks: number;
}

export interface Suite {
  meta: SuiteMeta;
  contenders: Contender[];
}

/** Assistants body: messages × text deltas per message. */
export const ASSISTANTS_SHAPE = { messages: 20, deltas: 2000 } as const;
/** Responses body: message items × text deltas per item (after the recorded reasoning item). */
export const RESPONSES_SHAPE = { messages: 20, deltas: 1000 } as const;

/** (a) floor, (b) SDK `runs.stream` → `finalMessages()`, (c) ours → `finalMessages()`, (d) → `runState()`, (e) relay, (p)/(s) layers. */
async function assistants(): Promise<Suite> {
  const body = buildSseBody(ASSISTANTS_SHAPE.messages, ASSISTANTS_SHAPE.deltas);
  const chunks = chunk(body.bytes);
  const sdk = sdkFinalMessages(body, chunks);
  const ours = ourFinalMessages(body, chunks);
  const oursState = ourRunState(body, chunks);
  const relay = () => everySnapshot(fromServerSentEvents(streamOf(chunks)));
  if ((await floor(chunks)) !== body.frames) throw new Error('bench: the floor parser lost frames');
  checkTexts('the SDK', body, textsOf(await sdk()));
  checkTexts('finalMessages', body, textsOf(await ours()));
  for (const [name, run] of [
    ['runState', oursState],
    ['the relay path', relay],
  ] as const) {
    const state = await run();
    checkTexts(name, body, textsOf(state.last.messages));
    if (state.count !== body.frames) throw new Error(`bench: ${name} emitted ${state.count} snapshots`);
  }
  const source = ourRun(body, chunks);
  return {
    meta: { bytes: body.bytes.byteLength, frames: body.frames, deltas: body.deltas, chunks: chunks.length },
    contenders: [
      { name: 'a', run: () => floor(chunks) },
      { name: 'b', run: sdk },
      { name: 'c', run: ours },
      { name: 'd', run: oursState },
      { name: 'e', run: relay },
      { name: 'p', run: () => lastValueFrom(parseEventStream(streamOf(chunks)).pipe(count())) },
      { name: 's', run: () => lastValueFrom(source().pipe(count())) },
    ],
  };
}

/** (a) floor, (b) SDK `responses.stream` → `finalResponse()`, (c) ours → `outputText()`, (d) → `responseState()`, (e) relay, (p)/(s) layers. */
async function responses(): Promise<Suite> {
  const body = buildResponsesBody(RESPONSES_SHAPE.messages, RESPONSES_SHAPE.deltas);
  const chunks = chunk(body.bytes);
  const fetch = sseFetch(chunks);
  const sdk = sdkFinalResponse(fetch);
  const ours = ourOutputText(fetch);
  const oursState = ourResponseState(fetch);
  const relay = relayResponseState(chunks);
  if ((await floor(chunks)) !== body.frames) throw new Error('bench: the floor parser lost frames');
  checkText('the SDK', body.text, await sdk());
  checkText('outputText', body.text, await ours());
  for (const [name, run] of [
    ['responseState', oursState],
    ['the relay path', relay],
  ] as const) {
    const state = await run();
    checkText(name, body.text, textOfState(state.last));
    // Every event that changes the state is a snapshot (the `*.done` frames repeat what the deltas built).
    if (state.count < body.deltas) throw new Error(`bench: ${name} emitted ${state.count} snapshots`);
  }
  const source = ourResponse(fetch);
  return {
    meta: { bytes: body.bytes.byteLength, frames: body.frames, deltas: body.deltas, chunks: chunks.length },
    contenders: [
      { name: 'a', run: () => floor(chunks) },
      { name: 'b', run: sdk },
      { name: 'c', run: ours },
      { name: 'd', run: oursState },
      { name: 'e', run: relay },
      {
        name: 'p',
        run: () => lastValueFrom(parseEventStream(streamOf(chunks), { family: 'responses' }).pipe(count())),
      },
      { name: 's', run: () => lastValueFrom(source().pipe(count())) },
    ],
  };
}

export const SUITES: Record<string, () => Promise<Suite>> = { assistants, responses };
