import {
  asyncScheduler,
  catchError,
  identity,
  type MonoTypeOperatorFunction,
  type Observable,
  retry,
  throwError,
  timeout,
  timer,
} from 'rxjs';
import { AssistantsApiError } from '../errors/AssistantsApiError';
import { AssistantsConnectionError } from '../errors/AssistantsConnectionError';
import { RequestOutcomeUnknownError } from '../errors/RequestOutcomeUnknownError';
import { RequestTimeoutError } from '../errors/RequestTimeoutError';
import type { ApiRequest } from './Transport';

/** Statuses worth another try: request timeout, lock conflict, rate limit, and every 5xx. */
const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 409 || status === 429 || status >= 500;

/** Statuses that say a create was not carried out: rate limited, or unavailable before processing. */
const isNothingDoneStatus = (status: number): boolean => status === 429 || status === 503;

/** The longest wait a `retry-after` header may ask for before the default backoff is used instead. */
const MAX_RETRY_AFTER_MS = 60_000;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;

/**
 * Error codes of failures to open a connection, found in the `cause` chain of a fetch failure
 * (Node's undici, Bun, Deno): the request cannot have reached the server.
 */
const CONNECT_PHASE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/**
 * `true` when a failure without an answer provably happened before any byte of the request was
 * sent: a connect-phase error code somewhere in its `cause` chain (for an `AggregateError` of
 * several addresses, in every one of its errors). A bare "fetch failed" proves nothing. Internal.
 */
export function isConnectPhaseFailure(error: unknown): boolean {
  let current = error;
  // A short walk: real chains are two or three deep, and a hostile one may be cyclic.
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    try {
      const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
      if (typeof code === 'string' && CONNECT_PHASE_CODES.has(code)) return true;
      if (Array.isArray(errors) && errors.length > 0 && errors.length <= 16) {
        return errors.every((inner: unknown) => isConnectPhaseFailure(inner));
      }
      current = cause;
    } catch {
      return false; // a getter that throws (a revoked Proxy) proves nothing
    }
  }
  return false;
}

/**
 * The typed error of a request that failed without any answer: `AssistantsConnectionError`, or,
 * for a create that may have reached the server, `RequestOutcomeUnknownError`. Internal.
 */
export function connectionFailure(
  request: Pick<ApiRequest, 'creates'>,
  method: string,
  url: string,
  cause: unknown,
): AssistantsConnectionError | RequestOutcomeUnknownError {
  return request.creates === true && !isConnectPhaseFailure(cause)
    ? new RequestOutcomeUnknownError(method, url, cause)
    : new AssistantsConnectionError(method, url, cause);
}

/**
 * `true` for a failure before any answer, or an answer whose status says "try again" (the
 * server's `x-should-retry` header, when present, decides). For a create (`creates`), only
 * answers that say nothing was done (429, 503, `x-should-retry: true`) and failures to connect.
 * Anything else (a 4xx, a body that broke or did not parse, a stream cut after its first byte, a
 * redirect) is final. Internal.
 */
export function isRetryable(error: unknown, creates = false): boolean {
  if (error instanceof AssistantsConnectionError) return !creates || isConnectPhaseFailure(error.cause);
  if (!(error instanceof AssistantsApiError)) return false;
  const says = error.headers['x-should-retry'];
  if (says === 'true') return true;
  if (says === 'false') return false;
  return creates ? isNothingDoneStatus(error.status) : isRetryableStatus(error.status);
}

/**
 * Milliseconds to wait before retry number `retryIndex` (0 for the first): the server's
 * `retry-after-ms`, or `retry-after` (a number of seconds or an HTTP-date), when it is between 0
 * and 60 s; else 0.5 s × 2^n capped at 8 s, with ±25 % jitter. Internal.
 */
