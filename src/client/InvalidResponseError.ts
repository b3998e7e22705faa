import { AssistantsError } from '../errors/AssistantsError';

/** The facts of a successful answer whose body could not be used. */
export interface InvalidResponseErrorInit {
  status: number;
  method: string;
  url: string;
  /** Why the body could not be used, e.g. `invalid JSON: Unexpected token <`. */
  reason: string;
  /** The body as received (kept to its first 200 characters). */
  raw?: string | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

/**
 * The server answered with a success status, but the body is not the JSON the API sends (a proxy's
 * HTML page, a cut-off answer, an empty body). Not retried: the request may have taken effect.
 */
export class InvalidResponseError extends AssistantsError {
  override readonly name = 'InvalidResponseError';
  readonly status: number;
  readonly method: string;
  readonly url: string;
  /** The start of the body (at most 200 characters). */
  readonly raw: string;
  readonly requestId: string | undefined;

  constructor(init: InvalidResponseErrorInit) {
    const raw = init.raw ?? '';
    const start = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
    super(
      `${init.method} ${init.url} answered HTTP ${init.status} with an unusable body (${init.reason}): ${JSON.stringify(start)}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.raw = start;
    this.requestId = init.requestId;
  }
}
