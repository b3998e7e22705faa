import { beforeAll, describe, expect, it } from 'vitest';
import { type ExampleResult, inPool, listExamples, runExample } from './helpers/examples';

/**
 * Every `examples/*.ts` runs to the end against the built-in emulator: exit code 0 within the time
 * limit (so it also leaves no timer or socket that would keep the process alive), printing its key
 * lines. A new example is picked up from the folder, and fails here until it has its lines below.
 * `examples/relay/` has its own browser test (test/relay/browser.e2e.test.ts).
 */
const EXPECTED: Record<string, RegExp[]> = {
  'demo.ts': [
    /^final run status\s+stream: completed\s+poll: completed$/m,
    /^final response status\s+stream: completed\s+poll: completed$/m,
    /tool {3}call_\w+ → \{"city":"Oslo"/,
    /get_weather returned: \{"city":"Oslo"/,
  ],
  'responses.ts': [
    /^conversation conv_\w+$/m,
    /^assistant › get_weather returned: \{"city":"Lisbon","temperature_c":18,"sky":"clear"\}$/m,
    /^response resp_\w+: completed, 72 chars$/m,
    /^cancelResponse\(resp_\w+\) → cancelled$/m,
    /^the conversation holds \d+ items: message, function_call, function_call_output$/m,
  ],
  'tools.ts': [/^get_weather returned: \{"city":"Paris"/m, /^calculate returned: 42$/m, /^\[completed\]$/m],
  'stream.ts': [
    /^You said: "Tell me one thing about RxJS\."$/m,
    /^final assistant message msg_\w+: You said: "Tell me one thing about RxJS\."$/m,
  ],
  'poll.ts': [
    /^status → queued$/m,
    /^status → completed$/m,
    /^text {3}→ \(1 \+ 2\) \* 14 = 42$/m,
    /^final message: \(1 \+ 2\) \* 14 = 42$/m,
  ],
  'watch.ts': [
    /^B run_\w+: cancelled, \d+ chars of text$/m,
    /^cancelRun\(B\) → cancelled$/m,
    /^A run_\w+: completed, [1-9]\d* chars of text$/m,
  ],
  'resume.ts': [
    /^\[You\]\[ said:\].*\]$/m,
    /^ {2}POST runs\.create → 200 \(drop\)$/m,
    /^ {2}GET runs\.retrieve → 200$/m,
    /^the deltas add up to the final text: true$/m,
    /^final text: You said: "Count with me: one two .* twelve\."$/m,
  ],
  'openai-sdk.ts': [
    /^6 \* 7 = 42$/m,
    /^run run_\w+: completed$/m,
    /^ {2}POST threads\.createAndRun → 429\n {2}POST threads\.createAndRun → 200$/m,
  ],
  'testing.ts': [/^ok$/m],
};

const EXAMPLE_TIMEOUT_MS = 15_000;
const examples = listExamples();

describe('examples', () => {
  let results: Map<string, Promise<ExampleResult>>;
  beforeAll(() => {
    results = inPool(examples, 2, (file) => runExample(file, EXAMPLE_TIMEOUT_MS));
  });

  it('every example in the folder has its expected lines here, and every entry here its example', () => {
    expect(examples).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(examples)(
    'examples/%s runs to the end and prints its key lines',
    async (file) => {
      const { code, signal, timedOut, stdout, stderr } = await (results.get(file) as Promise<ExampleResult>);
      const output = `--- stdout\n${stdout}\n--- stderr\n${stderr}`;
      expect(timedOut, `timed out after ${EXAMPLE_TIMEOUT_MS} ms\n${output}`).toBe(false);
      expect({ code, signal }, output).toEqual({ code: 0, signal: null });
      for (const line of EXPECTED[file] ?? [
        /add this example's key lines to EXPECTED in test\/examples\.test\.ts/,
      ]) {
        expect(stdout, output).toMatch(line);
      }
    },
    2 * EXAMPLE_TIMEOUT_MS + 5_000,
  );
});
