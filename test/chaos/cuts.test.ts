import { describe, it } from 'vitest';
import { cutRow, DROP, ERROR_FRAME } from './cutRows';
import { runRow } from './row';

// Rows: a run's SSE stream is cut, (1) by the emulator destroying the socket at a random byte
// offset, (2) by an SSE `error` frame in place of a random event. The run goes on server-side. With
// resumeOnDisconnect (the default) every run whose id was known completes with the same final
// messages as an unfaulted run of the same plan, the text deltas add up, and nothing is emitted
// twice; a cut before the first run frame is a typed error, and the run is not created twice.

describe.each([DROP, ERROR_FRAME])('fault matrix: $name', (kind) => {
  it('every run completes with final messages identical to an unfaulted run', { timeout: 180_000 }, () =>
    runRow(
      cutRow({
        kind,
        row: kind.name,
        scenario: kind.scenario,
        file: 'test/chaos/cuts.test.ts',
        client: 'fetchClient',
      }),
    ),
  );
});
