import type { Run } from '../events/types';
import type { Brain } from './Brain';
import type { EndpointName } from './endpoints';
import type { EmulatorFaults } from './faults';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on; `0` picks a free one. @default 0 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** When set, every request must carry `Authorization: Bearer <apiKey>` (or `api-key: <apiKey>`), else 401. */
  apiKey?: string;
  /** Scripts the assistant. @default defaultBrain */
  brain?: Brain;
  /** Seeded fault injection (errors, latency, dropped streams). @default none */
  faults?: EmulatorFaults;
  /** Pause before each event of a run (each delta, each status change). @default 2 */
  latencyMs?: number;
  /** Sent as the `openai-poll-after-ms` header when a run is retrieved. @default not sent */
  pollAfterMs?: number;
  /**
   * How long after its creation a run expires (`expires_at`) if it has not ended by then, whether
   * it is still working or waiting for tool outputs. @default 600_000 (ten minutes, as the service)
   */
  expiresAfterMs?: number;
}

/** One request the emulator answered, as logged in {@link Emulator.requests}. */
export interface EmulatorRequest {
  method: string;
  /** The path without the query, e.g. `/v1/threads/thread_abc/runs/run_abc/cancel`. */
  path: string;
  /** The endpoint, `undefined` for an unknown URL. */
  endpoint: EndpointName | undefined;
  /** `true` for a `stream: true` request to a run-creating endpoint. */
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
  /** Every request received so far, in order of arrival (a live log; filter it by `endpoint` in tests). */
  readonly requests: readonly EmulatorRequest[];
  /** Snapshots of every run, oldest first. */
  runs(): Run[];
  /** Stops listening, ends every open connection and stream, and clears every timer. */
  close(): Promise<void>;
}
