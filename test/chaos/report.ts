/**
 * Builds RELIABILITY.md from the summaries the chaos suite writes to `test-results/chaos/`.
 *
 *   npx tsx test/chaos/report.ts --run   # runs `npm run test:chaos` (timed), then writes the report
 *   npx tsx test/chaos/report.ts         # writes the report from the last run's summaries
 *
 * Every number in the report comes from those files (and, with --run, the measured wall time).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { RESULTS_DIR, type RowSummary } from './harness';
import { OPEN_BUGS } from './knownBugs';

const ROOT = process.cwd();
const VITEST_JSON = join(RESULTS_DIR, 'vitest.json');
const RUN_INFO = join(RESULTS_DIR, 'run.json');

/** The bugs the suite found, with the regression test that reproduces each. */
const BUGS: { id: number | 'emulator'; test: string; where: string; what: string; fix: string }[] = [
  {
    id: 'emulator',
    test: 'cuts after exactly afterBytes: every frame boundary (±1) and random offsets',
    where: '`src/emulator/sse.ts`, the `drop` fault (`write`)',
    what: 'A drop whose offset fell on a frame boundary destroyed the socket at once, discarding frames written in the same tick and still corked: the client received fewer bytes than `afterBytes` (0 instead of 720 for a cut right after `thread.run.created`), so the fault cut earlier than asked.',
    fix: 'Fixed here: the socket is destroyed from the callback of an empty write, once everything written before is out.',
  },
  {
    id: 1,
    test: 'bug 1 (src/sources/pollRun.ts): a stream resumed by polling does not emit again the end of a step the stream already showed ended',
    where: '`src/sources/pollRun.ts`, `stepEvents` (the `seen.status === step.status` branch, lines 64–70)',
    what: 'After a stream breaks, the first poll re-emits `thread.run.step.completed` (or another final status) for every step the stream had already shown ended: `fingerprints` is empty on the first poll, so `previous === fingerprint` is false and the step event goes out again.',
    fix: 'On the first look at a step (`previous === undefined`) whose status the stream already showed, emit only the remainder of an `in_progress` step, nothing for an ended one.',
  },
  {
    id: 2,
    test: 'bug 2 (src/operators/handleRequiresAction.ts): the continuation after a cut tool-output stream does not replay the steps and messages of earlier segments',
    where:
      '`src/operators/submitToolRound.ts` (the `submitToolOutputs(receipt, …)` continuation), spliced in by `src/operators/handleRequiresAction.ts` (`follow(submitToolRound(…))`); each source starts a fresh `RunTracker` (`src/sources/runSource.ts`)',
    what: 'When the submit stream breaks and the continuation resumes by polling, it starts from an empty tracker and replays every earlier step and message of the run: `thread.run.step.created` again for the tool step, and a message written before the tool call is emitted again whole (`textDeltas` doubles its text).',
    fix: 'Let the continuation know what this subscription already emitted (share the tracker, or filter created/ended ids and already-shown text in the operator, as `skipShown` does for `watchRun`).',
  },
  {
    id: 2,
    test: 'bug 2 (src/operators/handleRequiresAction.ts): in poll mode, each round of tool calls does not replay the steps and messages of earlier rounds',
    where: 'same place as bug 2 (`submitToolRound` → `submitToolOutputs` source), in poll mode',
    what: 'Without any fault, in poll mode every round after `requires_action` re-emits all earlier steps (`created` ×2–3) and messages of the run (a message before the tool call is emitted 2–3 times; `textDeltas` repeats its text).',
    fix: 'As above.',
  },
  {
    id: 3,
    test: 'bug 3 (src/sources/pollRun.ts): a poll that read the run ended and then fails to list its steps does not cancel the run',
    where:
      '`src/sources/pollRun.ts` (`changes`: the steps and, without message steps, the messages are listed before the run status event is emitted) with the teardown of `src/sources/runSource.ts`',
    what: 'A poll reads the run `completed`, then listing its steps or messages fails (an HTTP error, a redirect, an endless body, a list that never advances). The source errors before it emitted the status, so its tracker does not know the run ended, and it sends a cancel for a run it read ended; the 400 reaches `onCancelError` as an error.',
    fix: 'Fixed: a poll that reads a terminal status records it (`endedOnServer`) before listing, so a failure after it ends the source without a cancel.',
  },
  {
    id: 4,
    test: 'bug 4 (src/responses/sources/snapshotEvents.ts): a poll-mode watch of a response that has ended names the response before its items',
    where:
      '`src/responses/sources/snapshotEvents.ts` (`snapshotEvents`: a status event only for a running status; a terminal one comes last), used by the polls of `src/responses/sources/followResponse.ts`',
    what: "When the first snapshot a source reads of a response is already ended (`watchResponse` in poll mode, or in stream mode when re-attaching is refused, on a response that has ended; and `handleFunctionCalls` subscribed again, which watches a continuation it created, ended by then), the source emits the response's `output_item.added`, deltas and `done` events before any event names the response, and its terminal event last. A stream always starts with `response.created`. In a chain the continuation's items follow the previous response's `response.completed` unannounced: `toUIMessageStream` writes its text outside any step (after the previous step's `finish-step`, before the continuation's `start-step`), and a consumer that groups events by the response last named gives them to the previous response. Input: `watchResponse(client, { responseId }, { mode: 'poll' })` on a completed response; observed: `response.output_item.added … response.completed`; expected: a lifecycle event naming it first.",
    fix: "When a snapshot is the first thing shown of a response (`shown.status === undefined`) and it has ended, lead with a lifecycle event naming it (`createdEvent(response)`, as a non-streaming create's answer does), then its items, then the terminal event.",
  },
  {
    id: 5,
    test: 'bug 5 (src/responses/operators/handleFunctionCalls.ts): subscribed again, the operator shows the outputs it submitted before the continuation it watches',
    where:
      '`src/responses/operators/handleFunctionCalls.ts`, `round`: `if (known !== undefined) return follow(watchResponse(…))`',
    what: 'A `call_id` runs once per operator instance and a continuation is created once; subscribed again (a `retry()` after a poll error, a second subscriber, React StrictMode), the operator watches the continuation it already created, but does not emit the `response.function_call_output` events of the outputs it submitted (they are in its ledger). That subscription shows the calls without outputs: `responseState().toolOutputs` is empty, `toUIMessageStream` never writes `tool-output-available`. DESIGN §7: "The submitted outputs are visible in the stream (so UIs can show them)." Input: `chain$ = watchResponse(A, poll).pipe(handleFunctionCalls(…))`, subscribed twice; observed: the second subscription has no `response.function_call_output`; expected: the same outputs as the first.',
    fix: 'On the known-continuation path, emit the recorded outputs (`ledger.output(call_id)` for each call) as `response.function_call_output` before watching the continuation, as the first subscription did.',
  },
];

