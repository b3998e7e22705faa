import type { Run } from '../events/types';
import type { ResponseObject } from '../responses/types';
import type { Brain } from './Brain';
import type { EndpointName } from './endpoints';
import type { EmulatorFaults } from './faults';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on; `0` picks a free one. @default 0 */
  port?: number;
  /**
   * Interface to listen on. The emulator has no real authentication: keep it on loopback unless
   * the network is yours. @default '127.0.0.1'
   */
  host?: string;
  /** When set, every request must carry `Authorization: Bearer <apiKey>` (or `api-key: <apiKey>`), else 401. */
  apiKey?: string;
  /** Scripts the assistant. @default defaultBrain */
  brain?: Brain;
  /** Seeded fault injection (errors, latency, dropped streams). @default none */
  faults?: EmulatorFaults;
  /**
   * Pause before each event of a run (each delta, each status change), in ms: `0` to 2^31-1
   * (about 24.8 days, the longest a timer holds). @default 2
   */
  latencyMs?: number;
  /** Sent as the `openai-poll-after-ms` header when a run is retrieved, in ms (`0` to 2^31-1). @default not sent */
  pollAfterMs?: number;
  /**
   * How long after its creation a run expires (`expires_at`) if it has not ended by then, whether
   * it is still working or waiting for tool outputs, in ms (`0` to 2^31-1).
   * @default 600_000 (ten minutes, as the service)
   */
  expiresAfterMs?: number;
  /**
   * How long after its creation a response created with `stream: true` can be streamed again
   * (`GET /responses/{id}?stream=true&starting_after=N`), in ms (`> 0` to 2^31-1). Later the
   * request is refused with a 400 and the response's event log is let go.
   * @default 300_000 (five minutes)
   */
  responseStreamMaxAgeMs?: number;
  /**
   * Idle time after which a Responses stream gets a `keepalive` event
   * (`{"type":"keepalive","sequence_number":N}`, N the number of the last event it sent), as the
   * service sends on long streams, in ms (`0` for none, up to 2^31-1). Assistants streams get none.
   * @default 15_000
   */
  keepAliveMs?: number;
  /**
   * Cancelling a background response that has already ended (`completed`, `failed`,
   * `incomplete`): `false` answers a 400 (`Cannot cancel a completed response.`), as some servers
   * do; `true` answers the response as it is, as OpenAI does. A `cancelled` one is always answered
   * as it is. @default false
   */
  idempotentResponseCancel?: boolean;
  /**
   * Lets web pages call the emulator directly (CORS): `true` (or `'*'`) for any origin, or the
   * origins allowed (`'http://localhost:5173'`, or a list). Off, a request that carries an
   * `Origin` header (a browser's cross-origin request) gets a 403, so a page on another site can
   * neither read nor change the emulator's threads. Allowed origins get
   * `access-control-allow-origin`, and their preflights the headers they ask for.
   * @default false
   */
  cors?: boolean | string | readonly string[];
  /**
   * Host names (without port) that requests may name in their `Host` header, besides the
   * loopback names `127.0.0.1`, `localhost` and `[::1]` (any port) and the `host` the emulator
   * is bound to. Another `Host` gets a 403: a web page that rebinds its own domain to 127.0.0.1
   * (DNS rebinding) cannot reach the emulator. `['*']` allows every host (behind a proxy or in
   * a container network you trust). @default []
   */
  allowedHosts?: readonly string[];
  /**
   * How much the emulator keeps in memory. Each limit is a whole number ≥ 1 (the request log also
   * takes 0), or `Infinity` to keep everything. @default see {@link EmulatorLimits}
   */
  limits?: EmulatorLimits;
  /**
   * Called once per request when its answer has ended (a stream: when it ends, or its client
   * leaves), with the request's log entry and how long the answer took, in ms. Called at once and
   * kept nowhere, so it costs no memory (the CLI's `--log` prints these). An error it throws is
   * reported on stderr and ignored. @default none
   */
  onRequest?: (request: Readonly<EmulatorRequest>, durationMs: number) => void;
}

/**
 * The caps that keep a long-running emulator's memory bounded. Past a cap the oldest object of
 * that kind is removed (finished runs and threads without an active run first) and answers 404
 * from then on, as a deleted one would.
 */
export interface EmulatorLimits {
  /** Entries kept in {@link Emulator.requests}: the newest. @default 1000 */
  requestLog?: number;
  /** Assistants kept. @default 1000 */
  assistants?: number;
  /** Threads kept, each with its messages and runs. @default 1000 */
  threads?: number;
  /** Runs kept, with their steps, over all threads. @default 1000 */
  runs?: number;
  /** Messages kept per thread (the oldest go first). @default 1000 */
  messagesPerThread?: number;
  /** Responses kept, each with its input and its event log (finished ones go first). @default 1000 */
  responses?: number;
  /** Conversations kept, each with its items. @default 1000 */
  conversations?: number;
  /** Items kept per conversation (the oldest go first). @default 1000 */
  itemsPerConversation?: number;
}

/** One request the emulator answered, as logged in {@link Emulator.requests}. */
export interface EmulatorRequest {
  method: string;
  /** The path without the query, e.g. `/v1/threads/thread_abc/runs/run_abc/cancel`. */
  path: string;
  /** The endpoint, `undefined` for an unknown URL. */
  endpoint: EndpointName | undefined;
  /**
   * `true` for a request answered with an event stream: `stream: true` to a run- or
   * response-creating endpoint, or `GET /responses/{id}?stream=true`.
   */
  stream: boolean;
  /** The HTTP status answered (`0` while the request is still being read). */
  status: number;
  /** Faults injected into this request. */
  faults: ('status' | 'latency' | 'drop' | 'error_event')[];
}

/** A running emulator. */
export interface Emulator {
  /** The value to pass as `baseURL`: `http://127.0.0.1:<port>/v1`. */
  readonly url: string;
  readonly port: number;
  /**
   * The requests received, in order of arrival: a live log of the newest `limits.requestLog`
   * (1000 by default; filter it by `endpoint` in tests).
   */
  readonly requests: readonly EmulatorRequest[];
  /** Snapshots of every run kept (see `limits.runs`), oldest first. */
  runs(): Run[];
  /** Snapshots of every stored response kept (see `limits.responses`), oldest first. */
  responses(): ResponseObject[];
  /** Stops listening, ends every open connection and stream, and clears every timer. */
  close(): Promise<void>;
}
