import { filter, last, map, type Observable } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import { isRunStatusEvent, isTerminalStatus } from '../events/guards';
import type { Run } from '../events/types';
import { cancelAndFollow } from './cancelAndFollow';
import { assertRunRef, type RunConfig } from './RunConfig';
import { watchRun } from './watchRun';

/**
 * Cancels a run and follows it to its terminal status (`cancelled`, or whatever it reached first),
 * then emits that final run once and completes. Cancelling a run that already ended is not an
 * error: its final state is emitted.
 *
 * ```
 * cancelRun: -(POST cancel)--(poll)--(poll)--cancelled|
 * ```
 *
 * @example
 * ```ts
 * import { cancelRun, fetchClient } from 'rxjs-assistants';
 *
 * cancelRun(fetchClient(), { threadId: 'thread_abc', runId: 'run_abc' })
 *   .subscribe((run) => console.log(run.status)); // 'cancelled'
 * ```
 * @throws TypeError at call time when an id is missing.
 */
export function cancelRun(
  client: AssistantsClient,
  params: { threadId: string; runId: string },
  config?: Pick<RunConfig, 'poll'>,
): Observable<Run> {
  const { threadId, runId } = params ?? ({} as { threadId: string; runId: string });
  assertRunRef(threadId, runId, 'cancelRun: params.threadId and params.runId must name the run to cancel.');
  const follow = (): Observable<Run> =>
    watchRun(client, { threadId, runId }, config).pipe(
      filter(isRunStatusEvent),
      last(),
      map((event) => event.data),
    );
  return cancelAndFollow({
    cancel: () => client.runs.cancel(threadId, runId),
    retrieve: () => client.runs.retrieve(threadId, runId),
    follow,
    ended: (run) => isTerminalStatus(run.status),
  });
}
