import type { RunEvent } from '../../src/events/RunEvent';
import { initialRunState, type RunState } from '../../src/state/RunState';
import { reduceRunState } from '../../src/state/reduceRunState';
import { buildSseBody } from './sseBody';
import { collectGarbage, median } from './stats';
import { SUITES } from './suites';

/**
 * Runs one stream contender of the throughput benchmark in a loop, for a CPU profile:
 * `node --cpu-prof --cpu-prof-dir=/tmp/bench-prof --import tsx test/bench/profile.ts [responses] <a|b|c|d|e|p|s> [passes]`
 * (the contenders of `suites.ts`: the Assistants suite, or the Responses one), then open the `.cpuprofile` in Chrome DevTools, or `npx tsx test/bench/profileSummary.ts <file>`.
 *
 * `npx tsx test/bench/profile.ts r [passes]` measures the reducer alone instead: the frames are
 * split in advance, and each pass is `JSON.parse` + `reduceRunState` per frame minus `JSON.parse`
 * alone (best of the passes, so the number is stable on a busy machine), in ns per event.
 */
const args = process.argv.slice(2);
const suiteName = args[0] === 'responses' ? (args.shift() as string) : 'assistants';
const which = args[0] ?? 'd';
const passes = Number(args[1] ?? 30);

if (which === 'r') {
  const body = buildSseBody(20, 2000);
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
  const suite = await (SUITES[suiteName] as () => ReturnType<(typeof SUITES)[string]>)();
  const run = suite.contenders.find((c) => c.name === which)?.run;
  if (!run) {
    const names = suite.contenders.map((c) => c.name).join(', ');
    throw new Error(`profile: unknown contender ${which}; use one of ${names}, r`);
  }
  const start = performance.now();
  for (let i = 0; i < passes; i++) await run();
  console.log(`${which}: ${passes} passes, ${((performance.now() - start) / passes).toFixed(1)} ms per pass`);
}
