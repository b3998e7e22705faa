import { AssistantsError, reasonOf } from './AssistantsError';

/** The request failed without any HTTP answer (DNS, refused, reset, TLS …). `cause` holds the original. */
export class AssistantsConnectionError extends AssistantsError {
  override readonly name = 'AssistantsConnectionError';
  readonly method: string;
  readonly url: string;

  constructor(method: string, url: string, cause: unknown) {
    super(`${method} ${url} failed before any answer: ${reasonOf(cause)}`, { cause });
    this.method = method;
    this.url = url;
  }
}
