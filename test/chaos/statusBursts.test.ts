import { describe, it } from 'vitest';
import { burstRow, RATE_LIMIT, SERVER_ERROR } from './burstRows';
import { runRow } from './row';

// Rows: bursts of HTTP 429 (with `retry-after-ms`) and of 5xx (with or without it) on one endpoint
// of the run, in stream or poll mode. A burst within `maxRetries` (2) is absorbed by fetchClient; a
// longer one errors with the typed AssistantsApiError after exactly maxRetries + 1 attempts, or is
// retried by `retryRun` when nothing of the run was emitted yet. Every wait honours the server's
// `retry-after-ms` (or the documented backoff), no run is created twice, and every run ends
// terminal with its thread unlocked.

describe.each([RATE_LIMIT, SERVER_ERROR])('fault matrix: $name', (kind) => {
  it(
    'runs complete within the retry budget, waits are honoured, retries are bounded',
    { timeout: 180_000 },
    () =>
      runRow(
        burstRow({
          kind,
          row: kind.name,
          scenario: kind.scenario,
          file: 'test/chaos/statusBursts.test.ts',
          client: 'fetchClient',
        }),
      ),
  );
});
