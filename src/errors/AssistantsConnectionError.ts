import { AssistantsError, reasonOf } from './AssistantsError';

/**
 * The request failed without any HTTP answer (DNS, refused, reset, TLS …). The message names the
 * host and the system error code (`ECONNREFUSED` …) found in the `cause` chain; `cause` holds the
 * original.
 */
export class AssistantsConnectionError extends AssistantsError {
  override readonly name = 'AssistantsConnectionError';
  readonly method: string;
  readonly url: string;
  /** `host:port` of the URL. */
  readonly host: string;
  /** The system error code, e.g. `ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`, when one was given. */
  readonly code: string | undefined;

  constructor(method: string, url: string, cause: unknown) {
    const host = hostOf(url);
    const code = systemCodeOf(cause);
    const what = code === undefined ? `no answer from ${host}` : `${code} from ${host}`;
    super(`${method} ${url} failed before any answer (${what}): ${reasonOf(cause)}`, { cause });
    this.method = method;
    this.url = url;
    this.host = host;
    this.code = code;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * The first system error code in an error's `cause` chain (fetch wraps it: `TypeError: fetch
 * failed` → `Error: connect ECONNREFUSED` with `code`), or in the first of an `AggregateError`'s
 * errors. A short, guarded walk: chains are two or three deep, a hostile one may be cyclic. Internal.
 */
export function systemCodeOf(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    try {
      const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
      if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{2,40}$/.test(code)) return code;
      current = Array.isArray(errors) && errors.length > 0 ? errors[0] : cause;
    } catch {
      return undefined; // a getter that throws (a revoked Proxy)
    }
  }
  return undefined;
}
