import { describe, it } from 'vitest';
import { RATE_LIMIT, SERVER_ERROR } from './burstRows';
import { responseBurstRow } from './responsesBurstRows';
import { runRow } from './row';

// Rows: bursts of HTTP 429 (with `retry-after-ms`) and of 500/502/503 on one Responses endpoint:
// the create or a continuation's create (stream or poll mode), a poll (poll mode), or the
// re-attach after an `error` frame broke the stream (stream mode); half the seeds with retryRun.
// Bursts within fetchClient's retries complete; a create answered 500/502 is never sent again; a
// longer burst errors with the typed AssistantsApiError after a bounded number of attempts (or is
// started again by retryRun while nothing was emitted); a refused re-attach falls back to polling.
// Waits honour `retry-after-ms` (or the backoff), no response is created twice, and a poll's error
// cancels the response it leaves running, once.

const FILE = 'test/chaos/responsesBursts.test.ts';

describe.each([RATE_LIMIT, SERVER_ERROR])('fault matrix: responses-$name', (kind) => {
  it(
    'responses complete within the retry budget, retries are bounded, nothing twice',
    { timeout: 180_000 },
    () =>
      runRow(
        responseBurstRow(
          kind,
          `responses-${kind.name}`,
          `Responses: ${kind.name === '429-bursts' ? 'bursts of HTTP 429 with `retry-after-ms`' : 'bursts of HTTP 500/502/503 (half with `retry-after-ms`)'} on the create, a continuation's create, a poll or a re-attach (stream or poll mode)`,
          FILE,
        ),
      ),
  );
});
