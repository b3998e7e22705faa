import { connect, forkJoin, type Observable } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import type { ThreadAndRunCreateParams } from '../client/params';
import type { RunEvent } from '../events/RunEvent';
import type { Message, Run } from '../events/types';
import { finalMessages } from '../operators/finalMessages';
import { finalRun } from '../operators/finalRun';
import { type HandleRequiresActionConfig, handleRequiresAction } from '../operators/handleRequiresAction';
import type { ToolHandlers } from '../operators/runToolCall';
import { type CreateRunParams, createRun } from '../sources/createRun';
import { createThreadAndRun } from '../sources/createThreadAndRun';
import type { NoRunConfigKeys } from '../sources/RunConfig';
import { checkSignal, settle } from './settle';
import { checkToolOptions } from './toolOptions';

/**
 * What {@link completeRun} starts: a run on an existing thread (`threadId` given, as
 * `createRun` takes it) or a new thread and its run in one request (no `threadId`, as
 * `createThreadAndRun` takes it).
 */
export type CompleteRunParams =
  | CreateRunParams
  | (ThreadAndRunCreateParams & NoRunConfigKeys & { threadId?: undefined });

/**
 * Options of {@link completeRun}: the handlers of the run's function tools and an abort signal,
 * beside the source config ({@link HandleRequiresActionConfig}: `mode`, `poll`,
 * `cancelOnUnsubscribe` … and, with handlers, `concurrency`, `timeoutMs`, `onError`,
 * `onToolError`).
 */
export interface CompleteRunOptions extends HandleRequiresActionConfig {
  /**
   * The function tools' handlers, in any form `handleRequiresAction` takes: each tool call the
   * run asks for is answered and the run continues, for as many rounds as it needs. Without
   * handlers a run that calls a tool ends paused (`run.status === 'requires_action'`, with a
   * warning on the console), its thread locked until it expires.
   * @default none
   */
  handlers?: ToolHandlers;
  /**
   * Aborting it unsubscribes: the run is cancelled on the server (once its id is known, unless
   * `cancelOnUnsubscribe: false`) and the promise rejects with `signal.reason`.
   * @default none
   */
  signal?: AbortSignal;
}

/** What {@link completeRun} resolves with. */
export interface CompleteRunResult {
  /** The run's last payload: `status` (check it: a failed run is data), `usage`, `last_error`. */
  run: Run;
  /** The messages the run created, in order, with their final content. */
  messages: Message[];
}

/**
 * Starts a run, answers its function tools with `handlers`, and resolves with the final run and
 * the messages it created: the promise form of
 * `createRun(…).pipe(handleRequiresAction(…))` collected by `finalRun()` and `finalMessages()` over
 * one run. For scripts; for anything live (text as it streams, a UI), use those Observables.
 *
 * A failed, cancelled, expired or incomplete run resolves as well: read `run.status` (and
 * `run.last_error`). The promise rejects on what stops the run from being followed: a typed
 * error of the library (`ThreadBusyError`, `AssistantsApiError`, …), an invalid argument
 * (`TypeError`), or `signal.reason` once `signal` aborts.
 *
 * @example
 * ```ts
 * import { completeRun, fetchClient } from 'rxjs-assistants';
 *
 * const client = fetchClient();
 * const { run, messages } = await completeRun(
 *   client,
 *   { assistant_id: 'asst_abc', thread: { messages: [{ role: 'user', content: 'Weather in Oslo?' }] } },
 *   { handlers: { get_weather: ({ city }: { city: string }) => `Sunny in ${city}` }, signal: AbortSignal.timeout(60_000) },
 * );
 * console.log(run.status, messages.at(-1)?.content);
 * ```
 */
export async function completeRun(
  client: AssistantsClient,
  params: CompleteRunParams,
  options: CompleteRunOptions = {},
): Promise<CompleteRunResult> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`completeRun: options must be an object, got ${String(options)}.`);
  }
  const { handlers, signal, ...config } = options;
  checkSignal('completeRun', signal);
  checkToolOptions('completeRun', handlers, config);
  const { concurrency, timeoutMs, onError, onToolError, ...runConfig } = config;
  const run$: Observable<RunEvent> =
    typeof params === 'object' && params !== null && params.threadId !== undefined
      ? createRun(client, params as CreateRunParams, runConfig)
      : createThreadAndRun(client, params as ThreadAndRunCreateParams & NoRunConfigKeys, runConfig);
  const events$ = handlers === undefined ? run$ : run$.pipe(handleRequiresAction(client, handlers, config));
  // One run, two collectors: connect() multicasts the events within this one subscription.
  const result$ = events$.pipe(
    connect((shared$) =>
      forkJoin({ run: shared$.pipe(finalRun()), messages: shared$.pipe(finalMessages()) }),
    ),
  );
  return settle(result$, signal);
}
