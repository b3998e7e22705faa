import { defer, finalize, from, lastValueFrom, type Observable, toArray } from 'rxjs';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import type { FetchFunction } from '../../src/client/fetchClient';
import { isTerminalStatus } from '../../src/events/guards';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message, MessageContent } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import { runState } from '../../src/operators/runState';
import { textDeltas } from '../../src/operators/textDeltas';
import { toolCalls } from '../../src/operators/toolCalls';
import { initialRunState } from '../../src/state/RunState';
import { reduceRunState } from '../../src/state/reduceRunState';
import { monotonicMs, sleep } from './harness';

/**
 * What the chaos suite watches: every HTTP exchange (with the tool call ids of each submit), every
 * client subscription, the process's active handles, and repeated emissions.
 */

/** One HTTP exchange as the client's `fetch` saw it. */
export interface Exchange {
  method: string;
  path: string;
  /** The query string (`?stream=true&starting_after=4`), when there is one. */
  query?: string;
  /** HTTP status, or 0 when no answer came (connection refused, aborted). */
  status: number;
  /** When the request was handed to fetch, and when its answer's head arrived (monotonic ms). */
  sentAt: number;
  answeredAt: number | undefined;
  /**
   * The tool call ids a request answers: the `tool_call_id`s of a `submit_tool_outputs`, or the
   * `call_id`s of the `function_call_output` input items of a `POST /responses` (a continuation).
   */
  submitted?: string[];
  /** The body of an event-stream answer as far as the client read it (when `keepStreams`). */
  streamBody?: string;
  /** The run's (or response's) status in a successful `GET …/runs/{run_id}` (`GET /responses/{id}`) answer: a poll. */
  runStatus?: string;
}

const RUN_PATH = /^\/v1\/threads\/[^/]+\/runs\/[^/]+$/;
const RESPONSE_PATH = /^\/v1\/responses\/[^/]+$/;

/** The `call_id`s of the `function_call_output` items of a `POST /responses` body, if any. */
function answeredCalls(body: string): string[] | undefined {
  const input = (JSON.parse(body) as { input?: unknown }).input;
  if (!Array.isArray(input)) return undefined;
  const ids = input
    .filter((item: { type?: unknown }) => item?.type === 'function_call_output')
    .map((item: { call_id?: unknown }) => String(item.call_id));
  return ids.length > 0 ? ids : undefined;
}

/** Whether a poll answered the client that the run had ended: nothing was left to cancel then. */
export const pollReadEnded = (exchanges: readonly Exchange[]): boolean =>
  exchanges.some((e) => isTerminalStatus(e.runStatus));

