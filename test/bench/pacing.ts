import { lastValueFrom, type Observable, reduce } from 'rxjs';
import { fetchClient } from '../../src/client/fetchClient';
import { runState } from '../../src/operators/runState';
import { responseState } from '../../src/responses/operators/responseState';
import { createResponse } from '../../src/responses/sources/createResponse';
import { createRun } from '../../src/sources/createRun';
import { buildResponsesBody } from './responsesBody';
import type { Section } from './Section';
import { buildSseBody, chunk, type FetchLike } from './sseBody';
import { median, now } from './stats';

/**
 * Snapshot pacing (issue 14): a 40,000-delta stream whose chunks arrive one per macrotask (as a
 * socket delivers them), through `runState()` / `responseState()` with every snapshot and with
 * `{ pace: 'frame' }` (one per macrotask in Node, one per animation frame in a browser). Reports
 * the snapshots a UI would render and the time to the last one. Asserts nothing.
 */

const DELTAS = 40_000;
const ROUNDS = 7;

/** A fetch whose body hands out one 16 KiB chunk per macrotask. */
function paced(bytes: Uint8Array): FetchLike {
  const chunks = chunk(bytes);
  return async () => {
    let next = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            const piece = chunks[next++];
            if (piece === undefined) controller.close();
            else controller.enqueue(piece);
            resolve();
          }),
        ),
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
}

const counted = <T>(snapshots$: Observable<T>): Promise<number> =>
  lastValueFrom(snapshots$.pipe(reduce((count) => count + 1, 0)));

async function measure(run: () => Promise<number>): Promise<{ snapshots: number; ms: number }> {
  const times: number[] = [];
  let snapshots = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = now();
    snapshots = await run();
    times.push(now() - t0);
  }
  return { snapshots, ms: median(times) };
}

/** The section: snapshots emitted and time, every event against one per frame, for both event families. */
export async function pacing(): Promise<Section> {
  const runBody = buildSseBody(1, DELTAS);
  const responsesBody = buildResponsesBody(1, DELTAS);
  const assistants = fetchClient({
    apiKey: 'k',
    baseURL: 'http://bench.invalid/v1',
    fetch: paced(runBody.bytes),
  });
  const responses = fetchClient({
    apiKey: 'k',
    baseURL: 'http://bench.invalid/v1',
    fetch: paced(responsesBody.bytes),
  });
  const run$ = () => createRun(assistants, { threadId: runBody.threadId, assistant_id: runBody.assistantId });
  const response$ = () => createResponse(responses, { model: 'gpt-4o-mini', input: 'Write a long answer.' });
  const results = [
    ['`runState()`', await measure(() => counted(run$().pipe(runState())))],
    ["`runState({ pace: 'frame' })`", await measure(() => counted(run$().pipe(runState({ pace: 'frame' }))))],
    ['`responseState()`', await measure(() => counted(response$().pipe(responseState())))],
    [
      "`responseState({ pace: 'frame' })`",
      await measure(() => counted(response$().pipe(responseState({ pace: 'frame' })))),
    ],
  ] as const;
  const chunks = chunk(runBody.bytes).length;
  return {
    id: 'pacing',
    title: 'Snapshot pacing: 40,000 deltas, one chunk per macrotask',
    lines: [
      `A ${DELTAS.toLocaleString('en')}-delta run (${chunks} chunks of 16 KiB, one per macrotask, as a socket delivers them), median of ${ROUNDS}. In Node \`pace: 'frame'\` waits on a 0 ms timer (at most about one snapshot per millisecond, fewer than the chunks); in a browser it waits for animation frames (at most one per frame, about 60 a second).`,
      '',
      '| collector | snapshots emitted | time to the last snapshot |',
      '| --- | ---: | ---: |',
      ...results.map(
        ([name, r]) => `| ${name} | ${r.snapshots.toLocaleString('en')} | ${r.ms.toFixed(0)} ms |`,
      ),
      '',
      'Every paced run still delivers the final snapshot (equal to the unpaced one: tested in test/ui/pace.test.ts).',
    ],
    targets: [],
  };
}
