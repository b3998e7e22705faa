import OpenAI from 'openai';
import { lastValueFrom } from 'rxjs';
import { fetchClient } from '../../src/client/fetchClient';
import { outputText } from '../../src/responses/operators/outputText';
import { createResponse } from '../../src/responses/sources/createResponse';
import { buildResponsesBody, type ResponsesBody } from './responsesBody';
import { checkText, RESPONSE_PARAMS } from './responsesContenders';
import { resumeServer, type ServedRequest } from './resumeServer';
import type { Section } from './Section';
import { fmtInt, fmtMiB, fmtMs, fmtRatio, median, now, table, verdict } from './stats';
import { RESPONSES_SHAPE } from './suites';

/**
 * Section: a Responses stream cut at 90 %: what each client reads again, and how long it takes
 * to finish, ours (`createResponse` re-attaches by itself with `starting_after`) and the SDK's
 * helper as its user resumes it.
 */

const CUT = 0.9;
const WARMUP = 1;
const PASSES = 5;
const BASE_URL = 'http://bench.invalid/v1';

interface Pass {
  text: string;
  totalMs: number;
  afterCutMs: number;
  requests: ServedRequest[];
}

type Client = (fetch: ReturnType<typeof resumeServer>['fetch']) => Promise<string>;

/** Ours, as an application calls it: nothing to write for the cut. */
const ours: Client = (fetch) =>
  lastValueFrom(
    createResponse(fetchClient({ apiKey: 'sk-bench', baseURL: BASE_URL, fetch }), RESPONSE_PARAMS).pipe(
      outputText(),
    ),
  );

/**
 * The SDK's helper as its user resumes it: the helper does nothing on a cut (`finalResponse()`
 * rejects), so the user keeps the response id and the last sequence number from the events and
 * calls the helper's documented resume, `responses.stream({ response_id, starting_after })`.
 */
const sdk: Client = async (fetch) => {
  const openai = new OpenAI({ apiKey: 'sk-bench', baseURL: BASE_URL, fetch });
  const first = openai.responses.stream({ ...RESPONSE_PARAMS, background: true });
  let responseId: string | undefined;
  let last: number | undefined;
  first.on('event', (event) => {
    last = event.sequence_number;
    if (event.type === 'response.created') responseId = event.response.id;
  });
  try {
    return (await first.finalResponse()).output_text;
  } catch (error) {
    if (responseId === undefined || last === undefined) throw error;
    const resumed = openai.responses.stream({ response_id: responseId, starting_after: last });
    return (await resumed.finalResponse()).output_text;
  }
};

async function pass(body: ResponsesBody, cutAt: number, client: Client): Promise<Pass> {
  const server = resumeServer(body, cutAt);
  const start = now();
  const text = await client(server.fetch);
  const end = now();
  return { text, totalMs: end - start, afterCutMs: end - server.cutAt(), requests: server.requests };
}

