import { AssistantsError } from './AssistantsError';

/** The facts of a redirect answer. */
export interface UnexpectedRedirectErrorInit {
  /** The 3xx status, or 0 for a browser's opaque redirect (whose status and target are hidden). */
  status: number;
  method: string;
  url: string;
  /** The `location` header, when the answer showed one. */
  location?: string | undefined;
}

/**
 * The server answered with a redirect (3xx), which the clients never follow: following it could
 * send the credential headers (`Authorization`, Azure's `api-key`) to another origin, and a 301 or
 * 302 turns a POST into a GET whose answer would be taken for the POST's. Not retried. Set
 * `baseURL` to the final URL instead.
 */
export class UnexpectedRedirectError extends AssistantsError {
  override readonly name = 'UnexpectedRedirectError';
  /** The 3xx status, or 0 for a browser's opaque redirect. */
  readonly status: number;
  readonly method: string;
  readonly url: string;
  /** Where the server pointed to (`location`), when known. */
  readonly location: string | undefined;

  constructor(init: UnexpectedRedirectErrorInit) {
    const where = init.location === undefined ? '' : ` to ${JSON.stringify(init.location)}`;
    const status = init.status === 0 ? 'a redirect' : `HTTP ${init.status}`;
    super(
      `${init.method} ${init.url} answered ${status}${where}. This client does not follow redirects (they could carry credentials to another origin or turn a POST into a GET): set baseURL to the final URL.`,
    );
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.location = init.location;
  }
}
