import type { Observable } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import type { RunEvent } from '../events/RunEvent';
import { assertRunRef, type RunConfig, resolveRunConfig } from './RunConfig';
import { runSource } from './runSource';

/** The run to attach to. */
export interface WatchRunParams {
  threadId: string;
  runId: string;
  /** `include[]` for the steps read while polling. */
  include?: readonly string[];
}

/** Options of {@link watchRun}: a {@link RunConfig}, and whether to follow the run through its pauses. */
export interface WatchRunConfig extends RunConfig {
  /**
   * `true`: keep following the run across `requires_action` (while another process answers its
   * tools) until a terminal status. Do not combine with `handleRequiresAction`, which would answer
   * the tools itself.
   * @default false: complete at `requires_action`, like every source
   */
  throughRequiresAction?: boolean;
}

/**
 * Attaches to an existing run by id, from any process, and emits its events by polling: first
 * its current status, steps and finished messages, then every change, until a terminal status or
 * `requires_action` (with `throughRequiresAction`: until a terminal status). Unsubscribing does
 * not cancel the run unless `cancelOnUnsubscribe: true` (an observer must not cancel a run it did
 * not start).
 *
 * ```
 * watchRun: -in_progress--step.created--message.created-message.delta-message.completed--completed|
 * ```
 *
 * @example
 * ```ts
 * import { fetchClient, runState, watchRun } from 'rxjs-assistants';
 *
 * watchRun(fetchClient(), { threadId: 'thread_abc', runId: 'run_abc' })
 *   .pipe(runState())
 *   .subscribe((state) => render(state));
 * ```
 * @throws TypeError at call time when an id is missing or the config is invalid.
 */
export function watchRun(
  client: AssistantsClient,
  params: WatchRunParams,
  config?: WatchRunConfig,
): Observable<RunEvent> {
  const { threadId, runId, include } = params ?? ({} as WatchRunParams);
  const { throughRequiresAction = false, ...runConfig } = config ?? {};
  assertRunRef(threadId, runId, 'watchRun: params.threadId and params.runId must name the run to watch.');
  if (typeof throughRequiresAction !== 'boolean') {
    throw new TypeError('watchRun: config.throughRequiresAction must be true or false.');
  }
  const resolved = resolveRunConfig('watchRun', runConfig, { cancelOnUnsubscribe: false });
  const start = { kind: 'attach', ids: { threadId, runId } } as const;
  return runSource(client, resolved, start, include, throughRequiresAction);
}
