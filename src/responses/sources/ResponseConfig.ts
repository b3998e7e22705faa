import { type ResolvedRunConfig, type RunConfig, resolveRunConfig } from '../../sources/RunConfig';

/** A response on the server. */
export interface ResponseRef {
  responseId: string;
}

/**
 * How a Responses source drives its response: the same as {@link RunConfig} for runs (`mode`,
 * `cancelOnUnsubscribe`, `resumeOnDisconnect`, `poll`).
 * - `mode: 'stream'` (default) sends `stream: true` and re-attaches a broken stream from its
 *   cursor (`starting_after`); `'poll'` creates without streaming and reads snapshots
 *   (`GET /responses/{id}`), synthesising the same events.
 * - `cancelOnUnsubscribe` (default `true`, `watchResponse`: `false`): leaving before a terminal
 *   status sends exactly one `POST /responses/{id}/cancel`, once the id is known.
 * - `resumeOnDisconnect` (default `true`): a stream that breaks, ends early or sends `error` once
 *   the id is known re-attaches from the last sequence number shown (again if the resumed stream
 *   ends early, a bounded number of times), and polls when re-attaching is refused.
 */
export interface ResponseConfig extends Omit<RunConfig, 'shown' | 'onCancelError'> {
  /**
   * Called when the cancel request sent on unsubscribe fails. Never throws into the void.
   * @default a `console.warn` naming the response
   */
  onCancelError?: (error: unknown, response: ResponseRef) => void;
}

/** The defaulted config. Internal. */
export interface ResolvedResponseConfig extends Omit<ResolvedRunConfig, 'shown' | 'onCancelError'> {
  onCancelError: (error: unknown, response: ResponseRef) => void;
  shown: undefined;
}

const warnCancelFailed = (error: unknown, { responseId }: ResponseRef): void => {
  console.warn(`rxjs-assistants: cancelling response ${responseId} failed; it may still be running.`, error);
};

/** Validates a {@link ResponseConfig} and fills in the defaults. Internal. */
export function resolveResponseConfig(
  source: string,
  config: ResponseConfig = {},
  defaults: { cancelOnUnsubscribe: boolean } = { cancelOnUnsubscribe: true },
): ResolvedResponseConfig {
  const { onCancelError = warnCancelFailed, ...rest } = config ?? {};
  if (typeof onCancelError !== 'function') {
    throw new TypeError(`${source}: onCancelError must be a function (error, { responseId }) => void.`);
  }
  const resolved = resolveRunConfig(source, rest as RunConfig, defaults);
  return { ...resolved, onCancelError, shown: undefined };
}
