import type { RunEvent } from '../events/RunEvent';

/**
 * The pause events (`requires_action`) emitted by sources told not to cancel their run
 * (`cancelOnUnsubscribe: false`, the default of `watchRun`). `handleRequiresAction` reads it when
 * it takes a run over at its pause, so that an operator downstream of a watch does not cancel a
 * run it did not start. Keyed by the event object itself (a `WeakSet`, so nothing outlives the
 * event); an event copied on its way (`map(e => ({ ...e }))`) is simply not known. Internal.
 */
const leftAlone = new WeakSet<RunEvent>();

/** Marks a pause emitted by a source that leaves its run alone when its subscriber leaves. */
export function markLeftAlone(event: RunEvent): void {
  leftAlone.add(event);
}

/** `true` when the pause came straight from a source that leaves its run alone. */
export function isLeftAlone(event: RunEvent): boolean {
  return leftAlone.has(event);
}
