import { AssistantsError } from './AssistantsError';

/**
 * A request with a deadline of its own (the cancel endpoint's) took longer, retries included, and
 * was aborted, so no socket or timer outlives it.
 */
export class RequestTimeoutError extends AssistantsError {
  override readonly name = 'RequestTimeoutError';
  readonly method: string;
  readonly url: string;
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(method: string, url: string, timeoutMs: number) {
    super(`${method} ${url} got no usable answer within ${timeoutMs} ms and was aborted.`);
    this.method = method;
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}
