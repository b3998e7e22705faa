import { lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { type Brain, type Emulator, startEmulator } from '../../src/emulator';
import { handleFunctionCalls } from '../../src/responses/operators/handleFunctionCalls';
import { isResponseLifecycleEvent, type ResponseEvent } from '../../src/responses/ResponseEvent';
import { createResponse } from '../../src/responses/sources/createResponse';
import { watchResponse } from '../../src/responses/sources/watchResponse';
import { type BugId, OPEN_BUGS } from './knownBugs';
import { byResponse } from './responsesProbes';

// The smallest deterministic reproductions of what the Responses rows of the fault matrix found,
// one per bug (see RELIABILITY.md). While a bug is open (OPEN_BUGS in knownBugs.ts) its test is
// `it.fails`: it documents the bug and starts failing once the bug is fixed, as the signal to set
// the flag to false (which makes the rows strict about it again).

const bugTest = (bug: BugId) => (OPEN_BUGS[bug] ? it.fails : it);

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** One function call, answered, then a reply: a chain of two responses. */
const brain: Brain = ({ turn }) =>
  turn === 0
    ? [{ type: 'function_calls', calls: [{ name: 'lookup', arguments: { q: 1 } }] }]
    : [{ type: 'text', text: 'Found it.' }];
const tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }];
const poll = { mode: 'poll' as const, poll: { intervalMs: 5 } };

/** A client, and a response `A` asking for one call, already completed. */
async function setup() {
  emulator = await startEmulator({ latencyMs: 1, brain });
  const client = fetchClient({ baseURL: emulator.url, apiKey: 'sk-chaos', maxRetries: 0 });
  const last = await lastValueFrom(createResponse(client, { model: 'm', input: 'go', tools }, poll));
  const a = isResponseLifecycleEvent(last) ? last.response.id : '';
  return { client, a };
}

const names = (events: readonly ResponseEvent[]) =>
  events.map((e) => `${e.type}${isResponseLifecycleEvent(e) ? ` ${e.response.id}` : ''}`).join('\n');

describe('regressions found by the Responses rows of the fault matrix', () => {
  bugTest(4)(
    'bug 4 (src/responses/sources/snapshotEvents.ts): a poll-mode watch of a response that has ended names the response before its items',
    async () => {
      const { client, a } = await setup();
      const events = await lastValueFrom(watchResponse(client, { responseId: a }, poll).pipe(toArray()));
      // A stream (and a poll of a running response) starts with a lifecycle event naming it.
      expect(events[0]?.type, names(events)).toMatch(/^response\.(created|queued|in_progress)$/);
      expect(byResponse(events).orphans, names(events)).toBe(0);
    },
  );

  bugTest(4)(
    'bug 4 (src/responses/sources/snapshotEvents.ts): in a chain, the items of a continuation that has ended come after an event naming it',
    async () => {
      const { client, a } = await setup();
      const chain$ = watchResponse(client, { responseId: a }, poll).pipe(
        handleFunctionCalls(client, { lookup: () => 'the answer' }, poll),
      );
      await lastValueFrom(chain$); // creates the continuation, which runs to its end
      // Subscribed again, the operator watches the continuation it created, ended by now: its
      // items must not follow the previous response's `response.completed` unannounced (a UI
      // would put them in the previous response's step).
      const again = await lastValueFrom(chain$.pipe(toArray()));
      const end = again.findIndex((e) => e.type === 'response.completed');
      // The outputs submitted for the first response come between the two (bug 5).
      const next = again.slice(end + 1).find((e) => e.type !== 'response.function_call_output');
      expect(isResponseLifecycleEvent(next ?? { type: '' }), names(again)).toBe(true);
    },
  );

  bugTest(5)(
    'bug 5 (src/responses/operators/handleFunctionCalls.ts): subscribed again, the operator shows the outputs it submitted before the continuation it watches',
    async () => {
      const { client, a } = await setup();
      let runs = 0;
      const chain$ = watchResponse(client, { responseId: a }, poll).pipe(
        handleFunctionCalls(client, { lookup: () => `the answer ${++runs}` }, poll),
      );
      const once = await lastValueFrom(chain$.pipe(toArray()));
      const again = await lastValueFrom(chain$.pipe(toArray()));
      expect(runs).toBe(1);
      const outputs = (events: readonly ResponseEvent[]) =>
        events.flatMap((e) => (e.type === 'response.function_call_output' ? [e.item] : []));
      expect(outputs(once)).toEqual([expect.objectContaining({ output: 'the answer 1' })]);
      expect(outputs(again), names(again)).toEqual(outputs(once));
    },
  );
});
