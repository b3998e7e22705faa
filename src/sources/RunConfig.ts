import { checkDuration } from '../core/limits';
import type { RunShown } from './RunShown';

/** Ids of a run on the server. */
export interface RunRef {
  threadId: string;
  runId: string;
}

/**
 * Throws a `TypeError` with `message` unless `threadId` and `runId` are non-empty strings. Internal:
 * the check of every source that names an existing run.
 */
export function assertRunRef(threadId: unknown, runId: unknown, message: string): void {
  if (typeof threadId !== 'string' || threadId === '' || typeof runId !== 'string' || runId === '') {
    throw new TypeError(message);
  }
}

/** How a source drives a run. */
export interface RunConfig {
  /**
   * `'stream'` reads the API's SSE stream; `'poll'` creates the run without streaming and reads its
   * snapshots (`GET …/runs/{run_id}`), synthesising the same events.
   * @default 'stream' (`watchRun` always polls)
   */
  mode?: 'stream' | 'poll';
  /**
   * Unsubscribing (or an error) before the run reaches a terminal status or pauses at
   * `requires_action` sends exactly one `POST …/cancel`, once the run id is known.
   * Leaving before the run id is known cancels nothing: the create request is aborted, and if the
   * server had already accepted it, that run is left to finish on its own.
   * @default true (`watchRun`: false)
   */
  cancelOnUnsubscribe?: boolean;
  /**
   * A stream that breaks, ends without a terminal status, or sends an `error` frame once the run id
   * is known continues by polling, emitting only what was not yet seen.
   * @default true
   */
  resumeOnDisconnect?: boolean;
  /**
   * Poll schedule (poll mode, `watchRun`, and after a resume). The first poll comes one interval
   * after a create, at once when attaching or resuming. Steps are listed on the first poll and
   * whenever the run's status changes, so a poll costs one request most of the time.
   */
  poll?: {
    /**
     * Delay between polls, in ms. When given without `maxIntervalMs`, the interval is fixed and
     * the server's `openai-poll-after-ms` hint is ignored. `0` is valid.
     * @default 500, honouring `openai-poll-after-ms`
     */
    intervalMs?: number;
    /**
     * After 20 polls that saw no change, the delay grows by half per poll up to this; any change
     * resets it.
     * @default 3000
     */
    maxIntervalMs?: number;
  };
  /**
   * Called when the cancel request sent on unsubscribe fails (the run may then still be active and
   * its thread locked until it ends). Never throws into the void.
   * @default a `console.warn` naming the run
   */
  onCancelError?: (error: unknown, run: RunRef) => void;
  /**
   * What the subscriber was already shown of this run, when a source carries on from an earlier
   * one (as `handleRequiresAction` does with the continuation after tool outputs, or a watch):
   * a poll then shows only what is new. Fold it from the events shown with `runShown()` and
   * `showEvent()`. Most code never sets it.
   * @default nothing shown yet
   */
  shown?: RunShown | undefined;
  /**
   * Warn (once, on the console) when the run this source started pauses at `requires_action` and
   * nothing downstream (`handleRequiresAction`) answers it: the run stays paused and its thread
   * locked until it expires. Set `false` when you submit the outputs yourself.
   * @default true
   */
  warnIfUnanswered?: boolean;
}

/**
 * The keys of {@link RunConfig} as `never`, for the request params of the sources: a config key
 * passed in the body (`createRun(client, { threadId, assistant_id, mode: 'poll' })`) is a type
 * error instead of an "Unrecognized request argument" from the server.
 */
export interface NoRunConfigKeys {
  /** Source config: pass it as the third argument. */
  mode?: never;
  /** Source config: pass it as the third argument. */
  cancelOnUnsubscribe?: never;
  /** Source config: pass it as the third argument. */
  resumeOnDisconnect?: never;
  /** Source config: pass it as the third argument. */
  poll?: never;
  /** Source config: pass it as the third argument. */
  onCancelError?: never;
  /** Source config: pass it as the third argument. */
  warnIfUnanswered?: never;
}

const CONFIG_KEYS: readonly string[] = [
  'mode',
  'cancelOnUnsubscribe',
  'resumeOnDisconnect',
  'poll',
  'onCancelError',
];

/**
 * Throws a `TypeError` when the request params of `source` hold a config key (plain JavaScript,
 * or a cast): the server would refuse it as an unknown argument, and the config would be ignored.
 * Internal.
 */
export function rejectConfigKeys(source: string, params: object): void {
  const misplaced = CONFIG_KEYS.find((key) => Object.hasOwn(params, key));
  if (misplaced === undefined) return;
  throw new TypeError(
    `${source}: "${misplaced}" is source config, not a request parameter: pass it as the third argument, e.g. ${source}(client, params, { ${misplaced}: … }).`,
  );
}

/** The fully defaulted config that the internals work with. Internal. */
export interface ResolvedRunConfig {
  mode: 'stream' | 'poll';
  cancelOnUnsubscribe: boolean;
  resumeOnDisconnect: boolean;
  poll: { intervalMs: number; maxIntervalMs: number; fixed: boolean };
  onCancelError: (error: unknown, run: RunRef) => void;
  shown: RunShown | undefined;
  warnIfUnanswered: boolean;
}

export const DEFAULT_POLL_INTERVAL_MS = 500;
export const DEFAULT_MAX_POLL_INTERVAL_MS = 3000;

const warnCancelFailed = (error: unknown, { threadId, runId }: RunRef): void => {
  console.warn(
    `rxjs-assistants: cancelling run ${runId} on thread ${threadId} failed; it may still be active.`,
    error,
  );
};

/** Validates a {@link RunConfig} and fills in the defaults. Internal. */
export function resolveRunConfig(
  source: string,
  config: RunConfig = {},
  defaults: { cancelOnUnsubscribe: boolean } = { cancelOnUnsubscribe: true },
): ResolvedRunConfig {
  if (typeof config !== 'object' || config === null) {
    throw new TypeError(`${source}: config must be an object, got ${String(config)}.`);
  }
  const {
    mode = 'stream',
    cancelOnUnsubscribe = defaults.cancelOnUnsubscribe,
    resumeOnDisconnect = true,
    poll = {},
    onCancelError = warnCancelFailed,
    shown,
    warnIfUnanswered = true,
  } = config;
  if (mode !== 'stream' && mode !== 'poll') {
    throw new TypeError(`${source}: mode must be 'stream' or 'poll', got ${JSON.stringify(mode)}.`);
  }
  checkDuration(`${source}: poll.intervalMs`, poll.intervalMs, { zero: true });
  checkDuration(`${source}: poll.maxIntervalMs`, poll.maxIntervalMs, { zero: true });
  const intervalMs = poll.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const maxIntervalMs =
    poll.maxIntervalMs ?? (poll.intervalMs === undefined ? DEFAULT_MAX_POLL_INTERVAL_MS : intervalMs);
  if (maxIntervalMs < intervalMs) {
    throw new TypeError(
      `${source}: poll.maxIntervalMs (${maxIntervalMs}) must not be below poll.intervalMs (${intervalMs}).`,
    );
  }
  return {
    mode,
    cancelOnUnsubscribe,
    resumeOnDisconnect,
    poll: { intervalMs, maxIntervalMs, fixed: poll.intervalMs !== undefined },
    onCancelError,
    shown,
    warnIfUnanswered: warnIfUnanswered !== false,
  };
}
