import { describe, it } from 'vitest';
import { foreignRunsRow, malformedFramesRow } from './attackStreamRows';
import { runRow } from './row';

// Rows of the hostile server, on a run's event stream: a proxy in front of each seed's emulator
// (1) puts a malformed frame in place of, or before, a random event of the run-create or a
// tool-output stream: the pipeline ends with a typed StreamParseError after emitting only
// well-formed events (or completes when the frame came after the stream's end event), cancels the
// run once when it knew its id, and nothing escapes as an uncaught error; (2) injects frames of
// another run: they are dropped, the run completes exactly as an unfaulted run of the same plan,
// and no request ever names the foreign run.

describe('fault matrix: hostile server, event streams', () => {
  it('malformed frames: StreamParseError, one cancel, nothing uncaught', { timeout: 180_000 }, () =>
    runRow(malformedFramesRow()),
  );
  it('foreign runs: dropped, the run completes as unfaulted', { timeout: 180_000 }, () =>
    runRow(foreignRunsRow()),
  );
});
