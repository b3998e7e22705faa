import { type PassPlan, suitePasses } from './passes';
import type { Section } from './Section';
import { fmtRatio, fmtSpread, verdict } from './stats';
import { ASSISTANTS_SHAPE } from './suites';
import { bodyFacts, layers, method, ratios, throughputTable } from './throughputTable';

/** Section 1: stream throughput of one multi-MB run, side by side with the SDK and the floor. */

/** Three processes: enough to see one process's JIT luck as spread; the SDK's passes dominate the time. */
export const PLAN: PassPlan = { processes: 3, warmup: 2, rounds: 6, gcWarmup: 1, gcRounds: 3 };

/** Targets of issue 16 (steady state). */
const SDK_TARGET = 7;
const FLOOR_TARGET = 1.2;

export async function throughput(): Promise<Section> {
  const passes = await suitePasses('assistants', PLAN);
  const c = ratios(passes, 'c');
  const d = ratios(passes, 'd');
  const cGc = ratios(passes, 'c', true);
  const dGc = ratios(passes, 'd', true);
  const cMet = c.sdk.median >= SDK_TARGET;
  const dMet = d.floor.median <= FLOOR_TARGET;
  const l = layers(passes);
  const { messages, deltas } = ASSISTANTS_SHAPE;
  return {
    id: 'throughput',
    title: 'Stream throughput',
    lines: [
      `Body: ${bodyFacts(passes)} (${messages} messages × ${deltas} text deltas, built from the recorded frames of \`dotnet-StreamingToolCall\` with new ids), fed as a \`ReadableStream\` of ${passes.meta.chunks} chunks of 16 KiB. Every contender's final texts (and the number of \`runState()\` snapshots) were checked in each process before timing. ${method(passes)}`,
      '',
      ...throughputTable(passes, [
        { name: 'a', label: '(a) eventsource-parser + JSON.parse (floor)' },
        { name: 'b', label: '(b) openai SDK `runs.stream` → `finalMessages()`' },
        { name: 'c', label: '(c) ours `fetchClient` → `createRun` → `finalMessages()`' },
        { name: 'd', label: '(d) ours `fetchClient` → `createRun` → `runState()` (every snapshot)' },
        { name: 'e', label: '(e) ours `fromServerSentEvents` → `runState()` (relay/browser path)' },
      ]),
      '',
      `- (c) vs (b), steady state: ours is ${fmtSpread(c.sdk)} faster than the SDK (target ≥ ${SDK_TARGET}×): ${verdict(cMet)}. With a forced GC before each pass: ${fmtSpread(cGc.sdk)}.`,
      `- (d) vs (a), steady state: ${fmtSpread(d.floor)} the floor (target ≤ ${FLOOR_TARGET}×): ${verdict(dMet)}. With a forced GC before each pass: ${fmtSpread(dGc.floor)}.`,
      '',
      `Where the time of (d) goes (steady state, paired medians; differences of medians, so a small one is within the noise): the SSE layer alone costs ${fmtRatio(l.parser)} the floor and the whole source without a collector ${fmtRatio(l.source)}, so the source's layers above the parser (\`abortable\`, retry, the run engine's resume/cancel plumbing and its \`RunShown\` fold) add about ${fmtRatio(l.above)} and the reducer with \`runState()\` about ${fmtRatio(l.collector)}.`,
      '',
      ...throughputTable(passes, [
        { name: 'p', label: 'our SSE layer alone (internal `parseEventStream`, events counted)' },
        { name: 's', label: 'our whole source alone (`fetchClient` → `createRun`, events counted)' },
      ]),
      '',
      'Profile any contender with `node --cpu-prof --cpu-prof-dir=/tmp/bench-prof --import tsx test/bench/profile.ts <a|b|c|d|e|p|s> 40` (add `responses` before the letter for the Responses suite), then `npx tsx test/bench/profileSummary.ts /tmp/bench-prof/<file>.cpuprofile` (self time per function).',
    ],
    targets: [
      {
        target: `(c) finalMessages ≥ ${SDK_TARGET}× faster than the SDK (steady state)`,
        result: `${fmtSpread(c.sdk)}; forced GC ${fmtRatio(cGc.sdk.median)}`,
        met: cMet,
      },
      {
        target: `(d) runState ≤ ${FLOOR_TARGET}× the parse floor (steady state)`,
        result: `${fmtSpread(d.floor)}; forced GC ${fmtRatio(dGc.floor.median)}`,
        met: dMet,
      },
    ],
  };
}
