import { createServer, type Server } from 'node:http';
import { Subscription } from 'rxjs';
import { checkDuration } from '../core/limits';
import type { Run } from '../events/types';
import type { ResponseObject } from '../responses/types';
import { createAccessPolicy } from './access';
import { defaultBrain } from './defaultBrain';
import type { Emulator, EmulatorLimits, EmulatorOptions, EmulatorRequest } from './EmulatorOptions';
import { createFaultInjector } from './faults';
import { ResponseEngine } from './responses/responseEngine';
import { ResponseStore } from './responses/store';
import { RunEngine } from './runEngine';
import { createRequestListener } from './serve';
import { DEFAULT_LIMITS, EmulatorStore } from './store';

/**
 * Starts a local Assistants v2 and Responses server: a real HTTP server on loopback, in memory,
 * that the official `openai` SDK, `fetchClient` and `openaiClient` work against unchanged. Pass
 * `url` as `baseURL`.
 *
 * It serves assistants, threads, messages, runs (create, create thread and run, list, retrieve,
 * modify, cancel, `submit_tool_outputs`) and run steps under `/v1`, with `stream: true` on the three
 * run-creating endpoints (`event:`/`data:` frames, ending `event: done` / `data: [DONE]`). Runs go
 * `queued → in_progress → (requires_action → queued → in_progress)* → completed | incomplete |
 * failed | cancelled | expired`, one event per `latencyMs`; a poll sees the same state as the
 * stream. One active run per thread; cancel goes `cancelling → cancelled`; a run that has not
 * ended `expiresAfterMs` after its creation expires then; errors are OpenAI-shaped
 * (`{ error: { message, type, param, code } }`, 400 / 401 / 404 / 429 / 5xx).
 *
 * The default brain is deterministic. For the thread's latest user message:
 * 1. if the run has function tools and the message contains a tool's name, it calls that tool with
 *    the first JSON object in the message as arguments (`{}` if none), and once the outputs arrive
 *    replies `<name> returned: <output>`;
 * 2. else, if the message is an arithmetic expression, it replies with its value (`2 + 2 = 4`);
 * 3. else it replies `You said: "<message>"`.
 * Replies stream in word-sized deltas. A run with `max_completion_tokens` (one chunk = one token)
 * ends `incomplete` when they run out. See {@link defaultBrain}, and {@link Brain} to script others
 * (a brain may also stream: an async iterable of text chunks, written as it yields them, such as a
 * local model's tokens).
 *
 * The same brain and faults serve responses (`/responses`: create, retrieve, cancel, delete,
 * `input_items`) and conversations (`/conversations` and their items). A response goes `queued`
 * (in the background) `→ in_progress → completed | failed | incomplete | cancelled`; text is an
 * output message, function calls are `function_call` items and the response completes (answer them
 * with a continuation: `previous_response_id` or `conversation`, and `function_call_output`
 * items). `stream: true` answers `event:`/`data: {"type", "sequence_number", …}` frames without
 * `[DONE]`, with `keepalive` events while idle (`keepAliveMs`); a streamed response's events are
 * kept, so `GET /responses/{id}?stream=true&starting_after=N` replays those after N and follows
 * live, for `responseStreamMaxAgeMs`. `background: true` runs whatever happens to the connection
 * (a POST without `stream` answers `queued` at once); a response not in the background answers
 * when done and stops if its client goes away. Only background responses can be cancelled
 * (`idempotentResponseCancel` decides what cancelling an ended one answers).
 *
 * It is a server people leave running, so by default it answers only requests that name a
 * loopback host (`Host: 127.0.0.1 | localhost | [::1]`, any port; see `allowedHosts`) and no web
 * page of another origin (CORS off; see `cors`); refused requests get a 403. Request handling is
 * linear in the size of the request, a body may nest objects and arrays at most 64 levels deep
 * (400 `nesting_too_deep`), a create that fails stores nothing, and memory is bounded: the request
 * log and every kind of stored object are capped (`limits`, 1000 of each by default, the oldest
 * going first), and a stream whose reader falls 8 MiB behind is cut (the run goes on).
 * `onRequest` hears of each request as its answer ends (the CLI's `--log`), keeping nothing.
 *
 * ```
 * stream: created-queued-in_progress-step.created-step.in_progress-message.created-…-delta-delta-…-completed|
 * ```
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { startEmulator } from 'rxjs-assistants/emulator';
 *
 * const emulator = await startEmulator({ pollAfterMs: 10 });
 * const openai = new OpenAI({ baseURL: emulator.url, apiKey: 'test' });
 * const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' });
 * const run = await openai.beta.threads.createAndRunPoll({
 *   assistant_id: assistant.id,
 *   thread: { messages: [{ role: 'user', content: '2 + 2' }] },
 * });
 * // run.status === 'completed'; the thread's last message reads "2 + 2 = 4"
 * await emulator.close();
 * ```
 *
 * @throws TypeError for an invalid option (the message names it), such as a duration above
 *   2^31-1 ms (the longest a timer holds) or a malformed `cors` origin; the promise rejects when the
 *   port cannot be bound.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const {
    port = 0,
    host = '127.0.0.1',
    apiKey,
    brain = defaultBrain,
    faults,
    latencyMs = 2,
    pollAfterMs,
    expiresAfterMs = 600_000,
    responseStreamMaxAgeMs = 300_000,
    keepAliveMs = 15_000,
    idempotentResponseCancel = false,
    cors = false,
    allowedHosts = [],
    limits: limitOptions = {},
    onRequest,
  } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError(
      `startEmulator: 'port' must be an integer from 0 to 65535 (0 picks a free one), got ${port}.`,
    );
  for (const [name, value] of Object.entries({ latencyMs, pollAfterMs, expiresAfterMs, keepAliveMs }))
    checkDuration(`startEmulator: '${name}'`, value, { zero: true });
  checkDuration("startEmulator: 'responseStreamMaxAgeMs'", responseStreamMaxAgeMs);
  if (typeof idempotentResponseCancel !== 'boolean')
    throw new TypeError("startEmulator: 'idempotentResponseCancel' must be a boolean.");
  if (typeof brain !== 'function')
    throw new TypeError("startEmulator: 'brain' must be a function (context) => actions.");
  if (onRequest !== undefined && typeof onRequest !== 'function')
    throw new TypeError("startEmulator: 'onRequest' must be a function (request, durationMs) => void.");
  const limits = checkLimits(limitOptions);
  const access = createAccessPolicy(cors, allowedHosts, host);

  const store = new EmulatorStore(limits, (runId) => engine.forget(runId));
  const engine = new RunEngine(store, brain, latencyMs);
  const responseStore = new ResponseStore(limits, (id) => responseEngine.forget(id));
  const responseEngine = new ResponseEngine(responseStore, brain, latencyMs);
  const lifetime = new Subscription();
  const requests: EmulatorRequest[] = [];
  const server = createServer(
    createRequestListener({
      app: {
        store,
        engine,
        expiresAfterMs,
        pollAfterMs,
        responses: {
          store: responseStore,
          engine: responseEngine,
          streamMaxAgeMs: responseStreamMaxAgeMs,
          keepAliveMs,
          idempotentCancel: idempotentResponseCancel,
        },
      },
      apiKey,
      faults: createFaultInjector(faults),
      access,
      requests,
      requestLogSize: limits.requestLog,
      lifetime,
      onRequest,
    }),
  );
  const boundPort = await listen(server, port, host);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${boundPort}/v1`,
    port: boundPort,
    requests,
    runs: (): Run[] => [...store.runs.values()].map((record) => structuredClone(record.run)),
    responses: (): ResponseObject[] =>
      [...responseStore.responses.values()]
        .filter((record) => record.response.store)
        .map((record) => structuredClone(record.response) as unknown as ResponseObject),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        lifetime.unsubscribe();
        engine.dispose();
        responseEngine.dispose();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Every limit set: the given ones checked, the others at their defaults. */
function checkLimits(limits: EmulatorLimits): Required<EmulatorLimits> {
  if (limits === null || typeof limits !== 'object')
    throw new TypeError("startEmulator: 'limits' must be an object, e.g. { runs: 100 }.");
  const checked = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(DEFAULT_LIMITS) as (keyof EmulatorLimits)[]) {
    const value = limits[name];
    if (value === undefined) continue;
    const least = name === 'requestLog' ? 0 : 1;
    if (!(value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && value >= least)))
      throw new TypeError(
        `startEmulator: 'limits.${name}' must be a whole number >= ${least} or Infinity, got ${String(value)}.`,
      );
    checked[name] = value;
  }
  return checked;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
