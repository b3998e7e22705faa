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

/**
 * Attaches to an existing run by id, from any process, and emits its events by polling: first
 * its current status, steps and finished messages, then every change, until a terminal status or
 * `requires_action`. Unsubscribing does not cancel the run unless `cancelOnUnsubscribe: true`
 * (an observer must not cancel a run it did not start).
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
  config?: RunConfig,
): Observable<RunEvent> {
  const { threadId, runId, include } = params ?? ({} as WatchRunParams);
  assertRunRef(threadId, runId, 'watchRun: params.threadId and params.runId must name the run to watch.');
  const resolved = resolveRunConfig('watchRun', config, { cancelOnUnsubscribe: false });
  return runSource(client, resolved, { kind: 'attach', ids: { threadId, runId } }, include);
}