/**
 * The rows of the fault matrix and what each checks per seed, in the order the report lists them.
 * A new row registers here; one whose summary has no entry is flagged in the report.
 */
const CHECKS: { rows: string[]; text: string }[] = [
  {
    rows: ['drops', 'error-frames'],
    text: "the same plan runs once unfaulted (shared reference emulator) and once with one stream (the run-create stream, or one tool-output stream) cut at a random byte offset of its unfaulted length, or replaced by an SSE `error` frame at a random event. Cut after the first run frame: the run completes; final messages (role, status, content, annotations) equal the unfaulted run's and, ids included, the server's; text deltas add up to the final text and the deltas alone rebuild every final message, citations included; no lifecycle event or collector item twice; exactly one run on the server, completed; the thread takes a new message. Cut before it: `StreamDisconnectedError` / `RunStreamError`, no event, the run not created twice.",
  },
  {
    rows: ['429-bursts', '5xx-bursts'],
    text: 'a burst of 1–5 errors on one endpoint of the run (create, submit, retrieve, steps, message), stream or poll mode, half the seeds with `retryRun`. Every retry waited at least `retry-after-ms` (or 0.75 × the documented backoff); a burst within `maxRetries` (2) completes; a longer one errors with `AssistantsApiError` of that status after exactly 3 attempts (or is started again by `retryRun` when nothing was emitted); never two runs; one cancel when the error came mid-run; run terminal, thread unlocked.',
  },
  {
    rows: ['openaiClient-drops', 'openaiClient-error-frames', 'openaiClient-429-bursts'],
    text: "the drops, error-frames and 429-bursts seeds and checks, with the client under test `openaiClient(new OpenAI({ maxRetries: 0, fetch }))` (the unfaulted runs too). The SDK's own retries are off so that the library's rules are the ones exercised: with them on, the SDK absorbs a burst before the library sees it, multiplies `retryRun`'s attempts by its own, and sleeps through an unsubscribe (its retry wait ignores the abort signal). So a 429 reaches the library at once: errors with `AssistantsApiError` after exactly 1 attempt, or 3 when `retryRun` started a refused create again.",
  },
  {
    rows: ['relay-drops'],
    text: "each seed runs a `node:http` relay on 127.0.0.1 that pipes `createRun → handleRequiresAction` into `pipeToNodeResponse`, read by `fetch` + `fromServerSentEvents` with `runState()` and `finalMessages()`; the emulator cuts the relay's upstream stream (run-create or tool-output) at a random byte offset. Cut after the first run frame: the relay's source resumes by polling (unless the cut spared the run's last status), the browser gets exactly the events the relay emitted and `done`, its final messages equal the unfaulted run's and, ids included, the server's, `runState()` ends `done` with the same messages; text deltas add up and rebuild every final message; nothing twice; one run, completed; the thread takes a new message. Cut before it: the relay's `StreamDisconnectedError` reaches the browser as a `RunStreamError` with its message, no event, the run not created twice. The relay's and the browser's pipelines both count as run pipelines.",
  },
  {
    rows: ['relay-disconnects'],
    text: "the same relay; the browser aborts its fetch at the answer head, after the k-th event, after t ms, or as a tool handler starts. The browser got a prefix of the relay's events, in order; when the relay saw the connection close, its pipeline had already ended (`pipeToNodeResponse` unsubscribed it, or it had completed); exactly one cancel request when the relay knew the run id and the run had not ended, none otherwise; a refused cancel reaches `onCancelError`; started handlers finished or aborted; every run terminal; the thread takes a new message.",
  },
  {
    rows: ['timeouts'],
    text: 'the assistant stalls 60 s mid-message (or a tool handler never returns); `runTimeout` (idle on a stream, idle while polling, total, or idle during the handler) errors with `RunTimeoutError` naming the run; the server reports it `cancelled` after exactly one cancel request; started handlers aborted; thread unlocked.',
  },
  {
    rows: ['tool-failures'],
    text: 'handlers return, resolve, throw, reject or hang past `timeoutMs`; some calls name a function without handler; `onError` submit / cancel / error. submit: completed, each failed call answered with an `Error: …` string, every other handler ran exactly once; cancel: run cancelled, the stream ends with `thread.run.cancelled`; error: `ToolCallError` naming a failed call, run cancelled; one cancel request; thread unlocked.',
  },
  {
    rows: ['attack-malformed-frames'],
    text: "a hostile server: a `node:http` proxy on 127.0.0.1 in front of the seed's emulator streams every answer through and tampers with one. Here it puts a malformed frame in place of (or before) a random event of the run-create or a tool-output stream (its length known from an unfaulted run of the same plan): a `thread.message.delta` without `delta`, with `content: {}` or `[null]`, a `thread.run.step.delta` with `tool_calls: {}` or `[null]`, a `thread.run.*` frame whose data is `[]`, `null` or `\"str\"`, or invalid JSON. The pipeline (`createRun → handleRequiresAction`) ends with `StreamParseError` naming that event, having emitted only well-formed frames the client was sent before it; a frame after the stream's end event is never read (the run completes, messages identical to the unfaulted run's, no cancel). Exactly one cancel once the run id was known (none before: the run is not created twice, and is released by id), a refused cancel reported to `onCancelError`; every run terminal; the thread takes a new message; no uncaught exception or unhandled rejection in the whole row.",
  },
  {
    rows: ['attack-foreign-runs'],
    text: "the same proxy injects 1–3 groups of another run's frames at random positions of the run-create stream (after its first frame, which fixes the run) or a tool-output stream: a `thread.run.in_progress`, `thread.run.completed` or `thread.run.requires_action` (with a function call) naming another run, another thread, or both; a step or a message of another run (created, delta, completed). The run completes; its final messages equal the unfaulted run's and, ids included, the server's; every emitted event names the run and its thread (deltas: one of its steps or messages), none carries foreign content; no request names the foreign run (no cancel, no submit), no handler ran for its call; a foreign terminal event does not end the Observable early; text deltas add up, nothing twice; one run, completed; the thread takes a new message.",
  },
  {
    rows: ['attack-redirects'],
    text: "the client under test is `fetchClient` with `apiKey` and Azure's `headers: { 'api-key' }`. The proxy answers one request of the run (stream- or poll-mode create, a poll, a steps list, a message retrieve, the messages list of a server without steps, a submit, or the cancel after the client leaves after 1–2 events) with 301/302/303/307/308 and a `location` on a second loopback server (another origin) that records every request. That server receives nothing (no credential leaves the origin); every request sent is one the API has for its method and path (none changed method). The pipeline ends with `UnexpectedRedirectError` carrying the status and location (or completes when the redirected request was never reached, with the server's messages), sends exactly one cancel when the run was known and, as far as the client had read, not ended (none for a redirected create, which created nothing); a redirected cancel reaches `onCancelError` as `UnexpectedRedirectError`, is not retried, and the run ends on its own. Every run terminal, the thread takes a new message.",
  },
  {
    rows: ['attack-endless-bodies'],
    text: "the client under test is `fetchClient({ maxBodyBytes: 1 MiB })`, poll mode. One answer (a create, which still creates the run; a poll; a steps list; a message retrieve) is a 200 JSON body that never ends, or (stream or poll mode) a 500 whose HTML body never ends, once or on all 3 attempts. The proxy writes 8 KiB per turn of the event loop until the client closes the connection (and stops then), so its count is what the client read plus little in flight. Every endless answer is closed by the client, after at most the limit (1 MiB, or 64 KiB for an error body) + 256 KiB; the pipeline ends with `InvalidResponseError` naming `maxBodyBytes` (never retried), or `AssistantsApiError` 500 keeping the page's text after 1 attempt (create) or 3 (a GET), or completes when a single 500 was retried; one cancel when the run was known and not read ended; a run whose id never arrived is released by id; every run terminal; the thread takes a new message.",
  },
  {
    rows: ['attack-stuck-cursors'],
    text: 'the steps list (poll mode, or polling after the proxy ended the create stream cleanly after 1–5 frames, without `done`) or the messages list (poll mode, the proxy answering the steps list with an empty page, as a server without steps) answers pages that never advance: the first page with `has_more: true` and its own `last_id` again and again, or an empty page with a fixed `last_id`. The pipeline ends with `PaginationError` after at most 3 requests of that list (or completes if the chosen list request was never made); one cancel when the run was known and not read ended; every run terminal; the thread takes a new message.',
  },
  {
    rows: ['responses-drops', 'responses-error-frames'],
    text: "the Responses API (`createResponse` in stream mode, background, → `handleFunctionCalls`; a quarter of the seeds a watcher: `watchResponse` on a response another client started and left running). The same plan runs once unfaulted (shared reference emulator) and once with one stream cut at a random byte offset of its unfaulted length, or replaced by an SSE `error` frame at a random event: the create stream, a continuation's create stream, or the watcher's `GET /responses/{id}?stream=true`; in a third of the seeds the next 1–3 re-attach streams are cut too, within the part they replay; a fifth of the plans pause mid-text while the emulator sends `keepalive` events every 4 ms. Cut after the first frame (which names the response; a watcher knows it before): the pipeline re-attaches from the last `sequence_number` shown and completes; the chain (each response's status, output text and items) equals the unfaulted run's, and each final response (status and output) equals what `GET /responses/{id}` returns afterwards; every text part and call's arguments rebuild from the deltas alone and `textDeltas()` adds up to the chain's output; per response no `sequence_number` twice or out of order and no lifecycle event, item, part or function call output twice; each call_id's handler ran once; as many responses on the server as creates sent, all completed; no cancel. Cut before it: `StreamDisconnectedError` / `RunStreamError`, the response not created twice, completing on its own.",
  },
  {
    rows: ['responses-429-bursts', 'responses-5xx-bursts'],
    text: "a burst of 1–5 HTTP 429 (`retry-after-ms`) or 1–3 500/502/503 (half with `retry-after-ms`) on one Responses request: the create or a continuation's create (stream or poll mode), a poll (poll mode), or the re-attach after an `error` frame broke the create stream (stream mode); half the seeds with `retryRun`; fetchClient's `maxRetries` 2 (two thirds) or 0; a fifth chained by a conversation. Every retry of the same request waited at least `retry-after-ms` (or 0.75 × the documented backoff); a burst within `maxRetries` completes with the server's output; a create answered 500/502 is never sent again (`AssistantsApiError` after 1 attempt), one answered 429/503 errors after `maxRetries` + 1 attempts, or, over a client that does not retry (`maxRetries: 0`; one budget: `retryRun` does not retry an error the client already retried), is started again by `retryRun` while nothing was emitted (up to 3 attempts); a refused re-attach falls back to polling and completes; a poll burst beyond the retries errors with `AssistantsApiError` and sends exactly one cancel for the response it leaves running (none when a poll had read it ended; a refused cancel reaches `onCancelError`); as many responses on the server as creates answered 200, never more than the plan's; no handler twice.",
  },
  {
    rows: ['responses-unsubscribes'],
    text: "a creator (`createResponse → handleFunctionCalls`) or, in a third of the seeds, a watcher (`watchResponse → handleFunctionCalls` on a response another client started in stream or poll mode) leaves synchronously at subscribe, after the k-th event, after t ms, or as a tool handler starts; stream or poll mode; a third of the stream-mode seeds break the first stream with an `error` frame, so the leave may land during a re-attach; a third of the seeds on a server whose cancel of an ended response answers it as it is (`idempotentResponseCancel`); a quarter of the creators on a cancel endpoint that answers 429/500/503 once, or twice. Exactly one `POST /responses/{id}/cancel`, naming the response running, when its id was known and it had not ended as far as the pipeline read (a poll that read the end allows none), none otherwise, and never one from a watcher or its continuations; a cancel answered 429/5xx is retried once, no more (both refused: `onCancelError` gets the `AssistantsApiError` and the response runs on to its end); a refused cancel (400: the response ended first) reaches `onCancelError`, an idempotent one does not; started handlers finished or were aborted; every response ends on the server; nothing shown twice; a chain that completed first equals the server's.",
  },
  {
    rows: ['responses-tools'],
    text: "`handleFunctionCalls` over 1–3 rounds of 1–3 parallel calls (some to a function without handler, some handlers throwing or rejecting, under `onError: 'submit'`; others answering at once, asynchronously or after 15 ms), after `createResponse` or, in 30 % of the seeds, after a watcher (`watchResponse` on a response another client started; 40 % of the watchers come once it has ended), chained by `previous_response_id` or by a conversation, stream or poll mode, handler concurrency 1, 2 or unbounded, under a fault each round must survive (an `error` frame in a create stream, 1–2 × 429 on a continuation's create, 1–2 × 503 on polls) or, for a polling watcher, 3 × 500 on a poll that errors the pipeline, which `retry()` subscribes again (the same operator instance: its last subscription is judged). Completes; each call_id's handler ran exactly once (never for the missing function), its output shown once as `response.function_call_output` for the response that asked, equal to the handler's (or an `Error: …` string), and submitted in exactly one accepted continuation whose input answers exactly that response's calls; one continuation per round, chained to the response it answers (`previous_response_id`, or the same conversation); each failure reported once to `onToolError`; the final reply quotes every output; a conversation holds each call and each output once; final responses equal the server's, deltas add up, nothing twice.",
  },
  {
    rows: ['unsubscribes'],
    text: 'unsubscribe synchronously at subscribe, after the k-th event, after t ms, or as a tool handler starts. Exactly one cancel request when the run id was known and the run had not ended, none otherwise; a refused cancel (the run ended first) reaches `onCancelError`; started handlers finished or aborted; every run terminal on the server (a run created after the client left is not cancelled — nobody knows its id — and ends on its own); the thread takes a new message once the run is terminal.',
  },
];