export function retryDelayMs(error: unknown, retryIndex: number, now: number = asyncScheduler.now()): number {
  const headers = error instanceof AssistantsApiError ? error.headers : {};
  const asked = askedDelayMs(headers, now);
  if (asked !== undefined) return asked;
  const base = Math.min(BASE_DELAY_MS * 2 ** retryIndex, MAX_DELAY_MS);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** A non-negative decimal number, nothing else (no sign, exponent, list or unit). */
const DECIMAL = /^\d+(\.\d+)?$/;

function askedDelayMs(headers: Record<string, string>, now: number): number | undefined {
  const sane = (ms: number) => (Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETRY_AFTER_MS ? ms : undefined);
  const ms = headers['retry-after-ms']?.trim();
  if (ms && DECIMAL.test(ms)) {
    const value = sane(Number(ms));
    if (value !== undefined) return value;
  }
  const after = headers['retry-after']?.trim();
  if (!after) return undefined;
  if (DECIMAL.test(after)) return sane(Number(after) * 1000);
  const date = parseHttpDate(after, now);
  // A date already past means "now"; one too far ahead is not trusted.
  return date === undefined ? undefined : sane(Math.max(0, date - now));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = MONTHS.join('|');
const DAY = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^(?:${DAY}), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` */
const RFC_850 = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`,
);
/** `Sun Nov  6 08:49:37 1994` */
const ASCTIME = new RegExp(`^(?:${DAY}) (${MONTH}) ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

/**
 * Milliseconds since the epoch of an HTTP-date in one of the three forms HTTP allows
 * (RFC 9110 §5.6.7), or `undefined` for anything else: unlike `Date.parse`, which also reads
 * `-5` or `1, 2` as dates. `now` places a two-digit year (RFC 850) in its century. Internal.
 */
export function parseHttpDate(text: string, now: number = asyncScheduler.now()): number | undefined {
  const fields = dateFields(text, now);
  if (fields === undefined) return undefined;
  const [year, month, day, hours, minutes, seconds] = fields;
  if (day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 60) return undefined;
  // A leap second (:60) counts as the second before it.
  return Date.UTC(year, MONTHS.indexOf(month), day, hours, minutes, Math.min(seconds, 59));
}

/** Year, month name, day, hours, minutes and seconds of an HTTP-date in any of its three forms. */
function dateFields(text: string, now: number): [number, string, number, number, number, number] | undefined {
  const imf = IMF_FIXDATE.exec(text);
  if (imf) return [Number(imf[3]), imf[2]!, Number(imf[1]), Number(imf[4]), Number(imf[5]), Number(imf[6])];
  const rfc850 = RFC_850.exec(text);
  if (rfc850) {
    // A two-digit year more than 50 years ahead is in the past century (RFC 9110).
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(rfc850[3]);
    if (year > thisYear + 50) year -= 100;
    return [year, rfc850[2]!, Number(rfc850[1]), Number(rfc850[4]), Number(rfc850[5]), Number(rfc850[6])];
  }
  const asctime = ASCTIME.exec(text);
  if (asctime) {
    return [
      Number(asctime[6]),
      asctime[1]!,
      Number(asctime[2]),
      Number(asctime[3]),
      Number(asctime[4]),
      Number(asctime[5]),
    ];
  }
  return undefined;
}

/**
 * Resubscribes to a request that failed in a retryable way (see {@link isRetryable}, with the
 * request's `creates`), at most `maxRetries` times (or its policy's, when lower), waiting
 * {@link retryDelayMs} (at most the policy's `maxRetryDelayMs`) through RxJS `timer` (so
 * `TestScheduler` and fake timers control it). Unsubscribing stops any pending wait. Internal.
 */
export function retryRequest<T>(
  maxRetries: number,
  request: Pick<ApiRequest, 'creates' | 'policy'> = {},
): MonoTypeOperatorFunction<T> {
  const { creates = false, policy } = request;
  const count = Math.min(maxRetries, policy?.maxRetries ?? maxRetries);
  const longest = policy?.maxRetryDelayMs ?? Number.POSITIVE_INFINITY;
  if (count === 0) return identity;
  return (source) =>
    source.pipe(
      retry({
        count,
        delay: (error: unknown, retryCount: number) =>
          isRetryable(error, creates)
            ? timer(Math.min(retryDelayMs(error, retryCount - 1), longest))
            : throwError(() => error),
      }),
      catchError((error: unknown) => {
        // Still retryable after the last retry: the client spent its budget on it.
        if (isRetryable(error, creates)) markRetried(error);
        return throwError(() => error);
      }),
    );
}

/** Errors the client already retried, with backoff, as often as it was told to. */
const retried = new WeakSet<object>();

const markRetried = (error: unknown): void => {
  if (typeof error === 'object' && error !== null) retried.add(error);
};

/**
 * `true` for an error the client already retried `maxRetries` times: `retryRun` does not spend its
 * own retries on it again (one budget, not the product of two). Internal.
 */
export function wasRetried(error: unknown): boolean {
  return typeof error === 'object' && error !== null && retried.has(error);
}

/**
 * Ends `source` with a {@link RequestTimeoutError} when it has not emitted within the request's
 * policy deadline; unsubscribing from it aborts the request. `source` as is without a deadline.
 * Internal.
 */
export function withDeadline<T>(
  source: Observable<T>,
  request: Pick<ApiRequest, 'method' | 'policy'>,
  url: string,
): Observable<T> {
  const deadlineMs = request.policy?.deadlineMs;
  if (deadlineMs === undefined) return source;
  return source.pipe(
    timeout({
      first: deadlineMs,
      with: () => throwError(() => new RequestTimeoutError(request.method, url, deadlineMs)),
    }),
  );
}
