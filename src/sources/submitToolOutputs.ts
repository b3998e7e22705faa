import type { Observable } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import type { ToolOutput } from '../client/params';
import type { RunEvent } from '../events/RunEvent';
import { assertRunRef, type RunConfig, resolveRunConfig } from './RunConfig';
import { runSource } from './runSource';

/** What `submitToolOutputs` sends. */
export interface SubmitToolOutputsSourceParams {
  threadId: string;
  runId: string;
  /** One output for every pending tool call of the run's `requires_action`. */
  tool_outputs: readonly ToolOutput[];
}

/**
 * Submits the outputs of a paused run's tool calls and emits the continued run's events,
 * streamed (default) or polled, until a terminal status or the next `requires_action`.
 * Prefer `handleRequiresAction`, which does this for you inside the original Observable.
 *
 * ```
 * submitToolOutputs: --step.completed--queued--in_progress--…--completed|
 * ```
 *
 * @example
 * ```ts
 * import { fetchClient, finalRun, submitToolOutputs } from 'rxjs-assistants';
 *
 * submitToolOutputs(fetchClient(), {
 *   threadId: 'thread_abc',
 *   runId: 'run_abc',
 *   tool_outputs: [{ tool_call_id: 'call_abc', output: '21 °C' }],
 * })
 *   .pipe(finalRun())
 *   .subscribe((run) => console.log(run.status));
 * ```
 * @throws TypeError at call time when an id or `tool_outputs` is missing, or the config is invalid.
 */
export function submitToolOutputs(
  client: AssistantsClient,
  params: SubmitToolOutputsSourceParams,
  config?: RunConfig,
): Observable<RunEvent> {
  const { threadId, runId, tool_outputs } = params ?? ({} as SubmitToolOutputsSourceParams);
  assertRunRef(
    threadId,
    runId,
    'submitToolOutputs: params.threadId and params.runId must name the paused run.',
  );
  if (!Array.isArray(tool_outputs)) {
    throw new TypeError(
      'submitToolOutputs: params.tool_outputs must be an array of { tool_call_id, output }.',
    );
  }
  const resolved = resolveRunConfig('submitToolOutputs', config);
  const body = { tool_outputs };
  return runSource(client, resolved, {
    kind: 'continue',
    ids: { threadId, runId },
    stream: () => client.runs.submitToolOutputsStream(threadId, runId, body),
    create: () => client.runs.submitToolOutputs(threadId, runId, body),
  });
}
