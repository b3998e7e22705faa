import { count, lastValueFrom, type Observable } from 'rxjs';
import { parseEventStream } from '../../src/client/parseEventStream';
import type { RunEvent } from '../../src/events/RunEvent';
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
import type { Section } from './Section';
import { buildSseBody, chunk, streamOf } from './sseBody';
import { type Contender, fmtMiB, fmtMs, fmtRatio, median, roundRobin, table, verdict } from './stats';

const MESSAGES = 20;
const DELTAS_PER_MESSAGE = 2000;
const WARMUP = 3;
const ROUNDS = 9;

type FromSse = (input: ReadableStream<Uint8Array>) => Observable<RunEvent>;

/** `fromServerSentEvents` when the relay is present in this checkout (it is written alongside). */
export async function loadFromServerSentEvents(): Promise<FromSse | undefined> {
  try {
    const mod = (await import('../../src/relay/fromServerSentEvents')) as { fromServerSentEvents?: FromSse };
    return mod.fromServerSentEvents;
  } catch {
    return undefined;
  }
}

/** Section 1: stream throughput of one multi-MB run, four ways side by side. */
export async function throughput(): Promise<Section> {
  const body = buildSseBody(MESSAGES, DELTAS_PER_MESSAGE);
  const chunks = chunk(body.bytes);
  const sdk = sdkFinalMessages(body, chunks);
  const ours = ourFinalMessages(body, chunks);
  const oursState = ourRunState(body, chunks);
  const fromSse = await loadFromServerSentEvents();

  // Agreement first: every contender must read the same run.
  if ((await floor(chunks)) !== body.frames) throw new Error('bench: the floor parser lost frames');
  checkTexts('the SDK', body, textsOf(await sdk()));
  checkTexts('finalMessages', body, textsOf(await ours()));
  const state = await oursState();
  checkTexts('runState', body, textsOf(state.last.messages));
  if (state.count !== body.frames) throw new Error(`bench: runState emitted ${state.count} snapshots`);

  const contenders: Contender[] = [
    { name: 'a', run: () => floor(chunks) },
    { name: 'b', run: sdk },
    { name: 'c', run: ours },
    { name: 'd', run: oursState },
  ];
  if (fromSse) contenders.push({ name: 'e', run: () => everySnapshot(fromSse(streamOf(chunks))) });
  // Where (d)'s time goes: the same layers without the collector, and without the source.
  const source = ourRun(body, chunks);
  contenders.push(
    { name: 'p', run: () => lastValueFrom(parseEventStream(streamOf(chunks)).pipe(count())) },
    { name: 's', run: () => lastValueFrom(source().pipe(count())) },
  );
  const times = await roundRobin(contenders, { warmup: WARMUP, rounds: ROUNDS, gc: true });
  const med = (name: string): number => median(times.get(name) ?? []);
  const [a, b, c, d] = [med('a'), med('b'), med('c'), med('d')];

  const mbPerS = (ms: number): string => ((body.bytes.byteLength / 1024 / 1024 / ms) * 1000).toFixed(1);
  const nsPerDelta = (ms: number): string => ((ms * 1e6) / body.deltas).toFixed(0);
  const row = (label: string, ms: number): string[] => [
    label,
    fmtMs(ms),
    mbPerS(ms),
    nsPerDelta(ms),
    fmtRatio(ms / a),
    fmtRatio(b / ms),
  ];
  const rows = [
    row('(a) eventsource-parser + JSON.parse (floor)', a),
    row('(b) openai SDK `runs.stream` → `finalMessages()`', b),
    row('(c) ours `fetchClient` → `createRun` → `finalMessages()`', c),
    row('(d) ours `fetchClient` → `createRun` → `runState()` (every snapshot)', d),
  ];
  if (fromSse)
    rows.push(row('(e) ours `fromServerSentEvents` → `runState()` (relay/browser path)', med('e')));

  const breakdown = [
    row('our SSE layer alone (internal `parseEventStream`, events counted)', med('p')),
    row('our whole source alone (`fetchClient` → `createRun`, events counted)', med('s')),
  ];

  const cMet = b / c >= 4;
  const dMet = d / a <= 1.5;
  return {
    id: 'throughput',
    title: 'Stream throughput',
    lines: [
      `Body: ${fmtMiB(body.bytes.byteLength)} of SSE, ${body.frames} frames (${MESSAGES} messages × ${DELTAS_PER_MESSAGE} text deltas, built from the recorded frames of \`dotnet-StreamingToolCall\` with new ids), fed as a \`ReadableStream\` of ${chunks.length} chunks of 16 KiB. Median of ${ROUNDS} passes after ${WARMUP} warm-up passes, contenders interleaved in a shuffled order each round, a full GC (and 15 ms for its sweeping) before each pass. Every contender's final texts were checked equal before timing.`,
      '',
      ...table(['contender', 'median ms', 'MiB/s', 'ns/delta', '× floor', 'SDK ÷ this'], rows),
      '',
      `- (c) vs (b): ours is ${fmtRatio(b / c)} faster than the SDK (target ≥ 4×): ${verdict(cMet)}.`,
      `- (d) vs (a): ${fmtRatio(d / a)} the floor (target ≤ 1.5×): ${verdict(dMet)}.`,
      ...(fromSse ? [] : ['- (e) skipped: `src/relay/fromServerSentEvents.ts` is not in this checkout.']),
      '',
      `Where the time of (d) goes (same passes; differences of medians, so a small one is within the noise): the SSE layer alone costs ${fmtRatio(med('p') / a)} the floor and the whole source without a collector ${fmtRatio(med('s') / a)}, so the source's layers above the parser (\`abortable\`, retry, the run engine's resume/cancel plumbing and its \`RunShown\` fold) add about ${fmtRatio((med('s') - med('p')) / a)} and the reducer with \`runState()\` about ${fmtRatio(Math.max(0, d - med('s')) / a)}.`,
      '',
      ...table(['layers', 'median ms', 'MiB/s', 'ns/delta', '× floor', 'SDK ÷ this'], breakdown),
      '',
      'Profile any contender with `node --cpu-prof --cpu-prof-dir=/tmp/bench-prof --import tsx test/bench/profile.ts <a|b|c|d|e|p|s> 40`, then `npx tsx test/bench/profileSummary.ts /tmp/bench-prof/<file>.cpuprofile` (self time per function).',
    ],
    targets: [
      { target: '(c) finalMessages ≥ 4× faster than the SDK', result: fmtRatio(b / c), met: cMet },
      { target: '(d) runState ≤ 1.5× the parse floor', result: fmtRatio(d / a), met: dMet },
    ],
  };
}
