import { RESPONSE_LIFECYCLE_EVENTS } from '../responses/ResponseEvent';
import { MESSAGE_EVENTS, RUN_STATUS_EVENTS, RUN_STEP_EVENTS } from './RunEvent';

/**
 * Cheap structural checks of what the server sends, applied where it enters (the clients' answers
 * and the SSE frames), so no layer above sees a body whose type lies. Each returns what is wrong,
 * or `undefined` when the value has the fields the library relies on. They check only those
 * fields: extra fields, and fields the library does not read, are never rejected. Internal.
 *
 * Frames are checked once per event (tens of thousands per run): a handful of `typeof` checks,
 * no allocation unless something is wrong.
 */

/** What is wrong with a value, or `undefined` when it is usable. */
export type ShapeCheck = (value: unknown) => string | undefined;

type Rec = Record<string, unknown>;

const isRecord = (value: unknown): value is Rec =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isIndex = (value: unknown): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const NOT_OBJECT = 'not a JSON object';

/** A thread or an assistant (anything the library reads only the `id` of). */
export function idProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return NOT_OBJECT;
  return typeof value['id'] === 'string' ? undefined : '"id" is not a string';
}

/** A run: `id`, `thread_id` and `status` strings. */
export function runProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return NOT_OBJECT;
  if (typeof value['id'] !== 'string') return '"id" is not a string';
  if (typeof value['thread_id'] !== 'string') return '"thread_id" is not a string';
  if (typeof value['status'] !== 'string') return '"status" is not a string';
  return undefined;
}

/** A run step: `id` and `status` strings, `run_id` a string if present, `step_details` with its calls. */
export function stepProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return NOT_OBJECT;
  if (typeof value['id'] !== 'string') return '"id" is not a string';
  const runId = value['run_id'];
  if (runId !== undefined && typeof runId !== 'string') return '"run_id" is not a string';
  if (typeof value['status'] !== 'string') return '"status" is not a string';
  const details = value['step_details'];
  if (!isRecord(details)) return '"step_details" is not an object';
  const type = details['type'];
  if (typeof type !== 'string') return '"step_details.type" is not a string';
  if (type === 'tool_calls') return arrayOfObjectsProblem(details['tool_calls'], 'step_details.tool_calls');
  return undefined;
}

/** A message: an `id` string and a `content` array of objects. */
export function messageProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return NOT_OBJECT;
  if (typeof value['id'] !== 'string') return '"id" is not a string';
  return arrayOfObjectsProblem(value['content'], 'content');
}

/** The answer of a delete endpoint: an object with an `id`, or nothing at all (HTTP 204). */
export function deletedProblem(value: unknown): string | undefined {
  return value === null ? undefined : idProblem(value);
}

/**
 * The check of a list page whose items pass `item`: an object with a `data` array, `has_more` a
 * boolean and `last_id` a string or `null` where present (a pager follows them).
 */
/* @__NO_SIDE_EFFECTS__ */
export function pageOf(item: ShapeCheck): ShapeCheck {
  return (value) => {
    if (!isRecord(value)) return NOT_OBJECT;
    const data = value['data'];
    if (!Array.isArray(data)) return '"data" is not an array';
    const hasMore = value['has_more'];
    if (hasMore !== undefined && typeof hasMore !== 'boolean') return '"has_more" is not a boolean';
    const lastId = value['last_id'];
    if (lastId !== undefined && lastId !== null && typeof lastId !== 'string') {
      return '"last_id" is not a string or null';
    }
    for (let i = 0; i < data.length; i++) {
      const problem = item(data[i]);
      if (problem !== undefined) return `data[${i}]: ${problem}`;
    }
    return undefined;
  };
}

const runNames: ReadonlySet<string> = /* @__PURE__ */ new Set(RUN_STATUS_EVENTS);
const stepNames: ReadonlySet<string> = /* @__PURE__ */ new Set(RUN_STEP_EVENTS);
const messageNames: ReadonlySet<string> = /* @__PURE__ */ new Set(MESSAGE_EVENTS);

/**
 * What is wrong with the `data` of a `thread.*` frame named `event`, or `undefined`: run events
 * carry a run, step and message events a step or message, `thread.created` a thread, and the two
 * delta events an `id` and a `delta` whose parts have a usable `index`. Unknown names pass.
 */
export function runEventProblem(event: string, data: unknown): string | undefined {
  // The deltas first: they are nearly every frame of a run.
  if (event === 'thread.message.delta') return messageDeltaProblem(data);
  if (event === 'thread.run.step.delta') return stepDeltaProblem(data);
  if (runNames.has(event)) return runProblem(data);
  if (stepNames.has(event)) return stepProblem(data);
  if (messageNames.has(event)) return messageProblem(data);
  if (event === 'thread.created') return idProblem(data);
  return undefined;
}

/** `thread.message.delta`: `id`, and `delta.content` (if present) an array of indexed, typed parts. */
function messageDeltaProblem(data: unknown): string | undefined {
  if (!isRecord(data)) return NOT_OBJECT;
  if (typeof data['id'] !== 'string') return '"id" is not a string';
  const delta = data['delta'];
  if (!isRecord(delta)) return '"delta" is not an object';
  const content = delta['content'];
  if (content === undefined) return undefined;
  if (!Array.isArray(content)) return '"delta.content" is not an array';
  for (let i = 0; i < content.length; i++) {
    const part: unknown = content[i];
    if (!isRecord(part)) return `"delta.content[${i}]" is not an object`;
    if (!isIndex(part['index'])) return `"delta.content[${i}].index" is not a whole number ≥ 0`;
    if (typeof part['type'] !== 'string') return `"delta.content[${i}].type" is not a string`;
  }
  return undefined;
}

