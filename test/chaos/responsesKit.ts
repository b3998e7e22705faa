import { filter, firstValueFrom, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import type { EmulatorOptions } from '../../src/emulator';
import type { RequiredActionFunctionToolCall } from '../../src/events/types';
import type { ToolHandlers } from '../../src/operators/runToolCall';
import {
  type HandleFunctionCallsConfig,
  handleFunctionCalls,
} from '../../src/responses/operators/handleFunctionCalls';
import type { ResponseCreateParams } from '../../src/responses/params';
import {
  isResponseLifecycleEvent,
  isTerminalResponseStatus,
  type ResponseEvent,
} from '../../src/responses/ResponseEvent';
import { createResponse } from '../../src/responses/sources/createResponse';
import type { ResponseConfig, ResponseRef } from '../../src/responses/sources/ResponseConfig';
import { watchResponse } from '../../src/responses/sources/watchResponse';
import type { ResponseFunctionCall, ResponseObject } from '../../src/responses/types';
import { type Collected, collectEvents, FAST_POLL, type StopOptions } from './drive';
import { waitFor } from './harness';
import type { HandlerBehaviour, HandlerLedger, Plan } from './plan';
import { promptOf } from './plan';
import { counted, type Exchange, type SubscriptionCount } from './probes';
import type { RowContext } from './row';
import { openWorld, quiet, type World } from './world';

/**
 * The Responses side of the chaos suite: a seed's world (the same emulator, recorded and counted
 * client as the Assistants rows, with the plan's prompt as a response's input), its pipeline
 * (`createResponse` or `watchResponse` → `handleFunctionCalls` → after…), and the requests it made.
 */

/** The chaos functions as Responses function tools (the `missing` call has none). */
export const RESPONSE_TOOLS = (['add', 'echo', 'upper'] as const).map((name) => ({
  type: 'function' as const,
  name,
  parameters: { type: 'object' },
}));

/** A seed's world, with the body of the response that plays its plan. */
export interface ResponsesWorld extends World {
  params: ResponseCreateParams;
  /** The conversation the chain runs in, when the seed chains by conversation. */
  conversationId: string | undefined;
}

/** Options of {@link openResponsesWorld}. */
export interface ResponsesWorldOptions extends EmulatorOptions {
  row: Pick<RowContext, 'requests' | 'exchanges'>;
  keepStreams?: boolean;
  /** fetchClient's own retries. @default 2 */
  maxRetries?: number;
  /** Chain the tool rounds by a conversation instead of `previous_response_id`. */
  conversation?: boolean;
}

/** Starts a world for `plan` (or on a shared `emulator`): its responses' params, its conversation. */
export async function openResponsesWorld(
  plan: Plan,
  options: ResponsesWorldOptions,
  shared?: Parameters<typeof openWorld>[2],
): Promise<ResponsesWorld> {
  const { conversation = false, ...rest } = options;
  const world = await openWorld(plan, rest, shared);
  const conversationId = conversation
    ? (await firstValueFrom(world.admin.conversations.create({}))).id
    : undefined;
  const params: ResponseCreateParams = {
    model: 'gpt-4o-mini',
    input: promptOf(plan),
    tools: RESPONSE_TOOLS,
    ...(conversationId === undefined ? {} : { conversation: conversationId }),
  };
  return { ...world, params, conversationId };
}

/** Handlers for every chaos function that keep the suite's ledger, by `call_id`. */
export function responseHandlers(
  ledger: HandlerLedger,
  behaviour: (call: ResponseFunctionCall) => HandlerBehaviour,
  onStart?: (call: ResponseFunctionCall) => void,
): ToolHandlers<ResponseFunctionCall> {
  // The ledger's handlers read an Assistants call; each Responses call is shown to them as one.
  const byView = new Map<string, ResponseFunctionCall>();
  const inner = ledger.handlers((view) => {
    const call = byView.get(view.id) as ResponseFunctionCall;
    onStart?.(call);
    return behaviour(call);
  });
  const handle = (args: unknown, call: ResponseFunctionCall, context: { signal: AbortSignal }) => {
    byView.set(call.call_id, call);
    const view: RequiredActionFunctionToolCall = {
      id: call.call_id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    };
    return inner.add(args, view, context);
  };
  return { add: handle, echo: handle, upper: handle };
}

/** Failures of cancel requests reported through `onCancelError`. */
export type ResponseCancelErrors = { error: unknown; response: ResponseRef }[];

/** How one seed's responses are driven. */
export interface ResponseDriveOptions extends StopOptions<ResponseEvent, ResponseFunctionCall> {
  mode: 'stream' | 'poll';
  /** Watch this response instead of creating one (a watcher: never cancels). */
  watch?: string | undefined;
  behaviour?: (call: ResponseFunctionCall) => HandlerBehaviour;
  tools?: Pick<HandleFunctionCallsConfig, 'onError' | 'timeoutMs' | 'concurrency' | 'onToolError'>;
  after?: readonly MonoTypeOperatorFunction<ResponseEvent>[];
}

/** What a driven pipeline gave. */
export type ResponsesDriven = Collected<ResponseEvent, ResponseCancelErrors>;

/**
 * Runs a seed's pipeline, `createResponse(params)` (or `watchResponse`) → `handleFunctionCalls` →
 * after…, counted in `pipelines`, and resolves when it completes, errors or is unsubscribed.
 */
export function driveResponses(
  world: ResponsesWorld,
  ledger: HandlerLedger,
  pipelines: SubscriptionCount,
  options: ResponseDriveOptions,
): Promise<ResponsesDriven> {
  const { mode, watch, behaviour = () => 'ok', tools = {}, after = [], onHandler } = options;
  const cancelErrors: ResponseCancelErrors = [];
  let stopRun = (): void => {};
  const config: ResponseConfig = {
    mode,
    poll: FAST_POLL,
    onCancelError: (error, response) => cancelErrors.push({ error, response }),
  };
  const handlers = responseHandlers(ledger, behaviour, onHandler && ((call) => onHandler(call, stopRun)));
  const source$ =
    watch === undefined
      ? createResponse(world.client, world.params, config)
      : watchResponse(world.client, { responseId: watch }, config);
  let events$: Observable<ResponseEvent> = source$.pipe(
    handleFunctionCalls(world.client, handlers, { ...config, ...tools }),
  );
  for (const operator of after) events$ = events$.pipe(operator);
  return collectEvents(events$.pipe(counted(pipelines)), options, cancelErrors, (stop) => {
    stopRun = stop;
  });
}

/**
 * A response another client started (the admin, in `mode`) and left running: what a watcher
 * follows. Returns its id.
 */
export async function startedElsewhere(world: ResponsesWorld, mode: 'stream' | 'poll'): Promise<string> {
  const config = { mode, poll: FAST_POLL, cancelOnUnsubscribe: false };
  const first = await firstValueFrom(
    createResponse(world.admin, world.params, config).pipe(filter(isResponseLifecycleEvent)),
  );
  return first.response.id;
}

/** Waits until the emulator is quiet and every response it holds has ended; returns them, oldest first. */
export async function settledResponses(world: World, limitMs = 10_000): Promise<ResponseObject[]> {
  await quiet(world, limitMs);
  return waitFor(
    'every response to end',
    () => {
      const all = world.emulator.responses();
      return all.every((r) => isTerminalResponseStatus(r.status)) ? all : undefined;
    },
    limitMs,
  );
}

/** The response as the server has it now (through the unfaulted admin client). */
export const serverResponse = (world: World, id: string): Promise<ResponseObject> =>
  firstValueFrom(world.admin.responses.retrieve(id));

/** The client's requests to the Responses endpoints, by kind. */
export function responseRequests(exchanges: readonly Exchange[]) {
  const is = (method: string, pattern: RegExp) => (e: Exchange) =>
    e.method === method && pattern.test(e.path);
  return {
    creates: exchanges.filter(is('POST', /^\/v1\/responses$/)),
    cancels: exchanges.filter(is('POST', /^\/v1\/responses\/[^/]+\/cancel$/)),
    /** Polls and re-attaches alike (the path has no query). */
    retrieves: exchanges.filter(is('GET', /^\/v1\/responses\/[^/]+$/)),
  };
}

/** Requests the emulator received on an endpoint (what reached the server, faulted or not). */
export const received = (world: World, endpoint: string, stream?: boolean) =>
  world.emulator.requests.filter(
    (r) => r.endpoint === endpoint && (stream === undefined || r.stream === stream),
  );
