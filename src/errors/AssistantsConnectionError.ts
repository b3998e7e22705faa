import { AssistantsError } from './AssistantsError';

/** The request failed without any HTTP answer (DNS, refused, reset, TLS …). `cause` holds the original. */
export class AssistantsConnectionError extends AssistantsError {
  override readonly name = 'AssistantsConnectionError';
  readonly method: string;
  readonly url: string;

  constructor(method: string, url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${method} ${url} failed before any answer: ${reason}`, { cause });
    this.method = method;
    this.url = url;
  }
}
