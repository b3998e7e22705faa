import { describe, it } from 'vitest';
import { endlessBodiesRow, redirectsRow, stuckCursorsRow } from './attackAnswerRows';
import { runRow } from './row';

// Rows of the hostile server, on the answers of a run's requests: a proxy in front of each seed's
// emulator (1) answers one request with a redirect to another origin: nothing reaches that origin
// (credentials stay), the pipeline ends with UnexpectedRedirectError and cancels its run once;
// (2) answers one with a body that never ends: a typed error once the client read its limit, and
// the proxy wrote little more; (3) answers a list with pages that never advance: PaginationError
// after at most 3 requests of that list. No leak, nothing uncaught, every run terminal.

describe('fault matrix: hostile server, answers', () => {
  it('redirects: not followed, UnexpectedRedirectError, one cancel', { timeout: 180_000 }, () =>
    runRow(redirectsRow()),
  );
  it('endless bodies: a typed error within the body limit', { timeout: 180_000 }, () =>
    runRow(endlessBodiesRow()),
  );
  it('stuck cursors: PaginationError after at most 3 requests', { timeout: 180_000 }, () =>
    runRow(stuckCursorsRow()),
  );
});
