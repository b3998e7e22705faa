import type { Observable } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import type { ThreadAndRunCreateParams } from '../client/params';
import type { RunEvent } from '../events/RunEvent';
import { type NoRunConfigKeys, type RunConfig, rejectConfigKeys, resolveRunConfig } from './RunConfig';
import { runSource } from './runSource';

/**
 * Creates a thread (with its first messages) and a run on it in one request, and emits the run's
 * events: streamed (default, beginning with `thread.created`) or polled. Completes at a terminal
 * status or at `requires_action`. Cold: every subscription creates a new thread and run.
 *
 * ```
 * createThreadAndRun: --thread.created--run.created--…--requires_action|
 * ```
 *
 * @example
 * ```ts
 * import { createThreadAndRun, fetchClient, textDeltas } from 'rxjs-assistants';
 *
 * createThreadAndRun(fetchClient(), {
 *   assistant_id: 'asst_123',
 *   thread: { messages: [{ role: 'user', content: 'What is 2 + 2?' }] },
 * })
 *   .pipe(textDeltas())
 *   .subscribe((text) => process.stdout.write(text));
 * ```
 * @throws TypeError at call time when `assistant_id` is missing or the config is invalid.
 */
export function createThreadAndRun(
  client: AssistantsClient,
  params: ThreadAndRunCreateParams & NoRunConfigKeys,
  config?: RunConfig,
): Observable<RunEvent> {
  if (typeof params?.assistant_id !== 'string' || params.assistant_id === '') {
    throw new TypeError(
      'createThreadAndRun: params.assistant_id must be the id of the assistant (e.g. "asst_abc").',
    );
  }
  rejectConfigKeys('createThreadAndRun', params);
  const resolved = resolveRunConfig('createThreadAndRun', config);
  return runSource(client, resolved, {
    kind: 'create',
    ids: {},
    stream: () => client.threads.createAndRunStream(params),
    create: () => client.threads.createAndRun(params),
  });
}
