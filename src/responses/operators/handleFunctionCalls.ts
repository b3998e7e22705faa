import {
  concat,
  concatMap,
  defer,
  EMPTY,
  from,
  type MonoTypeOperatorFunction,
  type Observable,
  tap,
  throwError,
} from 'rxjs';
import type { AssistantsClient } from '../../client/AssistantsClient';
import { AssistantsError, reasonOf } from '../../errors/AssistantsError';
import type {
  CallView,
  ToolCallFailureReason,
  ToolCallResult,
  ToolHandlers,
} from '../../operators/runToolCall';
import { runToolRound } from '../../operators/runToolRound';
import { ToolOutputLedger } from '../../operators/ToolOutputLedger';
import { checkToolConfig, type ToolLoopConfig, toolReporter } from '../../operators/toolConfig';
import { isAnswer, isLeftAlone } from '../../sources/marks';
import type { ResponseCreateParams } from '../params';
import {
  isResponseLifecycleEvent,
  isTerminalResponseStatus,
  type ResponseEvent,
  type ResponseFunctionCallOutputEvent,
} from '../ResponseEvent';
import { createResponse } from '../sources/createResponse';
import type { ResponseConfig } from '../sources/ResponseConfig';
import { watchResponse } from '../sources/watchResponse';
import type { FunctionCallOutput, ResponseFunctionCall, ResponseObject } from '../types';
import { continuationParams } from './continuationParams';

/** Options of {@link handleFunctionCalls}; the {@link ResponseConfig} part applies to the continuations. */
export interface HandleFunctionCallsConfig extends ResponseConfig, ToolLoopConfig {
  /**
   * Leaving while a continuation runs cancels it once.
   * @default as the source of the answered response would: `false` after `watchResponse` (unless
   *   it was given `cancelOnUnsubscribe: true`), `true` after `createResponse`
   */
  cancelOnUnsubscribe?: boolean;
}

/** A function call failed under `onError: 'error'`. Carries the call and the handler's error as `cause`. */
export class FunctionCallError extends AssistantsError {
  override readonly name = 'FunctionCallError';
  readonly reason: ToolCallFailureReason;
  readonly toolCall: ResponseFunctionCall;
  readonly functionName: string;
  readonly responseId: string;

  constructor(responseId: string, call: ResponseFunctionCall, reason: ToolCallFailureReason, cause: unknown) {
    super(
      `Function call ${call.call_id} (${call.name}) of response ${responseId} failed: ${reasonOf(cause)}`,
      {
        cause,
      },
    );
    this.reason = reason;
    this.toolCall = call;
    this.functionName = call.name;
    this.responseId = responseId;
  }
}

const viewCall = (call: ResponseFunctionCall): CallView => ({
  id: call.call_id,
  name: call.name,
  arguments: call.arguments,
});

/** The function calls a completed response asks for, or what is wrong with them. */
function callsOf(response: ResponseObject): ResponseFunctionCall[] | string {
  const calls: ResponseFunctionCall[] = [];
  const ids = new Set<string>();
  for (const item of response.output) {
    if (item?.type !== 'function_call') continue;
    const call = item as Partial<ResponseFunctionCall>;
    if (typeof call.call_id !== 'string' || call.call_id === '' || typeof call.name !== 'string') {
      return 'a function_call item lacks its call_id or name';
    }
    if (typeof call.arguments !== 'string') return `the arguments of call ${call.call_id} are not a string`;
    if (ids.has(call.call_id)) return `it lists the call ${call.call_id} twice`;
    ids.add(call.call_id);
    calls.push(call as ResponseFunctionCall);
  }
  return calls;
}

/**
 * Answers the function calls a response ends with and continues it in the same Observable, for as
 * many rounds as the model needs. Every event passes through.
 *
 * ```
 * events: --created--output_item.added(function_call)--…--completed|
 * result: --created--…--completed--(handlers)--function_call_output--created--…--completed|
 * ```
 *
 * When a response completes with `function_call` items, the operator runs the handler of each
 * `call_id` (in parallel, `concurrency`, each with its own `AbortSignal` and `timeoutMs`), emits one
 * `response.function_call_output` event per output (so UIs can show them), then creates the
 * continuation: the outputs as `function_call_output` input items, chained by the same
 * `conversation` when the response belongs to one, else by `previous_response_id`, carrying the
 * finished response's model, instructions, tools, tool_choice, text, reasoning, metadata,
 * background and store (the API inherits none of them). Its events follow.
 *
 * - Handler forms and `onError` as `handleRequiresAction` (the call is the `function_call` item).
 * - A `call_id` is executed once per operator instance, across its subscriptions: a response
 *   observed again (a `retryRun`, a re-subscribed watch) never runs a handler twice; once its
 *   continuation was created, the continuation is watched instead of created again.
 * - A continuation's create is never sent twice: if it fails after it may have reached the
 *   server, the result errors with `RequestOutcomeUnknownError`.
 * - Leaving while handlers run aborts them (the answered response has ended: nothing to cancel);
 *   leaving while a continuation runs cancels it once (`cancelOnUnsubscribe`).
 *
 * @example
 * ```ts
 * import { createResponse, fetchClient, handleFunctionCalls, outputText } from 'rxjs-assistants';
 *
 * const client = fetchClient();
 * createResponse(client, { model: 'gpt-4o-mini', input: 'Weather in Oslo?', tools })
 *   .pipe(
 *     handleFunctionCalls(client, { get_weather: async ({ city }: { city: string }) => `Sunny in ${city}` }),
 *     outputText(),
 *   )
 *   .subscribe((text) => console.log(text));
 * ```
 * @throws TypeError at call time when the handlers or the config are invalid.
 */
