import { describe, it } from 'vitest';
import { burstRow, RATE_LIMIT } from './burstRows';
import { cutRow, DROP, ERROR_FRAME } from './cutRows';
import { runRow } from './row';

// Rows: the drops, error-frames and 429-bursts faults with the client under test built on the
// official SDK, `openaiClient(new OpenAI({ maxRetries: 0, fetch }))`, with the same checks as the
// fetchClient rows. The SDK's own retries are off (see `client` in world.ts), so a 429 reaches the
// library at once: the burst row checks `retryRun` and the typed errors, after 1 attempt per
// subscription instead of fetchClient's 3.

const FILE = 'test/chaos/openaiClient.test.ts';
const SDK = 'openaiClient (SDK, maxRetries 0)';

describe.each([DROP, ERROR_FRAME])('fault matrix, openaiClient: $name', (kind) => {
  it('every run completes with final messages identical to an unfaulted run', { timeout: 180_000 }, () =>
    runRow(
      cutRow({
        kind,
        row: `openaiClient-${kind.name}`,
        scenario: `${SDK}: ${kind.scenario}`,
        file: FILE,
        client: 'openaiClient',
      }),
    ),
  );
});

describe('fault matrix, openaiClient: 429-bursts', () => {
  it('retryRun restarts refused creates, waits are honoured, errors are typed', { timeout: 180_000 }, () =>
    runRow(
      burstRow({
        kind: RATE_LIMIT,
        row: `openaiClient-${RATE_LIMIT.name}`,
        scenario: `${SDK}: ${RATE_LIMIT.scenario}`,
        file: FILE,
        client: 'openaiClient',
      }),
    ),
  );
});
