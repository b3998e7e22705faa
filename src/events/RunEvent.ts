import type { Message, MessageDelta, Run, RunStep, RunStepDelta, Thread } from './types';

/** Names of the run-status events, in the order a run usually passes through them. */
export const RUN_STATUS_EVENTS = [
  'thread.run.created',
  'thread.run.queued',
  'thread.run.in_progress',
  'thread.run.requires_action',
  'thread.run.completed',
  'thread.run.incomplete',
  'thread.run.failed',
  'thread.run.cancelling',
  'thread.run.cancelled',
  'thread.run.expired',
] as const;

/** Names of the run-step events. */
export const RUN_STEP_EVENTS = [
  'thread.run.step.created',
  'thread.run.step.in_progress',
  'thread.run.step.delta',
  'thread.run.step.completed',
  'thread.run.step.failed',
  'thread.run.step.cancelled',
  'thread.run.step.expired',
] as const;

/** Names of the message events. */
export const MESSAGE_EVENTS = [
  'thread.message.created',
  'thread.message.in_progress',
  'thread.message.delta',
  'thread.message.completed',
  'thread.message.incomplete',
] as const;

/** Every event name of the Assistants v2 stream (23), `done` and `error` frames aside. */
export const RUN_EVENT_NAMES = [
  'thread.created',
  ...RUN_STATUS_EVENTS,
  ...RUN_STEP_EVENTS,
  ...MESSAGE_EVENTS,
] as const;

/** The name of a run-status event (`thread.run.created` … `thread.run.expired`). */
export type RunStatusEventName = (typeof RUN_STATUS_EVENTS)[number];
/** The name of a run-step event (`thread.run.step.created` … `thread.run.step.expired`). */
export type RunStepEventName = (typeof RUN_STEP_EVENTS)[number];
/** The name of a message event (`thread.message.created` … `thread.message.incomplete`). */
export type MessageEventName = (typeof MESSAGE_EVENTS)[number];
/** The name of any event of the Assistants stream (23; the `done` and `error` frames aside). */
export type RunEventName = (typeof RUN_EVENT_NAMES)[number];

/** `thread.created` (only streams of create-thread-and-run begin with it). */
export interface ThreadCreatedEvent {
  event: 'thread.created';
  data: Thread;
}

/** A run status event. The run's state is `data.status`, not the name (they can disagree on the wire). */
export interface RunStatusEvent<N extends RunStatusEventName = RunStatusEventName> {
  event: N;
  data: Run;
}

/** A run-step lifecycle event carrying the whole step. */
export interface RunStepEvent<
  N extends Exclude<RunStepEventName, 'thread.run.step.delta'> = Exclude<
    RunStepEventName,
    'thread.run.step.delta'
  >,
> {
  event: N;
  data: RunStep;
}

/** `thread.run.step.delta`: a fragment of a step's tool calls, merged by `index`. */
export interface RunStepDeltaEvent {
  event: 'thread.run.step.delta';
  data: RunStepDelta;
}

/** A message lifecycle event carrying the whole message. */
export interface MessageEvent<
  N extends Exclude<MessageEventName, 'thread.message.delta'> = Exclude<
    MessageEventName,
    'thread.message.delta'
  >,
> {
  event: N;
  data: Message;
}

/** `thread.message.delta`: a fragment of a message's content, merged by `index`. */
export interface MessageDeltaEvent {
  event: 'thread.message.delta';
  data: MessageDelta;
}

type Distribute<N, E> = N extends string ? E & { event: N } : never;

/**
 * One event of a run: the 23 `thread.*` events of the Assistants v2 stream, with the wire's own
 * names and payloads. Discriminated on `event`.
 *
 * A server may send event names this version does not know; they pass through the library
 * unchanged (typed as `RunEvent` for convenience) and every reducer ignores them. Check with
 * {@link isKnownRunEvent} where that matters.
 */
export type RunEvent =
  | ThreadCreatedEvent
  | Distribute<RunStatusEventName, RunStatusEvent>
  | Distribute<Exclude<RunStepEventName, 'thread.run.step.delta'>, RunStepEvent>
  | RunStepDeltaEvent
  | Distribute<Exclude<MessageEventName, 'thread.message.delta'>, MessageEvent>
  | MessageDeltaEvent;

/** The member of {@link RunEvent} with the given name. */
export type RunEventOf<N extends RunEventName> = Extract<RunEvent, { event: N }>;
