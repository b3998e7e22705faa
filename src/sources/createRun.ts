import { catchError, map, type Observable } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import type { RunCreateParams } from '../client/params';
import { busyThread } from '../errors/ThreadBusyError';
import { isTerminalStatus } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import { type NoRunConfigKeys, type RunConfig, rejectConfigKeys, resolveRunConfig } from './RunConfig';
import { type AssistantsStart, runSource } from './runSource';

/** What `createRun` sends: the run body, plus the thread and the `include[]` query. */
export interface CreateRunParams extends RunCreateParams, NoRunConfigKeys {
  threadId: string;
  /** Sent as the `include[]` query, e.g. `['step_details.tool_calls[*].file_search.results[*].content']`. */
  include?: readonly string[];
}

/**
 * How far before the create a run found on the thread may have been created (clock skew between
 * this machine and the server) to count as the one the create started.
 */
const LOOKUP_WINDOW_MS = 60_000;

/**
 * Starts a run on a thread and emits its events, streamed (default) or polled. Completes when the
 * run reaches a terminal status or pauses at `requires_action`. A failed run is data: it
 * completes after `thread.run.failed`. Cold: every subscription starts a new run.
 *
 * ```
 * createRun: --created--queued--in_progress--step.created--message.delta--…--completed|
 * unsubscribe before a terminal status (run id known): POST …/cancel, exactly once
 * ```
 *
 * A thread that already has an active run (a second subscription to the same cold source, say)
 * errors with a `ThreadBusyError` naming that run and what to do.
 *
 * The create is never sent twice: when it fails after it may have reached the server
 * (`RequestOutcomeUnknownError`, e.g. the connection dropped once the body was sent), the source
 * looks for the run it may have started (an active run of the same assistant on the thread,
 * created since) and follows it by polling; if there is none, it errors with that error.
 *
 * @example
 * ```ts
 * import { createRun, fetchClient, finalMessages } from 'rxjs-assistants';
 *
 * const client = fetchClient({ apiKey: process.env.OPENAI_API_KEY });
 * createRun(client, { threadId, assistant_id: 'asst_123' })
 *   .pipe(finalMessages())
 *   .subscribe((messages) => console.log(messages));
 * ```
 * @throws TypeError at call time when `threadId` or `assistant_id` is missing or the config is invalid.
 */
export function createRun(
  client: AssistantsClient,
  params: CreateRunParams,
  config?: RunConfig,
): Observable<RunEvent> {
  const { threadId, include, ...body } = params ?? ({} as CreateRunParams);
  if (typeof threadId !== 'string' || threadId === '') {
    throw new TypeError(
      'createRun: params.threadId must be the id of the thread to run on (e.g. "thread_abc").',
    );
  }
  if (typeof body.assistant_id !== 'string' || body.assistant_id === '') {
    throw new TypeError(
      'createRun: params.assistant_id must be the id of the assistant to run (e.g. "asst_abc").',
    );
  }
  rejectConfigKeys('createRun', params);
  const resolved = resolveRunConfig('createRun', config);
  const query = include ? { include } : undefined;
  const busy = busyThread(threadId);
  const start: AssistantsStart = {
    kind: 'create',
    ids: { threadId },
    stream: () => client.runs.createStream(threadId, body, query).pipe(catchError(busy)),
    create: () => client.runs.create(threadId, body, query).pipe(catchError(busy)),
    lookup: (sentAt) =>
      client.runs
        .list(threadId, { limit: 5, order: 'desc' })
        .pipe(
          map(({ data }) =>
            data.find(
              (run) =>
                run.assistant_id === body.assistant_id &&
                !isTerminalStatus(run.status) &&
                (run.created_at ?? 0) * 1000 >= sentAt - LOOKUP_WINDOW_MS,
            ),
          ),
        ),
  };
  return runSource(client, resolved, start, include);
}