/** A `fetch` that records every exchange. */
export function recordingFetch(options: { keepStreams?: boolean } = {}) {
  const exchanges: Exchange[] = [];
  const fetchImpl: FetchFunction = async (url, init) => {
    const parsed = new URL(url);
    const exchange: Exchange = {
      method: init.method ?? 'GET',
      path: parsed.pathname,
      status: 0,
      sentAt: monotonicMs(),
      answeredAt: undefined,
      ...(parsed.search === '' ? {} : { query: parsed.search }),
    };
    if (parsed.pathname.endsWith('/submit_tool_outputs') && typeof init.body === 'string') {
      const body = JSON.parse(init.body) as { tool_outputs?: { tool_call_id: string }[] };
      exchange.submitted = (body.tool_outputs ?? []).map((o) => o.tool_call_id);
    }
    if (exchange.method === 'POST' && parsed.pathname === '/v1/responses' && typeof init.body === 'string') {
      const answered = answeredCalls(init.body);
      if (answered) exchange.submitted = answered;
    }
    exchanges.push(exchange);
    const response = await fetch(url, init);
    exchange.status = response.status;
    exchange.answeredAt = monotonicMs();
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    const polled = RUN_PATH.test(parsed.pathname) || RESPONSE_PATH.test(parsed.pathname);
    if (exchange.method === 'GET' && response.ok && polled && length < 1_000_000) {
      // What the poll told the client, read from a copy of a body of known, small length (a
      // hostile answer may never end: its copy is not read).
      const run = (await response
        .clone()
        .json()
        .catch(() => undefined)) as { status?: unknown } | undefined;
      if (typeof run?.status === 'string') exchange.runStatus = run.status;
    }
    if (!options.keepStreams || !response.body) return response;
    if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return response;
    const chunks: Uint8Array[] = [];
    const keep = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        // Kept at each chunk: the client cancels the body at `done`, so there may be no flush.
        chunks.push(chunk);
        exchange.streamBody = Buffer.concat(chunks).toString('utf8');
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(keep), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return { fetch: fetchImpl, exchanges };
}

/** Subscriptions opened and closed, counted with `finalize`. */
export interface SubscriptionCount {
  opened: number;
  closed: number;
  /** Subscriptions still open, by label (`runs.cancel` …), when tracked. */
  open?: Map<string, number>;
}

const track = (count: SubscriptionCount, label: string, delta: 1 | -1): void => {
  if (delta === 1) count.opened++;
  else count.closed++;
  if (!count.open) return;
  const n = (count.open.get(label) ?? 0) + delta;
  if (n === 0) count.open.delete(label);
  else count.open.set(label, n);
};

/**
 * The same client with every endpoint counted in each of `counts`: each subscription adds to
 * `opened` and, once it ends for any reason (complete, error, unsubscribe), to `closed`.
 */
export function countingClient(client: AssistantsClient, ...counts: SubscriptionCount[]): AssistantsClient {
  const wrapped: Record<string, Record<string, unknown>> = {};
  for (const [group, methods] of Object.entries(client) as [string, Record<string, unknown>][]) {
    const out: Record<string, unknown> = {};
    for (const [name, method] of Object.entries(methods)) {
      if (typeof method !== 'function') continue;
      out[name] = (...args: unknown[]) =>
        defer(() => {
          const label = `${group}.${name}`;
          for (const count of counts) track(count, label, 1);
          return (method as (...a: unknown[]) => Observable<unknown>)(...args).pipe(
            finalize(() => {
              for (const count of counts) track(count, label, -1);
            }),
          );
        });
    }
    wrapped[group] = out;
  }
  return wrapped as unknown as AssistantsClient;
}

/** Counts `source`'s subscriptions into `count`: the run pipelines themselves. */
export const counted =
  <T>(count: SubscriptionCount) =>
  (source: Observable<T>): Observable<T> =>
    defer(() => {
      count.opened++;
      return source.pipe(finalize(() => count.closed++));
    });

/** Active handles and requests of the process, by type (`TCPSocketWrap`, `Timeout` …). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/**
 * Resources above `baseline`, once things settled: sockets close a few ticks after their server
 * destroyed them, so this waits (up to `limitMs`) for every count to come back to the baseline.
 * Returns the excess, `{}` when there is none.
 */
export async function leakedResources(
  baseline: Record<string, number>,
  limitMs = 5_000,
): Promise<Record<string, number>> {
  const excess = () => {
    const now = activeResources();
    const out: Record<string, number> = {};
    for (const [name, n] of Object.entries(now))
      if (n > (baseline[name] ?? 0)) out[name] = n - (baseline[name] ?? 0);
    return out;
  };
  const start = monotonicMs();
  let last = excess();
  while (Object.keys(last).length > 0 && monotonicMs() - start < limitMs) {
    await sleep(10);
    last = excess();
  }
  return last;
}

/** The part of a message two runs of the same plan agree on (ids and timestamps aside). */
export const comparable = (messages: readonly Message[]) =>
  messages.map((m) => ({
    role: m.role,
    status: m.status,
    content: m.content,
    incomplete_details: m.incomplete_details ?? null,
  }));

/** The text of a message's text blocks. */
export const textOf = (message: Message): string =>
  message.content.map((block) => (block.type === 'text' ? block.text.value : '')).join('');

/** What the collectors make of a run's events. */
export interface Collected {
  messages: Message[];
  deltas: string;
  /** Each message's content as the events rebuild it without its terminal payload (deltas alone). */
  rebuilt: Map<string, MessageContent[]>;
  toolCallIds: string[];
  stateMessageIds: string[];
  stateStepIds: string[];
}

/** Runs every collector over the events (as a late subscriber would, on the same events). */
export async function collect(events: readonly RunEvent[]): Promise<Collected> {
  const messages = await lastValueFrom(from(events).pipe(finalMessages()));
  const deltas = (await lastValueFrom(from(events).pipe(textDeltas(), toArray()))).join('');
  const calls = await lastValueFrom(from(events).pipe(toolCalls(), toArray()));
  const states = await lastValueFrom(from(events).pipe(runState(), toArray()));
  const state = states.at(-1);
  const withoutEnds = events.filter(
    (e) => e.event !== 'thread.message.completed' && e.event !== 'thread.message.incomplete',
  );
  const rebuilt = withoutEnds.reduce(reduceRunState, initialRunState).messages;
  return {
    messages,
    deltas,
    rebuilt: new Map(rebuilt.map((m) => [m.id, m.content])),
    toolCallIds: calls.map((c) => c.id),
    stateMessageIds: (state?.messages ?? []).map((m) => m.id),
    stateStepIds: (state?.steps ?? []).map((s) => s.id),
  };
}

const dupes = (ids: readonly string[]): string[] => [
  ...new Set(ids.filter((id, i) => ids.indexOf(id) !== i)),
];

/**
 * Everything emitted twice: lifecycle events of one message or step in the raw events, and ids
 * repeated by a collector. `[]` when each was emitted once.
 */
export function repeatedEmissions(events: readonly RunEvent[], collected: Collected): string[] {
  const seen = new Map<string, number>();
  const key = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);
  for (const event of events) {
    const id = (event.data as { id?: unknown }).id;
    if (typeof id !== 'string') continue;
    switch (event.event) {
      case 'thread.message.created':
      case 'thread.run.step.created':
        key(`${event.event} ${id}`);
        break;
      case 'thread.message.completed':
      case 'thread.message.incomplete':
        key(`thread.message.<end> ${id}`);
        break;
      case 'thread.run.step.completed':
      case 'thread.run.step.failed':
      case 'thread.run.step.cancelled':
      case 'thread.run.step.expired':
        key(`thread.run.step.<end> ${id}`);
        break;
      case 'thread.run.completed':
      case 'thread.run.incomplete':
      case 'thread.run.failed':
      case 'thread.run.cancelled':
      case 'thread.run.expired':
        key(`thread.run.<end> ${id}`);
        break;
    }
  }
  const repeated = [...seen].filter(([, n]) => n > 1).map(([what, n]) => `${what} ×${n}`);
  for (const id of dupes(collected.messages.map((m) => m.id))) repeated.push(`finalMessages ${id}`);
  for (const id of dupes(collected.toolCallIds)) repeated.push(`toolCalls ${id}`);
  for (const id of dupes(collected.stateMessageIds)) repeated.push(`runState.messages ${id}`);
  for (const id of dupes(collected.stateStepIds)) repeated.push(`runState.steps ${id}`);
  return repeated;
}

/**
 * Tool call ids submitted more than once with an accepted answer (the server took them twice), and
 * ids whose submit the server refused as already answered.
 */
export function repeatedSubmits(exchanges: readonly Exchange[]): string[] {
  const accepted = new Map<string, number>();
  for (const e of exchanges) {
    if (e.submitted === undefined || e.status !== 200) continue;
    for (const id of e.submitted) accepted.set(id, (accepted.get(id) ?? 0) + 1);
  }
  return [...accepted].filter(([, n]) => n > 1).map(([id, n]) => `${id} accepted ×${n}`);
}

/** Numbers of a seed's tool output submits: requests sent, and tool call ids the server accepted. */
export function submitMetrics(exchanges: readonly Exchange[]): Record<string, number> {
  const submits = exchanges.filter((e) => e.submitted !== undefined);
  return {
    submitRequests: submits.length,
    submitsRefused: submits.filter((e) => e.status === 400 || e.status === 404).length,
    toolOutputsAccepted: submits
      .filter((e) => e.status === 200)
      .reduce((n, e) => n + (e.submitted?.length ?? 0), 0),
  };
}
