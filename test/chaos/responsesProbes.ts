import { from, lastValueFrom, toArray } from 'rxjs';
import { textDeltas } from '../../src/operators/textDeltas';
import {
  isResponseLifecycleEvent,
  isTerminalResponseStatus,
  type ResponseEvent,
} from '../../src/responses/ResponseEvent';
import type { ResponseFunctionCall, ResponseObject, ResponseOutputItem } from '../../src/responses/types';
import type { SeedOutcome } from './harness';
import { check } from './harness';
import { type BugId, OPEN_BUGS, withResponseBugs } from './knownBugs';
import type { HandlerLedger } from './plan';
import { serverResponse } from './responsesKit';
import type { RowContext } from './row';
import type { World } from './world';

/**
 * What the Responses rows check in a seed's events: each response of the chain apart, nothing
 * twice (sequence numbers, lifecycle events, items, parts, function call outputs), the deltas
 * adding up to the final output, and the final output equal to what the server stores.
 */

/** One response of a chain, as the events showed it. */
export interface ShownResponse {
  id: string;
  /** Its events in order, from its first lifecycle event on. */
  events: ResponseEvent[];
  /** The response its terminal event carried, if one was emitted. */
  final: ResponseObject | undefined;
}

/**
 * The responses the events show, in order: an event belongs to the response last named, and one
 * that comes before any event names its response (none yet, or the last one named had ended) to
 * the next one named. Those are `orphans`: a stream never has any (open bug 4 makes them).
 */
export function byResponse(events: readonly ResponseEvent[]): ShownResponse[] & { orphans: number } {
  const shown: ShownResponse[] = [];
  let current: ShownResponse | undefined;
  let waiting: ResponseEvent[] = [];
  let orphans = 0;
  for (const event of events) {
    if (event.type === 'response.function_call_output') continue;
    if (isResponseLifecycleEvent(event)) {
      const id = event.response.id;
      current = shown.find((r) => r.id === id);
      if (current === undefined) {
        current = { id, events: [], final: undefined };
        shown.push(current);
      }
      current.events.push(...waiting);
      waiting = [];
      if (isTerminalResponseStatus(event.response.status)) current.final = event.response;
      current.events.push(event);
    } else if (current === undefined || current.final !== undefined) {
      orphans++;
      waiting.push(event);
    } else current.events.push(event);
  }
  return Object.assign(shown, { orphans });
}

type Part = { type?: string; text?: unknown };

const asCall = (item: ResponseOutputItem): ResponseFunctionCall | undefined =>
  item.type === 'function_call' ? (item as ResponseFunctionCall) : undefined;

/** The function calls of responses, in order. */
export const callsOf = (responses: readonly ResponseObject[]): ResponseFunctionCall[] =>
  responses.flatMap((r) => r.output.flatMap((item) => asCall(item) ?? []));

/** The output text of a response: its messages' `output_text` parts, in order. */
export const outputTextOf = (response: ResponseObject | undefined): string =>
  (response?.output ?? [])
    .flatMap((item) => (item.type === 'message' ? ((item as { content?: Part[] }).content ?? []) : []))
    .map((part) => (part.type === 'output_text' && typeof part.text === 'string' ? part.text : ''))
    .join('');

/** What was emitted twice in one response's events: `[]` when nothing was. */
function repeatedIn(response: ShownResponse): string[] {
  const counts = new Map<string, number>();
  const key = (what: string) => counts.set(what, (counts.get(what) ?? 0) + 1);
  const problems: string[] = [];
  let last = -1;
  for (const event of response.events) {
    const e = event as { output_index?: number; content_index?: number; sequence_number?: unknown };
    if (typeof e.sequence_number === 'number') {
      key(`sequence_number ${e.sequence_number}`);
      if (e.sequence_number <= last) problems.push(`sequence_number ${e.sequence_number} after ${last}`);
      last = Math.max(last, e.sequence_number);
    }
    const at = `#${e.output_index}`;
    if (event.type === 'response.created') key('response.created');
    else if (isResponseLifecycleEvent(event) && isTerminalResponseStatus(event.response.status))
      key('terminal event');
    else if (event.type === 'response.output_item.added' || event.type === 'response.output_item.done')
      key(`${event.type} ${at}`);
    else if (
      event.type === 'response.content_part.added' ||
      event.type === 'response.content_part.done' ||
      event.type === 'response.output_text.done'
    )
      key(`${event.type} ${at}/${e.content_index}`);
    else if (event.type === 'response.function_call_arguments.done') key(`${event.type} ${at}`);
  }
  for (const [what, n] of counts) if (n > 1) problems.push(`${what} ×${n}`);
  return problems.map((p) => `${response.id}: ${p}`);
}

