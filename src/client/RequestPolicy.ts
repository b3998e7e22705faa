/** Most retries of a cancel request: one, on a transient answer (429, 5xx) or a connection failure. */
export const CANCEL_MAX_RETRIES = 1;

/** Longest wait before a cancel's retry, in ms, whatever `retry-after` asks for. */
export const CANCEL_MAX_RETRY_DELAY_MS = 1_000;

/** Deadline of a cancel request, retry included, in ms; then it is aborted with `RequestTimeoutError`. */
export const CANCEL_DEADLINE_MS = 5_000;

/**
 * Bounds a request sets for itself, tighter than the client's: for requests that run while the
 * caller is leaving (a cancel after an unsubscribe), so the process can exit promptly whatever the
 * server does. Internal.
 */
export interface RequestPolicy {
  /** Most retries; the client's `maxRetries` still applies when lower. */
  maxRetries: number;
  /** Longest wait before a retry, in ms, whatever the server's `retry-after` says. */
  maxRetryDelayMs: number;
  /** Deadline of the whole request (retries and body included), in ms. */
  deadlineMs: number;
}

/** The policy of `runs.cancel`: one retry, waiting at most 1 s, all within 5 s. Internal. */
export const CANCEL_POLICY: RequestPolicy = {
  maxRetries: CANCEL_MAX_RETRIES,
  maxRetryDelayMs: CANCEL_MAX_RETRY_DELAY_MS,
  deadlineMs: CANCEL_DEADLINE_MS,
};
