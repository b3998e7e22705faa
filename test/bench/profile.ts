import { count, lastValueFrom } from 'rxjs';
import { parseEventStream } from '../../src/client/parseEventStream';
import type { RunEvent } from '../../src/events/RunEvent';
import { initialRunState, type RunState } from '../../src/state/RunState';
import { reduceRunState } from '../../src/state/reduceRunState';
import { everySnapshot, floor, ourFinalMessages, ourRun, ourRunState, sdkFinalMessages } from './contenders';
import { buildSseBody, chunk, streamOf } from './sseBody';
import { collectGarbage, median } from './stats';
import { loadFromServerSentEvents } from './throughput';

/**
 * Runs one stream contender of the throughput benchmark in a loop, for a CPU profile:
 * `node --cpu-prof --cpu-prof-dir=/tmp/bench-prof --import tsx test/bench/profile.ts <a|b|c|d|e|p|s> [passes]`
 * then open the `.cpuprofile` in Chrome DevTools, or `npx tsx test/bench/profileSummary.ts <file>`.
 *
 * `npx tsx test/bench/profile.ts r [passes]` measures the reducer alone instead: the frames are
 * split in advance, and each pass is `JSON.parse` + `reduceRunState` per frame minus `JSON.parse`
 * alone (best of the passes, so the number is stable on a busy machine), in ns per event.
 */
const which = process.argv[2] ?? 'd';
const passes = Number(process.argv[3] ?? 30);
const body = buildSseBody(20, 2000);
const chunks = chunk(body.bytes);

if (which === 'r') {
  const frames = new TextDecoder()
    .decode(body.bytes)
    .split('\n\n')
    .map((frame) => {
      const [event = '', data = ''] = frame.split('\n');
      return { event: event.slice('event: '.length), data: data.slice('data: '.length) };
    })
    .filter((f) => f.event.startsWith('thread.'));
  const parseOnly = (): number => {
    let n = 0;
    for (const f of frames) if (JSON.parse(f.data)) n++;
    return n;
  };
  const parseAndReduce = (): RunState => {
    let state = initialRunState;
    for (const f of frames)
      state = reduceRunState(state, { event: f.event, data: JSON.parse(f.data) } as RunEvent);
    return state;
  };
  const parse: number[] = [];
  const reduce: number[] = [];
  for (let i = 0; i < passes; i++) {
    collectGarbage();
    let t = performance.now();
    parseOnly();
    parse.push(performance.now() - t);
    collectGarbage();
    t = performance.now();
    const state = parseAndReduce();
    reduce.push(performance.now() - t);
    if (state.messages.length !== 20) throw new Error('profile: the reducer lost messages');
  }
  const best = (values: number[]) => Math.min(...values);
  const ns = ((best(reduce) - best(parse)) * 1e6) / frames.length;
  console.log(
    `r: reducer ${ns.toFixed(0)} ns/event over ${frames.length} events (best of ${passes}; JSON.parse alone ${best(parse).toFixed(1)} ms, median ${median(parse).toFixed(1)} ms)`,
  );
} else {
  const fromSse = await loadFromServerSentEvents();
  const source = ourRun(body, chunks);
  const runs: Record<string, () => Promise<unknown>> = {
    a: () => floor(chunks),
    b: sdkFinalMessages(body, chunks),
    c: ourFinalMessages(body, chunks),
    d: ourRunState(body, chunks),
    e: () => {
      if (!fromSse) throw new Error('fromServerSentEvents is not in this checkout');
      return everySnapshot(fromSse(streamOf(chunks)));
    },
    // The layers alone: our SSE parser, and the whole createRun source, without any collector.
    p: () => lastValueFrom(parseEventStream(streamOf(chunks)).pipe(count())),
    s: () => lastValueFrom(source().pipe(count())),
  };
  const run = runs[which];
  if (!run)
    throw new Error(`profile: unknown contender ${which}; use one of ${Object.keys(runs).join(', ')}, r`);
  const start = performance.now();
  for (let i = 0; i < passes; i++) await run();
  console.log(`${which}: ${passes} passes, ${((performance.now() - start) / passes).toFixed(1)} ms per pass`);
}