interface VitestAssertion {
  title: string;
  fullName: string;
  status: string;
  failureMessages: string[];
}
interface VitestFile {
  name: string;
  assertionResults: VitestAssertion[];
}

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

function runSuite(): void {
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  const started = performance.now();
  const result = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      'test/chaos',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${VITEST_JSON}`,
    ],
    { stdio: 'inherit', cwd: ROOT },
  );
  const wallMs = Math.round(performance.now() - started);
  writeFileSync(
    RUN_INFO,
    JSON.stringify({ wallMs, exitCode: result.status, at: new Date().toISOString() }, null, 2),
  );
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Outcomes, most frequent first, failures last. */
const sortedOutcomes = (outcomes: Record<string, number>): [string, number][] =>
  Object.entries(outcomes).sort(([a, x], [b, y]) => (a === 'FAILED' ? 1 : b === 'FAILED' ? -1 : y - x));

/** A failure message with ids, numbers and payload details taken out, to group alike failures. */
const signature = (message: string): string =>
  message
    .replace(/^Error: /, '')
    .replace(/(step|msg|run|call|thread|resp|fc|conv)_[A-Za-z0-9]+/g, '$1_…')
    .replace(/\d+/g, 'n')
    .replace(/(emitted twice: [^,]+?) ×n.*/, '$1 ×n …')
    .slice(0, 160);

function build(): string {
  const files = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')) : [];
  const rows = files
    .filter((f) => f !== 'vitest.json' && f !== 'run.json')
    .map((f) => readJson<RowSummary>(join(RESULTS_DIR, f)))
    .filter((r): r is RowSummary => r !== undefined);
  const matrix = rows.filter((r) => !r.row.startsWith('hostile-')).sort((a, b) => a.row.localeCompare(b.row));
  const hostile = rows.filter((r) => r.row.startsWith('hostile-')).sort((a, b) => a.row.localeCompare(b.row));
  const run = readJson<{ wallMs: number; exitCode: number | null; at: string }>(RUN_INFO);
  const vitest = readJson<{
    testResults: VitestFile[];
    numPassedTests: number;
    numFailedTests: number;
    numTotalTests: number;
  }>(VITEST_JSON);
  const tests = vitest?.testResults.flatMap((f) => f.assertionResults) ?? [];
  const statusOf = (title: string) => tests.find((t) => t.title === title)?.status ?? 'not run';
  const expectedFails = BUGS.filter(
    (bug) =>
      bug.id !== 'emulator' && OPEN_BUGS[bug.id as keyof typeof OPEN_BUGS] && statusOf(bug.test) === 'passed',
  ).length;
  let commit = 'unknown';
  try {
    commit =
      spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() ||
      commit;
  } catch {
    // not a git checkout
  }

  const out: string[] = [];
  out.push('# Reliability');
  out.push('');
  out.push(
    'What rxjs-assistants promises under faults, and the seeded runs that check it: no run lost, no tool executed twice, no thread left locked, no leak, no crash on hostile input. Every number below comes from one run of the chaos suite against the local emulator (`src/emulator/`, HTTP on 127.0.0.1), written by `test/chaos/report.ts` from the summaries the tests leave in `test-results/chaos/`.',
  );
  out.push('');
  out.push('## Reproduce');
  out.push('');
  out.push('```sh');
  out.push('npm run test:chaos                          # the suite (CI runs it after npm test)');
  out.push('npx tsx test/chaos/report.ts --run          # the suite, timed, then this file');
  out.push(
    'CHAOS_SEED=17 npx vitest run test/chaos/cuts.test.ts   # replay one seed of a row (CHAOS_SEED=17,42 for several)',
  );
  out.push('CHAOS_SEEDS=1000 npm run test:chaos         # more seeds per row (default 200)');
  out.push(
    'FC_SEED=<seed> CHAOS_FC_RUNS=<n> npx vitest run test/chaos/hostile.test.ts   # replay a fast-check failure (FC_SEED=random explores)',
  );
  out.push('```');
  out.push('');
  const wall = run
    ? `${secs(run.wallMs)} wall time (\`vitest run test/chaos\`, exit code ${run.exitCode})`
    : 'wall time not measured (run with --run)';
  out.push(
    `This run: ${
      run?.at ??
      rows
        .map((r) => r.finishedAt)
        .sort()
        .at(-1) ??
      'unknown'
    }, commit \`${commit}\`, Node ${process.version}, ${platform()} ${release()}, ${cpus().length} CPU(s); ${wall}${vitest ? `; ${vitest.numPassedTests}/${vitest.numTotalTests} tests passed${expectedFails > 0 ? ` (${expectedFails} of them \`it.fails\` reproductions of open bugs, which pass while the bug is there)` : ''}` : ''}.`,
  );
  out.push('');

  out.push('## Fault matrix');
  out.push('');
  out.push(
    "Each seed derives everything from its number: the assistant's plan (text, two messages, code interpreter then text, a file search then a reply citing it, or one to three rounds of function calls, with UTF-8 text of 1 to 4 bytes per character), the fault and where it lands. The `responses-*` rows play the same plans as Responses API background responses (the emulator's brain scripts both APIs). Each seed gets its own emulator (and, in the relay rows, its own relay server), so its faults and request log are its own; seeds of a row run concurrently. A seed passes only if every check of its row holds (listed under the table). After each row: every client subscription (each request and stream, counted with `finalize`) and every run pipeline closed, and no handle or timer left beyond the baseline taken before the row (`process.getActiveResourcesInfo()`).",
  );
  out.push('');
  out.push('| Row | Scenario | Seeds | Failed | Subscriptions closed | Handles / timers left | Time |');
  out.push('|---|---|---:|---:|---|---|---:|');
  for (const r of matrix) {
    out.push(
      `| ${r.row} | ${cell(r.scenario)} | ${r.seeds} | ${r.failures.length} | ${cell(r.checks['subscriptions closed'] ?? '')} | ${cell(r.checks['handles/timers left'] ?? '')} | ${secs(r.durationMs)} |`,
    );
  }
  out.push('');
  out.push('Outcomes, seed by seed (every seed counted once per row):');
  out.push('');
  out.push('| Row | Outcome | Seeds |');
  out.push('|---|---|---:|');
  for (const r of matrix) {
    for (const [label, n] of sortedOutcomes(r.outcomes)) out.push(`| ${r.row} | ${cell(label)} | ${n} |`);
  }
  out.push('');
  out.push('Checks per seed:');
  out.push('');
  for (const { rows, text } of CHECKS) out.push(`- **${rows.join(', ')}**: ${text}`);
  const undescribed = matrix.map((r) => r.row).filter((row) => !CHECKS.some((c) => c.rows.includes(row)));
  for (const row of undescribed) {
    console.warn(`report.ts: row ${row} has no entry in CHECKS`);
    out.push(`- **${row}**: its checks are not described yet (add them to CHECKS in test/chaos/report.ts).`);
  }
  out.push('');

  const sum = (name: string) => matrix.reduce((n, r) => n + (r.metrics[name] ?? 0), 0);
  const failures = matrix.flatMap((r) => r.failures.map((f) => ({ row: r.row, file: r.file, ...f })));
  const twice = failures.filter(
    (f) => f.message.includes('emitted twice') || f.message.includes('do not add up'),
  );
  const knownBug = (id: number) =>
    matrix.reduce(
      (n, r) =>
        n +
        Object.entries(r.outcomes).reduce(
          (m, [label, count]) => m + (label.includes(`KNOWN BUG ${id}`) ? count : 0),
          0,
        ),
      0,
    );
  out.push('## Exactly once (whole matrix)');
  out.push('');
  out.push('| Check | Count |');
  out.push('|---|---:|');
  out.push(`| Seeds | ${matrix.reduce((n, r) => n + r.seeds, 0)} |`);
  out.push(`| Tool handler executions | ${sum('handlerCalls')} |`);
  out.push(`| Distinct tool call ids executed | ${sum('toolCallIdsExecuted')} |`);
  out.push(`| Tool call ids executed twice | ${sum('toolCallIdsExecutedTwice')} |`);
  out.push(
    `| Submit requests sent (Assistants \`submit_tool_outputs\`, Responses continuations) | ${sum('submitRequests')} |`,
  );
  out.push(`| Tool outputs accepted by the server | ${sum('toolOutputsAccepted')} |`);
  out.push(`| Tool call ids accepted twice | ${sum('toolOutputsAcceptedTwice')} |`);
  out.push(
    `| Submit requests refused (400/404: outputs sent again, or after the run ended) | ${sum('submitsRefused')} |`,
  );
  out.push(
    `| Seeds with a lifecycle event or collector item emitted twice, no known bug | ${twice.length} |`,
  );
  for (const id of Object.keys(OPEN_BUGS).map(Number)) {
    out.push(`| Seeds whose only problem is open bug ${id} (see below) | ${knownBug(id)} |`);
  }
  out.push(`| Client subscriptions (requests, streams) opened | ${sum('requestSubscriptions')} |`);
  out.push(`| Client subscriptions left open | ${sum('requestSubscriptionsLeftOpen')} |`);
  out.push(
    `| Run pipelines subscribed / left open | ${sum('pipelineSubscriptions')} / ${sum('pipelineSubscriptionsLeftOpen')} |`,
  );
  out.push('');

  out.push('## Hostile input (fast-check)');
  out.push('');
  out.push('| Property | Runs | Checks | Time |');
  out.push('|---|---:|---|---:|');
  for (const r of hostile) {
    const checks = Object.entries(r.checks)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
    out.push(`| ${cell(r.scenario)} | ${r.seeds} | ${cell(checks)} | ${secs(r.durationMs)} |`);
  }
  out.push('');
  out.push('| Property | Outcome | Runs |');
  out.push('|---|---|---:|');
  for (const r of hostile) {
    for (const [label, n] of sortedOutcomes(r.outcomes)) out.push(`| ${r.row} | ${cell(label)} | ${n} |`);
  }
  out.push('');
  out.push(
    "Every property also asserts: no throw at call time or outside the Observable's error channel (no uncaught exception or unhandled rejection), no hang (3 s bound per case), every error an `AssistantsError` subclass, every collector accepts every event the parser lets through, no object in any state with a foreign prototype, and `Object.prototype`, `Array.prototype`, `Function.prototype`, `String.prototype` unchanged (`({}).polluted === undefined`).",
  );
  out.push('');

  out.push('## Bugs found');
  out.push('');
  out.push(
    'Each has a minimal deterministic reproduction: `test/chaos/regressions.test.ts` and `test/chaos/responsesRegressions.test.ts` (library) and `test/chaos/emulatorDrops.test.ts` (emulator). While a library bug is open, the matrix runs every other check on the seeds it touches and files them under "KNOWN BUG n" instead of failing (see `test/chaos/knownBugs.ts`).',
  );
  out.push('');
  out.push('| Bug | Where | What happens | Fix | Status (regression test) |');
  out.push('|---|---|---|---|---|');
  for (const bug of BUGS) {
    const status = statusOf(bug.test);
    const open = bug.id !== 'emulator' && OPEN_BUGS[bug.id as keyof typeof OPEN_BUGS];
    const state =
      status === 'not run'
        ? 'not run'
        : open
          ? status === 'passed'
            ? '**open**: reproduced (its `it.fails` test failed as expected)'
            : 'looks fixed: its `it.fails` test passed; set OPEN_BUGS to false in test/chaos/knownBugs.ts'
          : status === 'passed'
            ? 'fixed: the test passes'
            : '**failing**';
    out.push(
      `| ${bug.id} | ${cell(bug.where)} | ${cell(bug.what)} | ${cell(bug.fix)} | ${cell(`${state}. Test: “${bug.test}”`)} |`,
    );
  }
  out.push('');

  out.push('## Failing seeds in this run');
  out.push('');
  if (failures.length === 0) out.push('None.');
  else {
    const groups = new Map<string, { rows: Set<string>; seeds: number[]; example: string }>();
    for (const f of failures) {
      const key = signature(f.detail ?? f.message);
      const group = groups.get(key) ?? { rows: new Set(), seeds: [], example: f.message };
      group.rows.add(f.row);
      group.seeds.push(f.seed);
      groups.set(key, group);
    }
    out.push('| Failure (ids and numbers elided) | Rows | Seeds | Example |');
    out.push('|---|---|---:|---|');
    for (const [key, g] of [...groups].sort((a, b) => b[1].seeds.length - a[1].seeds.length)) {
      out.push(
        `| ${cell(key)} | ${[...g.rows].join(', ')} | ${g.seeds.length} (e.g. ${g.seeds.slice(0, 3).join(', ')}) | ${cell(g.example.slice(0, 240))} |`,
      );
    }
  }
  out.push('');

  out.push('## Limits (by design, not bugs)');
  out.push('');
  out.push(
    '- A client that leaves (or times out) before the first run frame cannot cancel: it never learned the run id. If the server had accepted the request, that run finishes on its own; a run that pauses at `requires_action` then holds its thread until it expires (10 minutes on the service, 5 s in the unsubscribes row). `runTimeout({ first })` should therefore be generous.',
  );
  out.push(
    "- Time-based outcomes (which `runTimeout` limit fires first, whether an unsubscribe after t ms lands before or after the end) depend on the machine's speed, so their split between outcome labels varies a little from run to run; the checks do not.",
  );
  out.push('');
  return out.join('\n');
}

if (process.argv.includes('--run')) runSuite();
const target = join(ROOT, 'RELIABILITY.md');
writeFileSync(target, `${build()}\n`);
// The project's formatter owns Markdown too (`npm run lint` checks it): let it lay out the tables.
spawnSync('npx', ['biome', 'format', '--write', target], { stdio: 'inherit', cwd: ROOT });
console.log(`wrote ${target}`);
