import { type PassPlan, suitePasses } from './passes';
import { recordedCounts } from './responsesBody';
import type { Section } from './Section';
import { fmtRatio, fmtSpread, verdict } from './stats';
import { RESPONSES_SHAPE } from './suites';
import { bodyFacts, layers, method, ratios, throughputTable } from './throughputTable';

/** Section: stream throughput of one multi-MB Responses run, side by side with the SDK and the floor. */

export const PLAN: PassPlan = { processes: 3, warmup: 2, rounds: 6, gcWarmup: 1, gcRounds: 3 };

/** Targets of issue 13 (steady state). */
const SDK_TARGET = 5;
const FLOOR_TARGET = 1.25;

export async function responsesThroughput(): Promise<Section> {
  const passes = await suitePasses('responses', PLAN);
  const c = ratios(passes, 'c');
  const d = ratios(passes, 'd');
  const cGc = ratios(passes, 'c', true);
  const dGc = ratios(passes, 'd', true);
  const cMet = c.sdk.median >= SDK_TARGET;
  const dMet = d.floor.median <= FLOOR_TARGET;
  const l = layers(passes);
  const { messages, deltas } = RESPONSES_SHAPE;
  const recorded = recordedCounts();
  return {
    id: 'responses',
    title: 'Responses stream throughput',
    lines: [
      `Body: ${bodyFacts(passes)} of one background response, built from the recorded frames of \`openai-dotnet.StreamingResponses\` and \`ReasoningStreamingWorks\`: the recorded reasoning item (${recorded.summaryDeltas} summary deltas), then ${messages} message items × ${deltas} \`response.output_text.delta\` frames cycling through the ${recorded.textDeltas} recorded text delta frames (each with its own key order, \`logprobs\` and \`obfuscation\`), new ids and \`output_index\`, \`sequence_number\` 0, 1, 2 … throughout, ending with \`response.completed\` carrying the whole output and no \`[DONE]\`, as the API ends a stream; fed as a \`ReadableStream\` of ${passes.meta.chunks} chunks of 16 KiB. Both clients get it from a fake \`fetch\`. Every contender's text was checked equal to the body's in each process before timing. ${method(passes)}`,
      '',
      ...throughputTable(passes, [
        { name: 'a', label: '(a) eventsource-parser + JSON.parse (floor)' },
        { name: 'b', label: '(b) openai SDK `responses.stream()` → `finalResponse()` (`ResponseStream`)' },
        { name: 'c', label: '(c) ours `fetchClient` → `createResponse` → `outputText()`' },
        {
          name: 'd',
          label: '(d) ours `fetchClient` → `createResponse` → `responseState()` (every snapshot)',
        },
        {
          name: 'e',
          label:
            "(e) ours `fromServerSentEvents(…, { family: 'responses' })` → `responseState()` (relay/browser path)",
        },
      ]),
      '',
      `- (c) vs (b), steady state: \`outputText()\` is ${fmtSpread(c.sdk)} faster than the SDK's \`ResponseStream\` → \`finalResponse()\` (target ≥ ${SDK_TARGET}×): ${verdict(cMet)}. With a forced GC before each pass: ${fmtSpread(cGc.sdk)}.`,
      `- (d) vs (a), steady state: \`responseState()\` costs ${fmtSpread(d.floor)} the floor (target ≤ ${FLOOR_TARGET}×): ${verdict(dMet)}. With a forced GC before each pass: ${fmtSpread(dGc.floor)}.`,
      '',
      `Where the time of (d) goes (steady state, paired medians; differences of medians, so a small one is within the noise): the SSE layer alone costs ${fmtRatio(l.parser)} the floor and the whole source without a collector ${fmtRatio(l.source)}, so the source's layers above the parser (\`abortable\`, retry, the run engine and its \`ResponseShown\` fold) add about ${fmtRatio(l.above)} and the reducer with \`responseState()\` about ${fmtRatio(l.collector)}.`,
      '',
      ...throughputTable(passes, [
        {
          name: 'p',
          label:
            "our SSE layer alone (internal `parseEventStream(…, { family: 'responses' })`, events counted)",
        },
        { name: 's', label: 'our whole source alone (`fetchClient` → `createResponse`, events counted)' },
      ]),
    ],
    targets: [
      {
        target: `(c) outputText ≥ ${SDK_TARGET}× faster than the SDK's ResponseStream → finalResponse() (steady state)`,
        result: `${fmtSpread(c.sdk)}; forced GC ${fmtRatio(cGc.sdk.median)}`,
        met: cMet,
      },
      {
        target: `(d) responseState ≤ ${FLOOR_TARGET}× the parse floor (steady state)`,
        result: `${fmtSpread(d.floor)}; forced GC ${fmtRatio(dGc.floor.median)}`,
        met: dMet,
      },
    ],
  };
}
