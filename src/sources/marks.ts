/**
 * What a source says about some of the events it emits, for the operators that chain sources
 * (`handleRequiresAction`), without wrapping anything: facts kept in `WeakSet`s keyed by the event
 * objects themselves, so nothing outlives an event. An event copied on its way
 * (`map(e => ({ ...e }))`) is simply not known. Internal.
 */

/** Pauses (`requires_action`) emitted by sources told to leave their run alone on leave. */
const leftAlone = new WeakSet<object>();
/** The first event a source emitted from the answer of its own request (the server answered it). */
const answers = new WeakSet<object>();

/** Marks a pause emitted by a source that leaves its run alone when its subscriber leaves. */
export function markLeftAlone(event: object): void {
  leftAlone.add(event);
}

/** `true` when the pause came straight from a source that leaves its run alone (`watchRun`'s default). */
export function isLeftAlone(event: object): boolean {
  return leftAlone.has(event);
}

/** Marks the first event a source emitted from its request's own answer. */
export function markAnswer(event: object): void {
  answers.add(event);
}

/**
 * `true` for the first event a source emitted from its request's own answer (its stream's first
 * event, or its non-streaming answer): proof that the server answered the request (a submit took
 * the outputs), which events read later by a poll are not.
 */
export function isAnswer(event: object): boolean {
  return answers.has(event);
}

/** Errors a source raised after a poll had read its run ended (listing what it showed failed). */
const afterEnd = new WeakSet<object>();

/** Marks an error raised after the run was read ended: whoever drives the run has nothing to cancel. */
export function markAfterEnd(error: unknown): void {
  if (typeof error === 'object' && error !== null) afterEnd.add(error);
}

/** `true` for an error a source raised after a poll had read its run ended. */
export function isAfterEnd(error: unknown): boolean {
  return typeof error === 'object' && error !== null && afterEnd.has(error);
}

/** Pauses an operator took over (`handleRequiresAction` answers them). */
const claimed = new WeakSet<object>();

/** Marks a pause that an operator downstream will answer. */
export function claimPause(event: object): void {
  claimed.add(event);
}

/**
 * Warns, once the current synchronous delivery is over, when a pause of a run the source started
 * was not taken over by an operator: the run stays paused on the server, its thread locked until it
 * expires, and the next run on it fails. Internal.
 */
export function warnIfUnanswered(event: object, describe: () => string): void {
  queueMicrotask(() => {
    if (!claimed.has(event)) console.warn(`rxjs-assistants: ${describe()}`);
  });
}
