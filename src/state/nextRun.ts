import { isRunStatusEvent, isTerminalStatus } from '../events/guards';
import type { Run } from '../events/types';
import { isRecord, withoutForbiddenKeys } from './objects';

/**
 * The run payload to hold after `event`, given the one held before: `current` itself (same
 * reference) when the event is not a run event, is malformed, or is a replay that must not move the
 * run back. Shared by the reducer, `finalRun` and `runStatus` so they agree. Internal.
 *
 * The status is read from `data.status`, never from the event name. For the same run id:
 * - once the run is terminal, a non-terminal payload is a late replay and is ignored;
 * - `thread.run.created` for a run already held is a replay of its first event and is ignored.
 *
 * Other non-terminal transitions are accepted as they come: a run legitimately goes back from
 * `requires_action` to `queued`, so order alone cannot tell a replay from a transition.
 */
export function nextRun(current: Run | undefined, event: { event: string; data: unknown }): Run | undefined {
  // Unknown `thread.run.*` names pass through the library but no reducer reads them.
  if (!isRunStatusEvent(event)) return current;
  const name = event.event;
  const data = event.data;
  if (!isRecord(data) || typeof data['id'] !== 'string' || typeof data['status'] !== 'string') return current;
  if (current !== undefined && current.id === data['id']) {
    if (name === 'thread.run.created') return current;
    if (isTerminalStatus(current.status) && !isTerminalStatus(data['status'])) return current;
  }
  return withoutForbiddenKeys(data as unknown as Run);
}