export async function resume(): Promise<Section> {
  const body = buildResponsesBody(RESPONSES_SHAPE.messages, RESPONSES_SHAPE.deltas);
  const size = body.bytes.byteLength;
  const cutAt = Math.floor(size * CUT);
  // The frame the cut goes through, and what the client holds whole before it.
  const cutFrame = body.frameEnds.findIndex((end) => end > cutAt);
  const heldEnd = body.frameEnds[cutFrame - 1] ?? 0;
  const cutFrameBytes = (body.frameEnds[cutFrame] ?? size) - heldEnd;
  const unseen = size - cutAt;

  const clients = { ours, sdk } as const;
  const passes: Record<keyof typeof clients, Pass[]> = { ours: [], sdk: [] };
  for (let round = 0; round < WARMUP + PASSES; round++) {
    const order = round % 2 === 0 ? (['ours', 'sdk'] as const) : (['sdk', 'ours'] as const);
    for (const name of order) {
      const result = await pass(body, cutAt, clients[name]);
      checkText(name === 'ours' ? 'ours after the cut' : 'the SDK after the cut', body.text, result.text);
      if (round >= WARMUP) passes[name].push(result);
    }
  }

  const after = (p: Pass): ServedRequest[] => p.requests.slice(1);
  const bytesAfter = (p: Pass): number => after(p).reduce((n, r) => n + r.bytes, 0);
  const row = (name: keyof typeof clients, label: string): string[] => {
    const list = passes[name];
    const reread = median(list.map(bytesAfter));
    const requests = after(list[0] as Pass);
    return [
      label,
      requests.map((r) => `\`${r.method} ${r.target.replace(body.responseId, '{id}')}\``).join(', '),
      `${fmtInt(reread)} B (${fmtMiB(reread)})`,
      fmtRatio(reread / unseen),
      fmtInt(Math.max(0, reread - unseen)),
      fmtMs(median(list.map((p) => p.afterCutMs))),
      fmtMs(median(list.map((p) => p.totalMs))),
    ];
  };
  const oursReread = median(passes.ours.map(bytesAfter));
  const limit = unseen + cutFrameBytes;
  const met = oursReread <= limit;
  const sdkAfter = median(passes.sdk.map((p) => p.afterCutMs));
  const oursAfter = median(passes.ours.map((p) => p.afterCutMs));
  return {
    id: 'resume',
    title: 'Responses resume after a cut at 90 %',
    lines: [
      `Body: the Responses throughput body (${fmtMiB(size)}, ${fmtInt(body.frames)} frames, sequence numbers 0 … ${body.frames - 1}). A fake server (a \`fetch\`) answers \`POST /responses\` with the first ${fmtInt(cutAt)} bytes (${CUT * 100} %), then breaks the connection (the body errors with \`TypeError: terminated\`, as undici reports a reset): the cut goes through frame ${cutFrame} (${fmtInt(cutFrameBytes)} bytes), so the client holds frames 0 … ${cutFrame - 1} whole and has not yet received ${fmtInt(unseen)} bytes. \`GET /responses/{id}?stream=true\` answers the stored events after \`starting_after\` (all of them without it), as the API replays a background response. Median of ${PASSES} passes per client after ${WARMUP} warm-up, alternating which goes first; both clients' final text was checked equal to the uncut body's. Times are in-process (no network): they count the parsing and folding of what is read again, and would grow with the bytes on a real link.`,
      '',
      "What the SDK's user does on a cut (read from openai-node v6, `src/lib/responses/ResponseStream.ts`): the helper itself does nothing (`finalResponse()` rejects with the connection error), so the user keeps the response id and the last `sequence_number` from the events and calls the helper's resume, `openai.responses.stream({ response_id, starting_after })`. That helper sends no cursor: it calls `responses.retrieve(id, { stream: true })`, reads the whole event log again from `response.created` (its accumulator needs every event to rebuild the response), and only hides the events at or below `starting_after` from its listeners. The lower-level `responses.retrieve(id, { stream: true, starting_after })` does send the cursor, but gives raw events with no final response: the helper cannot continue from them (its accumulator throws without `response.created`), so the user would have to fold them into the partial response by hand. Ours needs no code: `createResponse` re-attaches by itself with `starting_after` = the last sequence number it emitted.",
      '',
      ...table(
        [
          'client',
          'requests after the cut',
          'bytes read after the cut',
          '÷ bytes not yet received',
          'bytes received twice',
          'time to finish after the cut (ms)',
          'total time (ms)',
        ],
        [
          row('ours', 'ours: `createResponse` → `outputText()` (re-attaches by itself)'),
          row(
            'sdk',
            'SDK: `responses.stream()`, on error `responses.stream({ response_id, starting_after })` → `finalResponse()`',
          ),
        ],
      ),
      '',
      `- Ours re-reads ${fmtInt(oursReread)} bytes after the cut; at most the ${fmtInt(unseen)} bytes not yet received plus the ${fmtInt(cutFrameBytes)}-byte frame the cut went through (${fmtInt(limit)}): ${verdict(met)}. The SDK's user re-reads the whole stream (${fmtMiB(median(passes.sdk.map(bytesAfter)))}).`,
      `- Time to finish after the cut: ours ${fmtMs(oursAfter)} ms, the SDK ${fmtMs(sdkAfter)} ms (${(sdkAfter / oursAfter).toFixed(1)}×).`,
      '- Not measured here: a real server may end a resumed stream early (ours re-attaches again from the new cursor, the SDK helper resolves with the partial response) or refuse to stream a response that is too old (ours then polls `GET /responses/{id}` and reads the final response once; the SDK helper rejects).',
    ],
    targets: [
      {
        target: 'resume after a cut at 90 %: bytes re-read ≤ the 10 % not yet seen + one frame',
        result: `${fmtInt(oursReread)} B ≤ ${fmtInt(limit)} B (SDK's user: ${fmtInt(median(passes.sdk.map(bytesAfter)))} B)`,
        met,
      },
    ],
  };
}
