import type { Observable } from 'rxjs';
import type { AssistantsClient } from '../../client/AssistantsClient';
import { type NoRunConfigKeys, rejectConfigKeys } from '../../sources/RunConfig';
import type { ResponseCreateParams } from '../params';
import type { ResponseEvent } from '../ResponseEvent';
import { type ResponseConfig, resolveResponseConfig } from './ResponseConfig';
import { type ResponseStart, responseSource } from './responseSource';

/** Checks `params` of `createResponse` and gives the body to send. Internal. */
export function responseBody(
  where: string,
  params: ResponseCreateParams,
  mode: 'stream' | 'poll',
): ResponseCreateParams {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new TypeError(
      `${where}: params must be the request body, e.g. { model: 'gpt-4o-mini', input: 'Hi' }.`,
    );
  }
  rejectConfigKeys(where, params);
  if (params.stream !== undefined) {
    throw new TypeError(
      `${where}: params.stream is set by the source (config.mode 'stream' or 'poll'); remove it.`,
    );
  }
  const background = params.background ?? true;
  if (background === true && params.store === false) {
    throw new TypeError(
      `${where}: a background response must be stored (the server keeps it running and lets it be re-attached): remove store: false, or pass background: false.`,
    );
  }
  if (background === false && mode === 'poll') {
    throw new TypeError(
      `${where}: mode 'poll' needs a background response (one the server runs whatever this connection does): remove background: false, or use mode 'stream'.`,
    );
  }
  return params.background === undefined ? { ...params, background: true } : params;
}

/**
 * Creates a response (`POST /responses`) and emits its events, streamed (default) or polled, until
 * it ends (`completed | failed | incomplete | cancelled`). A failed response is data: it completes
 * after `response.failed`. Cold: every subscription creates a new response.
 *
 * ```
 * createResponse: --created--in_progress--output_item.added--output_text.delta--…--completed|
 * unsubscribe before the end (id known): POST /responses/{id}/cancel, exactly once
 * stream broken (id known): GET /responses/{id}?stream=true&starting_after=<last seen> …
 * ```
 *
 * The response runs in the background (`background: true` is sent unless `params.background` is
 * given): a broken stream re-attaches from the last sequence number shown, never re-creating
 * anything, and polls when the server refuses to re-attach. With `background: false` a broken
 * stream is a `StreamDisconnectedError`, leaving aborts the request instead of cancelling, and
 * `mode: 'poll'` is refused. Function calls end a response `completed` with `function_call`
 * items: answer them with `handleFunctionCalls`.
 *
 * @example
 * ```ts
 * import { createResponse, fetchClient, outputText } from 'rxjs-assistants';
 *
 * createResponse(fetchClient(), { model: 'gpt-4o-mini', input: 'Say hello' })
 *   .pipe(outputText())
 *   .subscribe((text) => console.log(text));
 * ```
 * @throws TypeError at call time when the params or the config are invalid (the message says how to fix it).
 */
export function createResponse(
  client: AssistantsClient,
  params: ResponseCreateParams & NoRunConfigKeys,
  config?: ResponseConfig,
): Observable<ResponseEvent> {
  const resolved = resolveResponseConfig('createResponse', config);
  const body = responseBody('createResponse', params, resolved.mode);
  const background = body.background === true;
  const start: ResponseStart = {
    kind: 'create',
    ids: {},
    stream: () => client.responses.createStream(body),
    create: () => client.responses.create(body),
  };
  // A foreground response cannot be re-attached to, and has no cancel endpoint: leaving aborts it.
  const effective = background
    ? resolved
    : { ...resolved, resumeOnDisconnect: false, cancelOnUnsubscribe: false };
  return responseSource(client, effective, start, resolved.mode === 'stream');
}
