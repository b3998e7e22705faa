import type { Observable } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import { reasonOf } from '../errors/AssistantsError';
import type { ResolvedRunConfig, RunRef } from './RunConfig';

/**
 * Sends the one cancel request of a subscriber that left a run early, from a teardown: nobody is
 * subscribed any more, so its failure goes to `report`. The request is bounded by the client
 * (fetchClient and openaiClient give a cancel one retry and a few seconds at most), so the
 * process can exit soon after. Internal; the cancel of every source and of the tool operators.
 */
export function sendCancel(cancel$: Observable<unknown>, report: (error: unknown) => void): void {
  cancel$.subscribe({
    error: (error: unknown) => {
      // A throwing report would escape as an unhandled error (and end a Node process).
      try {
        report(error);
      } catch (thrown) {
        console.warn(`rxjs-assistants: onCancelError threw: ${reasonOf(thrown)}`);
      }
    },
  });
}

/** {@link sendCancel} for an Assistants run. Internal. */
export function cancelOnLeave(
  client: AssistantsClient,
  run: RunRef,
  onCancelError: ResolvedRunConfig['onCancelError'],
): void {
  sendCancel(client.runs.cancel(run.threadId, run.runId), (error) => onCancelError(error, run));
}
