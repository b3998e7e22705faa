import { isRunStatusEvent } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import type { Run } from '../events/types';
import { isResponseLifecycleEvent, type ResponseEvent } from '../responses/ResponseEvent';
import type { ResponseObject } from '../responses/types';

/**
 * The operators that accept both event families (`textDeltas`, `throwOnFailure`, `runTimeout`,
 * `retryRun`, the relay) read them through these. Internal.
 */

/** An event of either family: an Assistants `RunEvent` or a Responses `ResponseEvent`. */
export type AnyRunEvent = RunEvent | ResponseEvent;

/** The run or response an event carries whole (a status or lifecycle event), else `undefined`. */
export function carriedRun(
  event: AnyRunEvent,
): { kind: 'run'; run: Run } | { kind: 'response'; response: ResponseObject } | undefined {
  // `?.`: a custom source may emit anything; nothing here may throw.
  if ('event' in event) {
    return isRunStatusEvent(event) && typeof event.data?.status === 'string'
      ? { kind: 'run', run: event.data }
      : undefined;
  }
  return isResponseLifecycleEvent(event) && typeof event.response?.status === 'string'
    ? { kind: 'response', response: event.response }
    : undefined;
}
