import type { RunEventName, RunEventOf, RunStatusEventName } from '../events/RunEvent';
import type {
  Message,
  MessageContentDelta,
  Run,
  RunStatus,
  RunStep,
  StepDetailsDelta,
  Thread,
  ToolCallDelta,
} from '../events/types';
import { aMessage, aRun, aRunStep, aThread } from './builders';
import { aMessageDelta, aRunStepDelta } from './deltaBuilders';

/** Fields of a run event's payload; the status is set by the builder to match the event name. */
export type RunPartial = Partial<Omit<Run, 'status'>>;
/** Fields of a step event's payload; the status is set by the builder to match the event name. */
export type RunStepPartial = Partial<Omit<RunStep, 'status'>>;
/** Fields of a message event's payload; the status is set by the builder to match the event name. */
export type MessagePartial = Partial<Omit<Message, 'status'>>;

type Ev<N extends RunEventName> = RunEventOf<N>;

const run = <N extends RunStatusEventName>(event: N, status: RunStatus, partial: RunPartial) => ({
  event,
  data: aRun({ ...partial, status }),
});

// ---- thread -------------------------------------------------------------------------------------

/** `thread.created` with {@link aThread}. */
export function threadCreated(partial: Partial<Thread> = {}): Ev<'thread.created'> {
  return { event: 'thread.created', data: aThread(partial) };
}

// ---- run status ---------------------------------------------------------------------------------

/** `thread.run.created`; like the service, its run is `queued`. */
export function runCreated(partial: RunPartial = {}): Ev<'thread.run.created'> {
  return run('thread.run.created', 'queued', partial);
}
/** `thread.run.queued`. */
export function runQueued(partial: RunPartial = {}): Ev<'thread.run.queued'> {
  return run('thread.run.queued', 'queued', partial);
}
/** `thread.run.in_progress`. */
export function runInProgress(partial: RunPartial = {}): Ev<'thread.run.in_progress'> {
  return run('thread.run.in_progress', 'in_progress', partial);
}
/** `thread.run.requires_action`; pass `required_action` (see `aRequiredAction`) for other calls. */
export function runRequiresAction(partial: RunPartial = {}): Ev<'thread.run.requires_action'> {
  return run('thread.run.requires_action', 'requires_action', partial);
}
/** `thread.run.completed`. */
export function runCompleted(partial: RunPartial = {}): Ev<'thread.run.completed'> {
  return run('thread.run.completed', 'completed', partial);
}
/** `thread.run.incomplete`. */
export function runIncomplete(partial: RunPartial = {}): Ev<'thread.run.incomplete'> {
  return run('thread.run.incomplete', 'incomplete', partial);
}
/** `thread.run.failed`, with a `last_error`. */
export function runFailed(partial: RunPartial = {}): Ev<'thread.run.failed'> {
  return run('thread.run.failed', 'failed', partial);
}
/** `thread.run.cancelling`. */
export function runCancelling(partial: RunPartial = {}): Ev<'thread.run.cancelling'> {
  return run('thread.run.cancelling', 'cancelling', partial);
}
/** `thread.run.cancelled`. */
export function runCancelled(partial: RunPartial = {}): Ev<'thread.run.cancelled'> {
  return run('thread.run.cancelled', 'cancelled', partial);
}
/** `thread.run.expired`. */
export function runExpired(partial: RunPartial = {}): Ev<'thread.run.expired'> {
  return run('thread.run.expired', 'expired', partial);
}

// ---- run steps ----------------------------------------------------------------------------------

/** `thread.run.step.created` (status `in_progress`). */
export function stepCreated(partial: RunStepPartial = {}): Ev<'thread.run.step.created'> {
  return { event: 'thread.run.step.created', data: aRunStep({ ...partial, status: 'in_progress' }) };
}
/** `thread.run.step.in_progress`. */
export function stepInProgress(partial: RunStepPartial = {}): Ev<'thread.run.step.in_progress'> {
  return { event: 'thread.run.step.in_progress', data: aRunStep({ ...partial, status: 'in_progress' }) };
}
/**
 * `thread.run.step.delta`: tool-call fragments (or any step-details delta) of step `stepId`.
 * @default the whole default function call at index 0, step `step_1`
 */