export function handleFunctionCalls(
  client: AssistantsClient,
  handlers: ToolHandlers<ResponseFunctionCall>,
  config: HandleFunctionCallsConfig = {},
): MonoTypeOperatorFunction<ResponseEvent> {
  checkToolConfig('handleFunctionCalls', handlers, config ?? {});
  const {
    concurrency = Infinity,
    timeoutMs,
    onError = 'submit',
    onToolError,
    ...responseConfig
  } = config ?? {};
  const report = toolReporter('handleFunctionCalls', onToolError);
  // Per operator, per response: outputs (so no handler runs twice) and what was answered.
  const ledgers = new ToolOutputLedger();
  /** Answered response id → its continuation's id and the outputs it carried, once the create was answered. */
  const continuations = new Map<string, { id: string; shown: ResponseFunctionCallOutputEvent[] }>();

  const sourceConfig = (cancels: boolean): ResponseConfig => ({
    ...responseConfig,
    cancelOnUnsubscribe: cancels,
  });

  /** One response's events, then the round its function calls call for, if any. */
  const follow = (events$: Observable<ResponseEvent>): Observable<ResponseEvent> =>
    defer(() => {
      let ended: ResponseObject | undefined;
      let leftAlone = false;
      return concat(
        events$.pipe(
          tap((event) => {
            if (!isResponseLifecycleEvent(event) || !isTerminalResponseStatus(event.response?.status)) return;
            ended = event.response;
            leftAlone = isLeftAlone(event);
          }),
        ),
        defer(() => (ended?.status === 'completed' ? round(ended, leftAlone) : EMPTY)),
      );
    });

  /** A round: run the calls, show the outputs, create the continuation and follow it. */
  const round = (response: ResponseObject, leftAlone: boolean): Observable<ResponseEvent> => {
    const calls = callsOf(response);
    if (typeof calls === 'string') {
      const problem = `handleFunctionCalls: response ${response.id} asks for function calls, but ${calls}.`;
      return throwError(() => new AssistantsError(problem));
    }
    if (calls.length === 0) return EMPTY;
    const cancels = responseConfig.cancelOnUnsubscribe ?? !leftAlone;
    const known = continuations.get(response.id);
    if (known !== undefined) {
      // Observed again (a retry, a re-subscription): show the outputs again, run nothing, follow on.
      const watch$ = watchResponse(client, { responseId: known.id }, sourceConfig(cancels));
      return concat(from(known.shown), follow(watch$));
    }
    const ledger = ledgers.forRun(response.id);
    report.checkNames(handlers, response.tools, `response ${response.id}`);
    const failed = (result: ToolCallResult<ResponseFunctionCall>, output: string | undefined) =>
      result.failure &&
      report.failed({
        functionName: result.call.name,
        callId: result.call.call_id,
        reason: result.failure.reason,
        error: result.failure.cause,
        output,
        responseId: response.id,
      });
    const fresh = calls.filter((call) => !ledger.has(call.call_id));
    const options = { concurrency, timeoutMs, stopAtFailure: onError !== 'submit', expiresAt: undefined };
    return runToolRound(fresh, viewCall, handlers, options).pipe(
      concatMap((outcome) => {
        if (outcome.kind === 'failed') {
          const { call, failure } = outcome.result;
          if (onError === 'cancel') {
            failed(outcome.result, undefined);
            return EMPTY;
          }
          return throwError(() => new FunctionCallError(response.id, call, failure.reason, failure.cause));
        }
        if (outcome.kind === 'done') {
          for (const result of outcome.results) {
            ledger.record(result.call.call_id, result.output);
            failed(result, result.output);
          }
        }
        const outputs = calls.map(
          (call): FunctionCallOutput => ({
            type: 'function_call_output',
            call_id: call.call_id,
            output: ledger.output(call.call_id),
          }),
        );
        const shown = outputs.map(
          (item): ResponseFunctionCallOutputEvent => ({
            type: 'response.function_call_output',
            response_id: response.id,
            item,
          }),
        );
        const params: ResponseCreateParams = continuationParams(response, outputs);
        const ids = calls.map((call) => call.call_id);
        let answered = false;
        const continuation$ = defer(() => createResponse(client, params, sourceConfig(cancels))).pipe(
          tap((event) => {
            if (answered || !isAnswer(event)) return;
            answered = true;
            ledger.accept(ids);
            if (isResponseLifecycleEvent(event))
              continuations.set(response.id, { id: event.response.id, shown });
          }),
        );
        return concat(from(shown), follow(continuation$));
      }),
    );
  };

  return (source) => follow(source);
}
