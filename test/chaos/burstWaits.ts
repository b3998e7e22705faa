import { check } from './harness';
import type { Exchange } from './probes';

// What the burst rows of both APIs (burstRows.ts, responsesBurstRows.ts) expect of the waits
// between a faulted answer and its retry.

/** Retries of `retryRun` in the seeds that use it. */
export const RETRY_RUN_COUNT = 2;

/** The lower bound of fetchClient's default backoff before retry n (1-based): 0.5 s × 2^(n−1), −25 % jitter. */
const minBackoffMs = (n: number): number => 0.75 * Math.min(500 * 2 ** (n - 1), 8000);

/** Which requests are retries of one another: the same method and path. */
const byPath = (e: Exchange): string => `${e.method} ${e.path}`;

/**
 * Each retry after a faulted answer (the next request with the same `keyOf`) waited at least what
 * was asked: `retry-after-ms`, else the default backoff. Returns the longest streak of faulted
 * answers on one key.
 */
export function checkWaits(
  exchanges: readonly Exchange[],
  status: number,
  retryAfterMs: number | undefined,
  maxRetries: number,
  keyOf: (e: Exchange) => string = byPath,
): number {
  let longest = 0;
  const streaks = new Map<string, number>();
  exchanges.forEach((e, i) => {
    const key = keyOf(e);
    if (e.status !== status) {
      if (e.status !== 0) streaks.set(key, 0);
      return;
    }
    const streak = (streaks.get(key) ?? 0) + 1;
    streaks.set(key, streak);
    longest = Math.max(longest, streak);
    const retry = exchanges.slice(i + 1).find((later) => keyOf(later) === key);
    if (retry === undefined || e.answeredAt === undefined) return;
    // Within the client's own retries the backoff grows; retryRun's next attempt starts a new series.
    const n = ((streak - 1) % (maxRetries + 1)) + 1;
    const wanted = retryAfterMs ?? (n <= maxRetries ? minBackoffMs(n) : 5);
    const waited = retry.sentAt - e.answeredAt;
    check(
      waited >= wanted - 1,
      `retry ${n} of ${key} came after ${waited.toFixed(1)} ms, before the ${wanted} ms asked`,
    );
  });
  return longest;
}
