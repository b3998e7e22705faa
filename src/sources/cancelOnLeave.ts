import type { AssistantsClient } from '../client/AssistantsClient';
import { reasonOf } from '../errors/AssistantsError';
import type { ResolvedRunConfig, RunRef } from './RunConfig';

/**
 * Sends the one cancel request of a subscriber that left a run early, from a teardown: nobody is
 * subscribed any more, so its failure goes to `onCancelError`. The request is bounded by the
 * client (fetchClient and openaiClient give a cancel one retry and a few seconds at most), so the
 * process can exit soon after. Internal; the cancel of `runSource` and `handleRequiresAction`.
 */
export function cancelOnLeave(
  client: AssistantsClient,
  run: RunRef,
  onCancelError: ResolvedRunConfig['onCancelError'],
): void {
  client.runs.cancel(run.threadId, run.runId).subscribe({
    error: (error: unknown) => {
      // A throwing onCancelError would escape as an unhandled error (and end a Node process).
      try {
        onCancelError(error, run);
      } catch (thrown) {
        console.warn(`rxjs-assistants: onCancelError threw: ${reasonOf(thrown)}`);
      }
    },
  });
}
