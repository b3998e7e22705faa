import { type Observable, throwError } from 'rxjs';
import { AssistantsApiError } from './AssistantsApiError';

/**
 * A run could not start: its thread already has an active run (HTTP 400, "Thread … already has an
 * active run …"). Most often a second subscription to a cold source: each subscription starts a
 * run. Carries the active run's id; the message says what to do.
 */
export class ThreadBusyError extends AssistantsApiError {
  override readonly name: string = 'ThreadBusyError';
  readonly threadId: string;
  /** The run that holds the thread. */
  readonly activeRunId: string;

  constructor(error: AssistantsApiError, threadId: string, activeRunId: string) {
    super({
      status: error.status,
      method: error.method,
      url: error.url,
      message:
        `Thread ${threadId} already has an active run ${activeRunId}. Each subscription to createRun(…) starts a run: ` +
        `share() the run Observable (before handleRequiresAction's branches), or ` +
        `cancelRun(client, { threadId: '${threadId}', runId: '${activeRunId}' }) or watchRun that run. ` +
        `A run paused at requires_action waits for its tools: pipe its source through handleRequiresAction.`,
      code: error.code ?? 'thread_busy',
      type: error.type,
      param: error.param,
      requestId: error.requestId,
      headers: error.headers,
      body: error.body,
    });
    this.threadId = threadId;
    this.activeRunId = activeRunId;
  }
}

const ACTIVE_RUN = /already has an active run ([\w-]+)/;

/** A create's error as a {@link ThreadBusyError} when the server said the thread is busy. Internal. */
export function busyThread(threadId: string): (error: unknown) => Observable<never> {
  return (error) => {
    const active =
      error instanceof AssistantsApiError && error.status === 400
        ? ACTIVE_RUN.exec(error.message)?.[1]
        : undefined;
    return throwError(() =>
      active === undefined ? error : new ThreadBusyError(error as AssistantsApiError, threadId, active),
    );
  };
}
