import { lastValueFrom, of } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import { createRun } from '../../src/sources/createRun';
import { watchRun } from '../../src/sources/watchRun';
import { aPage, aRun, mockClient, runCompleted, runCreated, runRequiresAction } from '../../src/testing';

/** A run left paused at requires_action with nobody to answer it is warned about (issue 15, item 7). */
describe('a pause nobody answers', () => {
  afterEach(() => vi.restoreAllMocks());
  const pause = () => runRequiresAction({ expires_at: null });
  const client = () =>
    mockClient({
      runs: {
        createStream: () => of(runCreated(), pause()),
        submitToolOutputsStream: () => of(runCompleted()),
        poll: () => of({ run: aRun({ status: 'requires_action' }) }),
      },
      steps: { list: () => of(aPage([])) },
      messages: { list: () => of(aPage([])) },
    });
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('warns when createRun completes at requires_action with no handleRequiresAction downstream', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await lastValueFrom(createRun(client(), { threadId: 'thread_1', assistant_id: 'asst_1' }));
    await flush();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain(
      `run ${aRun().id} paused at requires_action and nothing downstream answers its tools`,
    );
  });

  it('stays quiet with handleRequiresAction downstream, with warnIfUnanswered: false, and for a watch', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const c = client();
    await lastValueFrom(
      createRun(c, { threadId: 'thread_1', assistant_id: 'asst_1' }).pipe(
        handleRequiresAction(c, () => 'ok'),
      ),
    );
    await lastValueFrom(
      createRun(c, { threadId: 'thread_1', assistant_id: 'asst_1' }, { warnIfUnanswered: false }),
    );
    await lastValueFrom(watchRun(c, { threadId: 'thread_1', runId: 'run_1' }));
    await flush();
    expect(warn).not.toHaveBeenCalled();
  });
});
