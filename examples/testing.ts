/**
 * Marble-test a pipeline with no server and no test runner: `mockClient` answers with the cold
 * Observables you give, `TestScheduler.run` plays them in virtual time, and `node:assert` compares.
 * Prints "ok" when every assertion holds (and throws, exiting non-zero, when one does not).
 *
 *   npx tsx examples/testing.ts
 *
 * In your project, import from 'rxjs-assistants' and 'rxjs-assistants/testing' instead.
 */
import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { createRun, runStatus, textDeltas } from '../src';
import { aRun, messageDelta, mockClient, runCompleted, runCreated, runInProgress } from '../src/testing';

const testScheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
const params = { threadId: 'thread_1', assistant_id: 'asst_1' };
const events = {
  c: runCreated(),
  i: runInProgress(),
  h: messageDelta('Hel'),
  l: messageDelta('lo'),
  d: runCompleted(),
};

// Collectors see the status transitions and the text at the frames the server sent them.
testScheduler().run(({ cold, expectObservable }) => {
  const client = mockClient({ runs: { createStream: () => cold('-c-i-hl-d|', events) } });
  const run$ = createRun(client, params);
  expectObservable(run$.pipe(runStatus())).toBe('-q-p----(c|)', {
    q: 'queued',
    p: 'in_progress',
    c: 'completed',
  });
  expectObservable(run$.pipe(textDeltas())).toBe('-----hl-|', { h: 'Hel', l: 'lo' });
});

// Leaving a run before its end cancels it on the server, exactly once.
testScheduler().run(({ cold, expectObservable, flush }) => {
  const client = mockClient({
    runs: {
      createStream: () => cold('-c-i------', events),
      cancel: () => cold('-r|', { r: aRun({ status: 'cancelling' }) }),
    },
  });
  expectObservable(createRun(client, params), '-----!').toBe('-c-i', events);
  flush();
  assert.deepEqual(client.callsTo('runs.cancel'), [['thread_1', 'run_1']]);
});

console.log('ok');
