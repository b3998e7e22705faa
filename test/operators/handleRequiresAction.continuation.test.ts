import { lastValueFrom, of, throwError, timeout, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { StreamDisconnectedError } from '../../src/errors/StreamErrors';
import type { RunStep } from '../../src/events/types';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import { runStatus } from '../../src/operators/runStatus';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import {
  aFunctionToolCall,
  aPage,
  aRequiredAction,
  aRun,
  mockClient,
  requiresActionEvents,
  runEvents,
} from '../../src/testing';

/**
 * A tool-output stream that breaks is resumed by polling, carrying on from what the operator's
 * earlier rounds showed. The run may already wait for the next round when the first poll reads
 * it: that `requires_action` is new (other calls), even though the last status shown was also
 * `requires_action`.
 */
describe('handleRequiresAction: a continuation resumed by polling', () => {
  it('sees the next round of calls when the first poll already finds it', async () => {
    let submits = 0;
    const handled: string[] = [];
    const client = mockClient({
      threads: { createAndRunStream: () => of(...requiresActionEvents({ calls: [{ id: 'call_1' }] })) },
      runs: {
        submitToolOutputsStream: () =>
          ++submits === 1
            ? throwError(() => new StreamDisconnectedError('cut before the first event', 0))
            : of(
                ...runEvents({
                  continuation: true,
                  toolCalls: [aFunctionToolCall({ id: 'call_2', output: 'ok' })],
                }),
              ),
        retrieve: () =>
          of(aRun({ status: 'requires_action', required_action: aRequiredAction([{ id: 'call_2' }]) })),
      },
      steps: { list: () => of(aPage<RunStep>([])) },
    });
    const run$ = createThreadAndRun(client, { assistant_id: 'asst_1' }).pipe(
      handleRequiresAction(
        client,
        (call) => {
          handled.push(call.id);
          return 'ok';
        },
        { poll: { intervalMs: 0 } },
      ),
    );
    const statuses = await lastValueFrom(run$.pipe(runStatus(), toArray(), timeout({ first: 3000 })));
    expect(handled).toEqual(['call_1', 'call_2']);
    expect(statuses.at(-1)).toBe('completed');
    expect(client.callsTo('runs.submitToolOutputsStream').map((args) => args[2].tool_outputs)).toEqual([
      [{ tool_call_id: 'call_1', output: 'ok' }],
      [{ tool_call_id: 'call_2', output: 'ok' }],
    ]);
  });
});
