import { defer, type Observable, tap } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';

/** What a {@link submitReceipt} reports. */
export interface SubmitReceiptListener {
  /** The server answered the submit request: its JSON answer, or the first event of its stream. */
  answered(): void;
  /** The submit request failed before any answer. */
  failed(error: unknown): void;
}

/**
 * The same client, except that its two submit endpoints report whether the server answered. The
 * `submitToolOutputs` source cannot tell us that itself: after a stream broke it polls, and a poll
 * that still shows `requires_action` looks the same whether or not the outputs arrived. Internal.
 */
export function submitReceipt(client: AssistantsClient, listener: SubmitReceiptListener): AssistantsClient {
  const watch = <T>(request: Observable<T>): Observable<T> =>
    defer(() => {
      let answered = false;
      return request.pipe(
        tap({
          next: () => {
            if (answered) return;
            answered = true;
            listener.answered();
          },
          error: (error: unknown) => {
            if (!answered) listener.failed(error);
          },
        }),
      );
    });
  // Delegate by prototype: every other endpoint stays the client's own, whatever its shape.
  const runs: AssistantsClient['runs'] = Object.create(client.runs);
  Object.assign(runs, {
    submitToolOutputs: (...args: Parameters<AssistantsClient['runs']['submitToolOutputs']>) =>
      watch(client.runs.submitToolOutputs(...args)),
    submitToolOutputsStream: (...args: Parameters<AssistantsClient['runs']['submitToolOutputsStream']>) =>
      watch(client.runs.submitToolOutputsStream(...args)),
  });
  const proxy: AssistantsClient = Object.create(client);
  Object.defineProperty(proxy, 'runs', { value: runs, enumerable: true });
  return proxy;
}
