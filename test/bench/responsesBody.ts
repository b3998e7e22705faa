import { recordedStreams } from '../helpers/responsesFixtures';

/**
 * A synthetic Responses stream for the benchmarks, built from the recorded frames of
 * `openai-dotnet.StreamingResponses` and `openai-dotnet.ReasoningStreamingWorks`: the recorded
 * reasoning item once (its summary deltas as recorded), then message items whose
 * `response.output_text.delta` frames cycle through every recorded text delta frame (each with
 * its own key order, `logprobs` and `obfuscation`), with new ids, `output_index` and increasing
 * `sequence_number`s, ending with `response.completed` carrying the whole output (no `[DONE]`, as
 * the API ends a stream).
 */

type Json = Record<string, unknown>;

interface Templates {
  created: Json;
  messageAdded: Json;
  partAdded: Json;
  textDone: Json;
  partDone: Json;
  messageDone: Json;
  completed: Json;
  /** The recorded text delta frames, in order. */
  deltas: Json[];
  /** The recorded reasoning item's frames, from its `output_item.added` to its `output_item.done`. */
  reasoning: Json[];
}

let cached: Templates | undefined;

function templates(): Templates {
  if (cached) return cached;
  const [plain = []] = recordedStreams('StreamingResponses') as unknown as Json[][];
  const [reasoned = []] = recordedStreams('ReasoningStreamingWorks') as unknown as Json[][];
  const find = (events: Json[], type: string): Json => {
    const hit = events.find((e) => e['type'] === type);
    if (!hit) throw new Error(`bench: no ${type} frame in the Responses recordings`);
    return hit;
  };
  const isDelta = (e: Json): boolean => e['type'] === 'response.output_text.delta';
  const start = reasoned.findIndex((e) => e['type'] === 'response.output_item.added');
  const end = reasoned.findIndex((e) => e['type'] === 'response.output_item.done');
  cached = {
    created: find(plain, 'response.created'),
    messageAdded: find(plain, 'response.output_item.added'),
    partAdded: find(plain, 'response.content_part.added'),
    textDone: find(plain, 'response.output_text.done'),
    partDone: find(plain, 'response.content_part.done'),
    messageDone: find(plain, 'response.output_item.done'),
    completed: find(plain, 'response.completed'),
    deltas: [...plain.filter(isDelta), ...reasoned.filter(isDelta)],
    reasoning: reasoned.slice(start, end + 1),
  };
  return cached;
}

/** How many recorded text delta frames the bodies cycle through, and the reasoning item's summary deltas. */
export function recordedCounts(): { textDeltas: number; summaryDeltas: number } {
  const t = templates();
  const summary = t.reasoning.filter((e) => e['type'] === 'response.reasoning_summary_text.delta');
  return { textDeltas: t.deltas.length, summaryDeltas: summary.length };
}

/** A synthetic Responses body and what it contains. */
export interface ResponsesBody {
  bytes: Uint8Array;
  /** Number of frames (every one an event). */
  frames: number;
  /** Number of `response.output_text.delta` frames. */
  deltas: number;
  /** The final response's output text (every message's text, in order). */
  text: string;
  responseId: string;
  /** Byte offset of the end of each frame, in order (frame `i` has `sequence_number` `i`). */
  frameEnds: number[];
  /** Size of the largest frame, in bytes. */
  largestFrame: number;
}

const frame = (data: Json): string => `event: ${String(data['type'])}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * One background response: `created` (queued) → `in_progress` → the recorded reasoning item →
 * `messages` message items of `deltasPerMessage` text deltas each → `completed`.
 */
export function buildResponsesBody(messages: number, deltasPerMessage: number): ResponsesBody {
  const t = templates();
  const responseId = 'resp_bench000000000000000000000000000000000000000001';
  const events: Json[] = [];
  const push = (event: Json): void => {
    events.push({ ...event, sequence_number: events.length });
  };
  const response = (status: string, output: Json[]): Json => ({
    ...(t.created['response'] as Json),
    id: responseId,
    status,
    background: true,
    output,
    ...(status === 'completed' ? { usage: (t.completed['response'] as Json)['usage'] } : {}),
  });
  push({ ...t.created, response: response('queued', []) });
  push({ ...t.created, type: 'response.in_progress', response: response('in_progress', []) });
  const output: Json[] = [];
  for (const event of t.reasoning) push(event);
  output.push((t.reasoning.at(-1) as Json)['item'] as Json);
  const texts: string[] = [];
  let d = 0;
  for (let m = 0; m < messages; m++) {
    const index = output.length;
    const id = `msg_bench${String(m).padStart(41, '0')}`;
    const at = { item_id: id, output_index: index, content_index: 0 };
    const item = { ...(t.messageAdded['item'] as Json), id };
    push({ ...t.messageAdded, output_index: index, item });
    push({ ...t.partAdded, ...at });
    const pieces: string[] = [];
    for (let k = 0; k < deltasPerMessage; k++) {
      const template = t.deltas[d++ % t.deltas.length] as Json;
      pieces.push(template['delta'] as string);
      push({ ...template, ...at });
    }
    const text = pieces.join('');
    texts.push(text);
    const part = { ...(t.partDone['part'] as Json), text };
    const done = { ...(t.messageDone['item'] as Json), id, content: [part] };
    push({ ...t.textDone, ...at, text });
    push({ ...t.partDone, ...at, part });
    push({ ...t.messageDone, output_index: index, item: done });
    output.push(done);
  }
  push({ ...t.completed, response: response('completed', output) });

  const encoder = new TextEncoder();
  const encoded = events.map((e) => encoder.encode(frame(e)));
  const bytes = new Uint8Array(encoded.reduce((n, f) => n + f.byteLength, 0));
  const frameEnds: number[] = [];
  let offset = 0;
  for (const f of encoded) {
    bytes.set(f, offset);
    offset += f.byteLength;
    frameEnds.push(offset);
  }
  return {
    bytes,
    frames: events.length,
    deltas: messages * deltasPerMessage,
    text: texts.join(''),
    responseId,
    frameEnds,
    largestFrame: Math.max(...encoded.map((f) => f.byteLength)),
  };
}
