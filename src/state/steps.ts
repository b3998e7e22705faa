import type { RunStepEvent } from '../events/RunEvent';
import type { RunStep, StepDetails } from '../events/types';
import { append, positionOf, replaceAt } from './byId';
import type { Memo } from './memo';
import { mergeToolCalls } from './mergeToolCalls';
import {
  cloneOwn,
  copyExtras,
  hasExactKeys,
  isListOfRecords,
  isRecord,
  jsonEqual,
  sameFields,
  wireKeys,
  withoutForbiddenKeys,
} from './objects';

/** Run-step lifecycle and delta handling for the reducer. Internal. */

/** Position of the step with `id` in `steps` (a list the reducer built), or `-1`. */
export function stepPosition(steps: readonly RunStep[], id: string): number {
  return positionOf(steps, id);
}

/**
 * The keys of a run step on the wire, in the server's order. A step with exactly these is rebuilt as
 * a literal per delta, with its keys in this order.
 */
const WIRE_STEP_KEYS = /* @__PURE__ */ wireKeys(
  'id',
  'object',
  'created_at',
  'run_id',
  'assistant_id',
  'thread_id',
  'type',
  'status',
  'cancelled_at',
  'completed_at',
  'expires_at',
  'failed_at',
  'last_error',
  'step_details',
  'usage',
);
const DETAILS_KEYS: ReadonlySet<string> = new Set(['type', 'tool_calls', 'message_creation']);

type StepEventName = RunStepEvent['event'];

/** The status a step lifecycle event implies, for a payload that carries none. */
const STATUS_OF_EVENT: Readonly<Record<StepEventName, RunStep['status']>> = {
  'thread.run.step.created': 'in_progress',
  'thread.run.step.in_progress': 'in_progress',
  'thread.run.step.completed': 'completed',
  'thread.run.step.failed': 'failed',
  'thread.run.step.cancelled': 'cancelled',
  'thread.run.step.expired': 'expired',
};

const TERMINAL_STEP_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'expired']);

/** `true` once a step can no longer change: `completed | failed | cancelled | expired`. */
export function isTerminalStep(step: RunStep): boolean {
  return TERMINAL_STEP_STATUSES.has(step.status);
}

/**
 * The steps after a step lifecycle event (`created | in_progress | completed | failed | cancelled |
 * expired`), or `steps` itself when nothing changes.
 */
export function applyStepEvent(
  steps: RunStep[],
  name: StepEventName,
  data: unknown,
  memo: Memo | undefined,
): RunStep[] {
  if (!isRecord(data) || typeof data['id'] !== 'string' || !isRecord(data['step_details'])) return steps;
  // Tool calls that are not a list of objects would break every later delta of the step.
  const raw = data['step_details'];
  if (raw['type'] === 'tool_calls' && !isListOfRecords(raw['tool_calls'])) return steps;
  const incoming = normalise(data, name);
  const at = positionOf(steps, incoming.id, memo?.steps);
  const prev = at < 0 ? undefined : steps[at];
  if (prev === undefined) return append(steps, incoming, memo?.steps);
  // A terminal payload replaces the accumulated one. This is also how a submit stream's opening
  // `step.completed` for a step of the previous stream lands on that same step: merged, not appended.
  if (isTerminalStep(incoming)) return replaceAt(steps, at, incoming, memo?.steps);
  if (isTerminalStep(prev)) return steps; // a late replay never moves a finished step back
  const details = keptDetails(prev.step_details, incoming.step_details);
  if (details === prev.step_details && sameFields(prev, incoming, 'step_details')) return steps;
  const next = details === incoming.step_details ? incoming : { ...incoming, step_details: details };
  return replaceAt(steps, at, next, memo?.steps);
}

/** Details to keep on a non-terminal update: accumulated tool calls win over a replayed empty list. */
function keptDetails(prev: StepDetails, incoming: StepDetails): StepDetails {
  if (prev.type === 'tool_calls' && Array.isArray(prev.tool_calls) && prev.tool_calls.length > 0) return prev;
  return jsonEqual(prev, incoming) ? prev : incoming;
}

/** The steps after a `thread.run.step.delta`, or `steps` itself when nothing changes. */
export function applyStepDelta(
  steps: RunStep[],
  data: unknown,
  runId: string | undefined,
  memo: Memo | undefined,
): RunStep[] {
  if (!isRecord(data) || typeof data['id'] !== 'string' || !isRecord(data['delta'])) return steps;
  const delta = data['delta']['step_details'];
  if (!isRecord(delta)) return steps;
  const id = data['id'];
  const at = positionOf(steps, id, memo?.steps);
  const prev = at < 0 ? undefined : steps[at];
  if (prev !== undefined && isTerminalStep(prev)) return steps; // replays after the final payload
  const type = delta['type'];
  // A resumed stream may start mid-step: the first delta creates the step (of the run being followed).
  const base = prev ?? newStep(id, type, runId);
  if (base === undefined) return steps;
  const prevDetails = base.step_details;
  let details: StepDetails;
  if (type === 'tool_calls' && prevDetails.type === 'tool_calls' && Array.isArray(delta['tool_calls'])) {
    const calls = mergeToolCalls(prevDetails.tool_calls, delta['tool_calls']);
    if (calls === prevDetails.tool_calls) return steps;
    details = { type: 'tool_calls', tool_calls: calls };
  } else if (type === 'message_creation' && prevDetails.type === 'message_creation') {
    const creation = delta['message_creation'];
    const messageId = isRecord(creation) ? creation['message_id'] : undefined;
    if (typeof messageId !== 'string' || messageId === prevDetails.message_creation.message_id) return steps;
    details = { type: 'message_creation', message_creation: { message_id: messageId } };
  } else {
    return steps;
  }
  copyExtras(details, prevDetails, DETAILS_KEYS);
  const next = withDetails(base, details);
  return prev === undefined ? append(steps, next, memo?.steps) : replaceAt(steps, at, next, memo?.steps);
}

function newStep(id: string, type: unknown, runId: string | undefined): RunStep | undefined {
  const step_details: StepDetails | undefined =
    type === 'tool_calls'
      ? { type, tool_calls: [] }
      : type === 'message_creation'
        ? { type, message_creation: { message_id: '' } }
        : undefined;
  if (step_details === undefined) return undefined;
  return {
    id,
    object: 'thread.run.step',
    run_id: runId ?? '',
    type: step_details.type,
    status: 'in_progress',
    step_details,
  };
}

/** `step` with new details: a literal for wire-shaped steps, else a key-by-key copy. */
function withDetails(step: RunStep, step_details: StepDetails): RunStep {
  if (hasExactKeys(step, WIRE_STEP_KEYS)) {
    return {
      id: step.id,
      object: step.object,
      created_at: step.created_at,
      run_id: step.run_id,
      assistant_id: step.assistant_id,
      thread_id: step.thread_id,
      type: step.type,
      status: step.status,
      cancelled_at: step.cancelled_at,
      completed_at: step.completed_at,
      expires_at: step.expires_at,
      failed_at: step.failed_at,
      last_error: step.last_error,
      step_details,
      usage: step.usage,
    };
  }
  const copy = cloneOwn(step);
  copy.step_details = step_details;
  return copy;
}

/** The payload as stored: without forbidden top-level keys, with a `status` (from the name if missing). */
function normalise(data: Record<string, unknown>, name: StepEventName): RunStep {
  const step = withoutForbiddenKeys(data) as unknown as RunStep;
  if (typeof step.status === 'string') return step;
  return { ...step, status: STATUS_OF_EVENT[name] };
}
