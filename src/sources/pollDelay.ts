import { DEFAULT_POLL_INTERVAL_MS, type ResolvedRunConfig } from './RunConfig';

/** Longest server hint honoured, so a bad header cannot stall a run for hours. */
const MAX_HINT_MS = 60_000;
const GROWTH = 1.5;
/** Polls at the first interval before backing off: most runs end within this (10 s at 500 ms). */
const STEADY_POLLS = 20;

/**
 * Delay before the next poll. Internal.
 *
 * Stays at `intervalMs` for the first 20 polls that saw no change, then grows by half per such
 * poll up to `maxIntervalMs`; a change resets it. The server's `openai-poll-after-ms` hint wins unless the
 * caller fixed the interval. A status this version does not know waits at least the default
 * interval, so it can never turn into a busy loop.
 */
export function pollDelay(
  poll: ResolvedRunConfig['poll'],
  unchangedPolls: number,
  hintMs: number | undefined,
  knownStatus: boolean,
): number {
  let delay = Math.round(
    Math.min(poll.maxIntervalMs, poll.intervalMs * GROWTH ** Math.max(0, unchangedPolls - STEADY_POLLS)),
  );
  if (!poll.fixed && hintMs !== undefined) delay = Math.min(hintMs, MAX_HINT_MS);
  return knownStatus ? delay : Math.max(delay, DEFAULT_POLL_INTERVAL_MS);
}
