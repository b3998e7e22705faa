import { asyncScheduler, identity, type MonoTypeOperatorFunction, retry, throwError, timer } from 'rxjs';
import { AssistantsApiError } from '../errors/AssistantsApiError';
import { AssistantsConnectionError } from '../errors/AssistantsConnectionError';

/** Statuses worth another try: request timeout, lock conflict, rate limit, and every 5xx. */
const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 409 || status === 429 || status >= 500;

/** The longest wait a `retry-after` header may ask for before the default backoff is used instead. */
const MAX_RETRY_AFTER_MS = 60_000;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;

/**
 * `true` for a failure before any answer, or an answer whose status says "try again" (the
 * server's `x-should-retry` header, when present, decides). Anything else (a 4xx, a body that broke
 * or did not parse, a stream cut after its first byte) is final. Internal.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AssistantsConnectionError) return true;
  if (!(error instanceof AssistantsApiError)) return false;
  const says = error.headers['x-should-retry'];
  if (says === 'true') return true;
  if (says === 'false') return false;
  return isRetryableStatus(error.status);
}

/**
 * Milliseconds to wait before retry number `retryIndex` (0 for the first): the server's
 * `retry-after-ms` or `retry-after` (seconds or an HTTP date) when it is between 0 and 60 s, else
 * 0.5 s × 2^n capped at 8 s, with ±25 % jitter. Internal.
 */
export function retryDelayMs(error: unknown, retryIndex: number, now: number = asyncScheduler.now()): number {
  const headers = error instanceof AssistantsApiError ? error.headers : {};
  const asked = askedDelayMs(headers, now);
  if (asked !== undefined) return asked;
  const base = Math.min(BASE_DELAY_MS * 2 ** retryIndex, MAX_DELAY_MS);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function askedDelayMs(headers: Record<string, string>, now: number): number | undefined {
  const sane = (ms: number) => (Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETRY_AFTER_MS ? ms : undefined);
  const ms = headers['retry-after-ms']?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) {
    const value = sane(Number(ms));
    if (value !== undefined) return value;
  }
  const after = headers['retry-after']?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return sane(Number(after) * 1000);
  const date = Date.parse(after);
  // A date already past means "now"; one too far ahead is not trusted.
  return Number.isNaN(date) ? undefined : sane(Math.max(0, date - now));
}

/**
 * Resubscribes to a request that failed in a retryable way (see {@link isRetryable}), at most
 * `maxRetries` times, waiting {@link retryDelayMs} through RxJS `timer` (so `TestScheduler` and fake
 * timers control it). Unsubscribing stops any pending wait. Internal.
 */
export function retryRequest<T>(maxRetries: number): MonoTypeOperatorFunction<T> {
  if (maxRetries === 0) return identity;
  return retry({
    count: maxRetries,
    delay: (error: unknown, retryCount: number) =>
      isRetryable(error) ? timer(retryDelayMs(error, retryCount - 1)) : throwError(() => error),
  });
}
