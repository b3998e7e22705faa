import { connect, forkJoin } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import type { ToolHandlers } from '../operators/runToolCall';
import { finalResponse } from '../responses/operators/finalResponse';
import {
  type HandleFunctionCallsConfig,
  handleFunctionCalls,
} from '../responses/operators/handleFunctionCalls';
import { outputText } from '../responses/operators/outputText';
import type { ResponseCreateParams } from '../responses/params';
import { createResponse } from '../responses/sources/createResponse';
import type { ResponseFunctionCall, ResponseObject } from '../responses/types';
import type { NoRunConfigKeys } from '../sources/RunConfig';
import { checkSignal, settle } from './settle';
import { checkToolOptions } from './toolOptions';

/**
 * Options of {@link completeResponse}: the handlers of the response's function tools and an abort
 * signal, beside the source config ({@link HandleFunctionCallsConfig}: `mode`, `poll`,
 * `cancelOnUnsubscribe` … and, with handlers, `concurrency`, `timeoutMs`, `onError`,
 * `onToolError`).
 */
export interface CompleteResponseOptions extends HandleFunctionCallsConfig {
  /**
   * The function tools' handlers, in any form `handleFunctionCalls` takes: each `function_call`
   * is answered by a continuation (chained by `previous_response_id` or the conversation), for as
   * many rounds as needed. Without handlers a response that calls a function resolves as it
   * ended, with the `function_call` items in `response.output` and no text.
   * @default none
   */
  handlers?: ToolHandlers<ResponseFunctionCall>;
  /**
   * Aborting it unsubscribes: the response is cancelled on the server (once its id is known,
   * unless `cancelOnUnsubscribe: false`) and the promise rejects with `signal.reason`.
   * @default none
   */
  signal?: AbortSignal;
}

/** What {@link completeResponse} resolves with. */
export interface CompleteResponseResult {
  /** The last response of the chain: `status` (check it: a failed response is data), `output`, `usage`, `error`. */
  response: ResponseObject;
  /** Its output text (`output_text` parts, in order); `''` when it has none. */
  text: string;
}

/**
 * Creates a response (a background one unless `params.background` says otherwise), answers its
 * function calls with `handlers`, and resolves with the last response of the chain and its text:
 * the promise form of `createResponse(…).pipe(handleFunctionCalls(…))` collected by
 * `finalResponse()` and `outputText()` over one chain. For scripts; for anything live, use those
 * Observables.
 *
 * A `failed`, `incomplete` or `cancelled` response resolves as well: read `response.status` (and
 * `response.error`). The promise rejects on what stops the response from being followed: a typed
 * error of the library, an invalid argument (`TypeError`), or `signal.reason` once `signal`
 * aborts.
 *
 * @example
 * ```ts
 * import { completeResponse, fetchClient } from 'rxjs-assistants';
 *
 * const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
 * const { response, text } = await completeResponse(
 *   fetchClient(),
 *   { model: 'gpt-4o-mini', input: 'Weather in Oslo?', tools },
 *   { handlers: { get_weather: ({ city }: { city: string }) => `Sunny in ${city}` } },
 * );
 * console.log(response.status, text);
 * ```
 */
export async function completeResponse(
  client: AssistantsClient,
  params: ResponseCreateParams & NoRunConfigKeys,
  options: CompleteResponseOptions = {},
): Promise<CompleteResponseResult> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`completeResponse: options must be an object, got ${String(options)}.`);
  }
  const { handlers, signal, ...config } = options;
  checkSignal('completeResponse', signal);
  checkToolOptions('completeResponse', handlers, config);
  const { concurrency, timeoutMs, onError, onToolError, ...responseConfig } = config;
  const response$ = createResponse(client, params, responseConfig);
  const events$ =
    handlers === undefined ? response$ : response$.pipe(handleFunctionCalls(client, handlers, config));
  // One chain, two collectors: connect() multicasts the events within this one subscription.
  const result$ = events$.pipe(
    connect((shared$) =>
      forkJoin({ response: shared$.pipe(finalResponse()), text: shared$.pipe(outputText()) }),
    ),
  );
  return settle(result$, signal);
}
