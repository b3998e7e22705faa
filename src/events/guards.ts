import {
  MESSAGE_EVENTS,
  type MessageEventName,
  RUN_EVENT_NAMES,
  RUN_STATUS_EVENTS,
  RUN_STEP_EVENTS,
  type RunEvent,
  type RunEventName,
  type RunEventOf,
  type RunStatusEventName,
  type RunStepEventName,
} from './RunEvent';
import type { RunStatus } from './types';

const known: ReadonlySet<string> = new Set(RUN_EVENT_NAMES);
const runStatusNames: ReadonlySet<string> = new Set(RUN_STATUS_EVENTS);
const stepNames: ReadonlySet<string> = new Set(RUN_STEP_EVENTS);
const messageNames: ReadonlySet<string> = new Set(MESSAGE_EVENTS);

/** Statuses after which a run never changes again. */
export const TERMINAL_STATUSES: readonly RunStatus[] = [
  'completed',
  'incomplete',
  'failed',
  'cancelled',
  'expired',
];
const terminal: ReadonlySet<string> = new Set(TERMINAL_STATUSES);

/** Every run status: the run status events' names, `created` aside (a run is created `queued`). */
const runStatuses: ReadonlySet<string> = new Set(
  RUN_STATUS_EVENTS.filter((name) => name !== 'thread.run.created').map((name) =>
    name.slice('thread.run.'.length),
  ),
);

/** `true` for a status this version knows (a server may add new ones). */
export function isKnownRunStatus(status: string): status is RunStatus {
  return runStatuses.has(status);
}

/** `true` for `completed | incomplete | failed | cancelled | expired`. */
export function isTerminalStatus(status: string | undefined): boolean {
  return status !== undefined && terminal.has(status);
}

/** `true` when `value` is shaped like a run event: an object with a string `event` and an object `data`. */
export function isRunEvent(value: unknown): value is RunEvent {
  if (typeof value !== 'object' || value === null) return false;
  const { event, data } = value as { event?: unknown; data?: unknown };
  return typeof event === 'string' && typeof data === 'object' && data !== null;
}

/** `true` when the event is one of the 23 names this version knows (unknown names pass through). */
export function isKnownRunEvent(event: { event: string }): event is RunEvent {
  return known.has(event.event);
}

/** `true` for `thread.run.*` status events (not step events); the payload is a `Run`. */
export function isRunStatusEvent(event: { event: string }): event is RunEventOf<RunStatusEventName> {
  return runStatusNames.has(event.event);
}

/** `true` for `thread.run.step.*` events. */
export function isRunStepEvent(event: { event: string }): event is RunEventOf<RunStepEventName> {
  return stepNames.has(event.event);
}

/** `true` for `thread.message.*` events. */
export function isMessageEvent(event: { event: string }): event is RunEventOf<MessageEventName> {
  return messageNames.has(event.event);
}

/** `true` when `name` is one of the 23 known event names. */
export function isRunEventName(name: string): name is RunEventName {
  return known.has(name);
}