export function stepDelta(
  details?: ToolCallDelta[] | StepDetailsDelta,
  options: { stepId?: string } = {},
): Ev<'thread.run.step.delta'> {
  const payload = options.stepId === undefined ? {} : { id: options.stepId };
  return { event: 'thread.run.step.delta', data: aRunStepDelta(details, payload) };
}
/** `thread.run.step.completed`. */
export function stepCompleted(partial: RunStepPartial = {}): Ev<'thread.run.step.completed'> {
  return { event: 'thread.run.step.completed', data: aRunStep({ ...partial, status: 'completed' }) };
}
/** `thread.run.step.failed`, with a `last_error`. */
export function stepFailed(partial: RunStepPartial = {}): Ev<'thread.run.step.failed'> {
  return { event: 'thread.run.step.failed', data: aRunStep({ ...partial, status: 'failed' }) };
}
/** `thread.run.step.cancelled`. */
export function stepCancelled(partial: RunStepPartial = {}): Ev<'thread.run.step.cancelled'> {
  return { event: 'thread.run.step.cancelled', data: aRunStep({ ...partial, status: 'cancelled' }) };
}
/** `thread.run.step.expired`. */
export function stepExpired(partial: RunStepPartial = {}): Ev<'thread.run.step.expired'> {
  return { event: 'thread.run.step.expired', data: aRunStep({ ...partial, status: 'expired' }) };
}

// ---- messages -----------------------------------------------------------------------------------

/** `thread.message.created`: status `in_progress` and, unless given, no content yet. */
export function messageCreated(partial: MessagePartial = {}): Ev<'thread.message.created'> {
  return {
    event: 'thread.message.created',
    data: aMessage({ content: [], ...partial, status: 'in_progress' }),
  };
}
/** `thread.message.in_progress`: unless given, no content yet. */
export function messageInProgress(partial: MessagePartial = {}): Ev<'thread.message.in_progress'> {
  return {
    event: 'thread.message.in_progress',
    data: aMessage({ content: [], ...partial, status: 'in_progress' }),
  };
}
/**
 * `thread.message.delta`: a text fragment (or content fragments) of message `messageId` at content
 * `index`.
 * @default text 'Hello', message `msg_1`, index 0
 */
export function messageDelta(
  content?: string | MessageContentDelta[],
  options: { messageId?: string; index?: number } = {},
): Ev<'thread.message.delta'> {
  const payload: { id?: string; index?: number } = {};
  if (options.messageId !== undefined) payload.id = options.messageId;
  if (options.index !== undefined) payload.index = options.index;
  return { event: 'thread.message.delta', data: aMessageDelta(content, payload) };
}
/** `thread.message.completed`, with the whole content. */
export function messageCompleted(partial: MessagePartial = {}): Ev<'thread.message.completed'> {
  return { event: 'thread.message.completed', data: aMessage({ ...partial, status: 'completed' }) };
}
/** `thread.message.incomplete`, with `incomplete_details` (default reason `max_tokens`). */
export function messageIncomplete(partial: MessagePartial = {}): Ev<'thread.message.incomplete'> {
  return { event: 'thread.message.incomplete', data: aMessage({ ...partial, status: 'incomplete' }) };
}

/**
 * Every event builder by event name (all 23), each callable with no argument.
 *
 * @example
 * ```ts
 * import { RUN_EVENT_NAMES } from 'rxjs-assistants';
 * import { eventBuilders } from 'rxjs-assistants/testing';
 * const oneOfEach = RUN_EVENT_NAMES.map((name) => eventBuilders[name]());
 * ```
 */
export const eventBuilders: { readonly [N in RunEventName]: () => Ev<N> } = {
  'thread.created': threadCreated,
  'thread.run.created': runCreated,
  'thread.run.queued': runQueued,
  'thread.run.in_progress': runInProgress,
  'thread.run.requires_action': runRequiresAction,
  'thread.run.completed': runCompleted,
  'thread.run.incomplete': runIncomplete,
  'thread.run.failed': runFailed,
  'thread.run.cancelling': runCancelling,
  'thread.run.cancelled': runCancelled,
  'thread.run.expired': runExpired,
  'thread.run.step.created': stepCreated,
  'thread.run.step.in_progress': stepInProgress,
  'thread.run.step.delta': stepDelta,
  'thread.run.step.completed': stepCompleted,
  'thread.run.step.failed': stepFailed,
  'thread.run.step.cancelled': stepCancelled,
  'thread.run.step.expired': stepExpired,
  'thread.message.created': messageCreated,
  'thread.message.in_progress': messageInProgress,
  'thread.message.delta': messageDelta,
  'thread.message.completed': messageCompleted,
  'thread.message.incomplete': messageIncomplete,
};
