import { systemCodeOf } from './AssistantsConnectionError';
import { AssistantsError, reasonOf } from './AssistantsError';

/**
 * A request that creates something (a run, thread, message or assistant) failed after it may have
 * reached the server, e.g. the connection dropped once the body was sent. It was not retried, since
 * a retry could create (and bill) it twice: check whether it exists before creating it again.
 * `cause` holds the original failure.
 */
export class RequestOutcomeUnknownError extends AssistantsError {
  override readonly name = 'RequestOutcomeUnknownError';
  readonly method: string;
  readonly url: string;

  /** The system error code (`ECONNRESET`, `UND_ERR_SOCKET` …) in the `cause` chain, when one was given. */
  readonly code: string | undefined;

  constructor(method: string, url: string, cause: unknown) {
    const code = systemCodeOf(cause);
    super(
      `${method} ${url} failed after the request may have reached the server (${code === undefined ? '' : `${code}: `}${reasonOf(cause)}). It may have been applied: check before creating it again.`,
      { cause },
    );
    this.method = method;
    this.url = url;
    this.code = code;
  }
}