/** Each text part and each call's arguments of a final response, rebuilt from its deltas alone. */
function unrebuilt(response: ShownResponse): string[] {
  const got = new Map<string, string>();
  for (const event of response.events) {
    if (event.type === 'response.output_text.delta')
      got.set(
        `#${event.output_index}/${event.content_index}`,
        (got.get(`#${event.output_index}/${event.content_index}`) ?? '') + event.delta,
      );
    if (event.type === 'response.function_call_arguments.delta')
      got.set(`#${event.output_index} args`, (got.get(`#${event.output_index} args`) ?? '') + event.delta);
  }
  const want = new Map<string, string>();
  (response.final?.output ?? []).forEach((item: ResponseOutputItem, index) => {
    const call = asCall(item);
    if (call) want.set(`#${index} args`, call.arguments);
    if (item.type !== 'message') return;
    ((item as { content?: Part[] }).content ?? []).forEach((part, c) => {
      if (part.type === 'output_text' && part.text !== '') want.set(`#${index}/${c}`, String(part.text));
    });
  });
  const problems: string[] = [];
  for (const [where, text] of want)
    if (got.get(where) !== text)
      problems.push(`${where}: deltas ${JSON.stringify(got.get(where))}, final ${JSON.stringify(text)}`);
  for (const where of got.keys()) if (!want.has(where)) problems.push(`${where}: deltas of no final part`);
  return problems.map((p) => `${response.id} ${p}`);
}

/** What a seed's events showed, once checked. */
export interface JudgedResponses {
  responses: ShownResponse[];
  /** Open bugs that explain what the checks saw (the seed passes with them marked). */
  bugs: BugId[];
  /** The final responses, in chain order. */
  finals: ResponseObject[];
  /** Every text delta (the library's `textDeltas()`), joined. */
  deltas: string;
}

/**
 * Checks a seed's events: nothing emitted twice per response, each function call output shown at
 * most once; when `complete` (the pipeline completed), every response ended, its parts and call
 * arguments rebuilt from the deltas alone, and `textDeltas()` adding up to the chain's output.
 */
export async function judgeResponses(
  events: readonly ResponseEvent[],
  complete: boolean,
  note?: BugNote,
): Promise<JudgedResponses> {
  const responses = byResponse(events);
  const bugs: BugId[] = [];
  if (responses.orphans > 0) {
    check(OPEN_BUGS[4], () => `${responses.orphans} events shown before any event naming their response`);
    bugs.push(4);
  }
  const repeated = responses.flatMap(repeatedIn);
  const outputs = events.flatMap((e) => (e.type === 'response.function_call_output' ? [e.item.call_id] : []));
  for (const id of new Set(outputs.filter((id, i) => outputs.indexOf(id) !== i)))
    repeated.push(`response.function_call_output ${id}`);
  check(repeated.length === 0, () => `emitted twice: ${repeated.join(', ')}`);
  const deltas = (await lastValueFrom(from(events).pipe(textDeltas(), toArray()))).join('');
  const finals = responses.flatMap((r) => (r.final ? [r.final] : []));
  if (complete) {
    check(finals.length === responses.length, () => `a response did not end: ${responses.map((r) => r.id)}`);
    const problems = responses.flatMap(unrebuilt);
    check(problems.length === 0, () => `deltas do not rebuild the output: ${problems.join('; ')}`);
    const text = finals.map(outputTextOf).join('');
    check(
      deltas === text,
      () => `text deltas do not add up:\n deltas ${JSON.stringify(deltas)}\n output ${JSON.stringify(text)}`,
    );
  }
  note?.(...bugs);
  return { responses, finals, deltas, bugs };
}

/** Each final response equals (status and output) the response the server stores under its id. */
export async function checkAgainstServer(world: World, finals: readonly ResponseObject[]): Promise<void> {
  for (const final of finals) {
    const stored = await serverResponse(world, final.id);
    check(stored.status === final.status, `${final.id}: ended ${final.status}, server says ${stored.status}`);
    check(
      JSON.stringify(stored.output) === JSON.stringify(final.output),
      () =>
        `${final.id}: output differs from the server's:\n got  ${JSON.stringify(outputTextOf(final))}\n want ${JSON.stringify(outputTextOf(stored))}`,
    );
  }
}

/** The chain's shape, to compare with an unfaulted run of the same plan: statuses and output texts. */
export const chainSummary = (finals: readonly ResponseObject[]): string =>
  JSON.stringify(
    finals.map((r) => [
      r.status,
      outputTextOf(r),
      r.output.map((item) => {
        const call = asCall(item);
        return call ? `${call.name}(${call.arguments})` : item.type;
      }),
    ]),
  );

/** Notes the open bugs a seed showed. */
export type BugNote = (...bugs: BugId[]) => void;

/** A seed of a Responses row whose outcome label is marked with the open bugs it noted. */
export const noting =
  (seed: (seed: number, context: RowContext, ledger: HandlerLedger, note: BugNote) => Promise<SeedOutcome>) =>
  async (n: number, context: RowContext, ledger: HandlerLedger): Promise<SeedOutcome> => {
    const bugs: BugId[] = [];
    const result = await seed(n, context, ledger, (...more) => bugs.push(...more));
    return { ...result, outcome: withResponseBugs(result.outcome, bugs) };
  };
