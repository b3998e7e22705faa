import { describe, it } from 'vitest';
import { RESPONSE_DROP, RESPONSE_ERROR_FRAME, responseCutRow } from './responsesCutRows';
import { runRow } from './row';

// Rows: a Responses stream (the create stream, a continuation's create stream, and sometimes the
// first re-attach stream too) is cut, (1) by the emulator destroying the socket at a random byte
// offset, (2) by an SSE `error` frame in place of a random event. The response goes on
// server-side. Once its id was shown, the pipeline (createResponse → handleFunctionCalls)
// re-attaches from the cursor and completes with the chain of an unfaulted run of the same plan,
// equal to what the server stores, the deltas adding up and nothing shown twice; cut before the
// id, a typed error, and nothing is created twice.

describe.each([RESPONSE_DROP, RESPONSE_ERROR_FRAME])('fault matrix: $name', (kind) => {
  it('every response completes like an unfaulted run, nothing created twice', { timeout: 180_000 }, () =>
    runRow(responseCutRow(kind, 'test/chaos/responsesCuts.test.ts')),
  );
});