/** `thread.run.step.delta`: `id`, and `delta.step_details` (if present) typed, its calls indexed. */
function stepDeltaProblem(data: unknown): string | undefined {
  if (!isRecord(data)) return NOT_OBJECT;
  if (typeof data['id'] !== 'string') return '"id" is not a string';
  const delta = data['delta'];
  if (!isRecord(delta)) return '"delta" is not an object';
  const details = delta['step_details'];
  if (details === undefined) return undefined;
  if (!isRecord(details)) return '"delta.step_details" is not an object';
  if (typeof details['type'] !== 'string') return '"delta.step_details.type" is not a string';
  const calls = details['tool_calls'];
  if (calls === undefined) return undefined;
  if (!Array.isArray(calls)) return '"delta.step_details.tool_calls" is not an array';
  for (let i = 0; i < calls.length; i++) {
    const call: unknown = calls[i];
    if (!isRecord(call)) return `"delta.step_details.tool_calls[${i}]" is not an object`;
    if (!isIndex(call['index'])) {
      return `"delta.step_details.tool_calls[${i}].index" is not a whole number ≥ 0`;
    }
  }
  return undefined;
}

function arrayOfObjectsProblem(value: unknown, name: string): string | undefined {
  if (!Array.isArray(value)) return `"${name}" is not an array`;
  for (let i = 0; i < value.length; i++) {
    if (!isRecord(value[i])) return `"${name}[${i}]" is not an object`;
  }
  return undefined;
}

/** A response: `id` and `status` strings and an `output` array of typed objects. */
export function responseProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return NOT_OBJECT;
  if (typeof value['id'] !== 'string') return '"id" is not a string';
  if (typeof value['status'] !== 'string') return '"status" is not a string';
  const output = value['output'];
  if (!Array.isArray(output)) return '"output" is not an array';
  for (let i = 0; i < output.length; i++) {
    const item: unknown = output[i];
    if (!isRecord(item)) return `"output[${i}]" is not an object`;
    if (typeof item['type'] !== 'string') return `"output[${i}].type" is not a string`;
  }
  return undefined;
}

/** An item of a conversation or of a response's input: an object with a `type` string. */
export function itemProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return NOT_OBJECT;
  return typeof value['type'] === 'string' ? undefined : '"type" is not a string';
}

const lifecycleTypes: ReadonlySet<string> = /* @__PURE__ */ new Set(RESPONSE_LIFECYCLE_EVENTS);

/**
 * The fields each fragment and text event must carry, by type: its text field (a string), then its
 * indexes (whole numbers ≥ 0). Read by the response state and by what a resume has shown.
 */
const TEXT_EVENT_FIELDS: ReadonlyMap<string, readonly [text: string, ...indexes: string[]]> = new Map([
  ['response.output_text.delta', ['delta', 'output_index', 'content_index']],
  ['response.refusal.delta', ['delta', 'output_index', 'content_index']],
  ['response.reasoning_text.delta', ['delta', 'output_index', 'content_index']],
  ['response.function_call_arguments.delta', ['delta', 'output_index']],
  ['response.mcp_call_arguments.delta', ['delta', 'output_index']],
  ['response.custom_tool_call_input.delta', ['delta', 'output_index']],
  ['response.code_interpreter_call_code.delta', ['delta', 'output_index']],
  ['response.reasoning_summary_text.delta', ['delta', 'output_index', 'summary_index']],
  ['response.output_text.done', ['text', 'output_index', 'content_index']],
  ['response.reasoning_text.done', ['text', 'output_index', 'content_index']],
  ['response.refusal.done', ['refusal', 'output_index', 'content_index']],
  ['response.function_call_arguments.done', ['arguments', 'output_index']],
  ['response.reasoning_summary_text.done', ['text', 'output_index', 'summary_index']],
]);

/**
 * What is wrong with the data of a Responses stream frame, or `undefined`: a `type` string, a
 * `sequence_number` (when present) a whole number ≥ 0; lifecycle events carry a response; output
 * item events an `output_index` and a typed `item`; text, argument and reasoning fragments (and
 * their `done` events) their text as a string and their indexes. Unknown types pass.
 */
export function responseEventProblem(data: unknown): string | undefined {
  if (!isRecord(data)) return NOT_OBJECT;
  const type = data['type'];
  if (typeof type !== 'string') return '"type" is not a string';
  const sequence = data['sequence_number'];
  if (sequence !== undefined && !isIndex(sequence)) return '"sequence_number" is not a whole number ≥ 0';
  // The fragments first: they are nearly every frame of a response.
  const fields = TEXT_EVENT_FIELDS.get(type);
  if (fields !== undefined) {
    const text = fields[0];
    if (typeof data[text] !== 'string') return `"${text}" is not a string`;
    for (let i = 1; i < fields.length; i++) {
      const index = fields[i] as string;
      if (!isIndex(data[index])) return `"${index}" is not a whole number ≥ 0`;
    }
    return undefined;
  }
  if (type === 'response.output_item.added' || type === 'response.output_item.done') {
    if (!isIndex(data['output_index'])) return '"output_index" is not a whole number ≥ 0';
    const problem = itemProblem(data['item']);
    return problem === undefined ? undefined : `"item": ${problem}`;
  }
  if (lifecycleTypes.has(type)) {
    const problem = responseProblem(data['response']);
    return problem === undefined ? undefined : `"response": ${problem}`;
  }
  return undefined;
}
