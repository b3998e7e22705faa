import { isRecord, jsonEqual, type Rec, withoutForbiddenKeys } from '../../state/objects';
import { isTerminalResponseStatus, type ResponseEvent } from '../ResponseEvent';
import type { FunctionCallOutput, ResponseFunctionCall, ResponseObject, ResponseOutputItem } from '../types';
import {
  applyCallField,
  applyItemEvent,
  applyToolProgress,
  isCallFieldEvent,
  reconcileOutput,
  recordOf,
} from './outputItems';
import { applyAnnotation, applyPartEvent, applyText, isTextEvent, OUTPUT_TEXT_DELTA } from './parts';
import { frozenEmpty, type ResponseState, type ResponseTurn } from './ResponseState';

const NO_CALLS = /* @__PURE__ */ frozenEmpty<ResponseFunctionCall>();
const NO_OUTPUT = /* @__PURE__ */ frozenEmpty<ResponseOutputItem>();

/** The last word of a built-in tool's progress event (`response.web_search_call.searching`). */
const PROGRESS =
  /^response\.[a-z_]+\.(in_progress|searching|interpreting|generating|calling|completed|failed)$/;

/**
 * The pure reducer behind `responseState()`: the state after one more Responses event. Use it in a
 * UI store (Redux, NgRx, Svelte, a React `useReducer`) fed with the events of `createResponse`.
 *
 * - Lifecycle events (`response.created | queued | in_progress | completed | failed | incomplete |
 *   cancelled`) set `response`, `status` (read from `response.status`, never from the type),
 *   `usage` and `error`. A terminal payload's non-empty `output` is the server's final word and
 *   replaces what the events built (items equal to those held stay `===`), so the final text is
 *   the server's even if a delta was doubled. Non-terminal payloads leave the output to the item
 *   events (a poll source's snapshot followed by its own deltas would otherwise count text twice).
 * - A lifecycle payload with another response id begins the next response of the chain: the
 *   current one moves to `turns`. A payload of a response already in `turns` is a late replay.
 *   For the same response, a terminal status is never left and `response.created` is not re-applied.
 * - Item events merge by index, never by position: `output_index`, `content_index`,
 *   `summary_index`, `annotation_index`. Deltas append (text, refusals, reasoning and summaries,
 *   call arguments); `.done` events set. A delta for an item or part not seen yet begins it when
 *   its index is the next one (a stream joined mid-item); an event naming another `item_id` than
 *   the item at its index is ignored. `response.function_call_output` (the library's event) adds
 *   to `toolOutputs`, once per `call_id`.
 * - Replays are idempotent: for the current response, an event whose `sequence_number` is below
 *   the highest applied one is ignored, and so is a delta at it (deltas are the only events that
 *   change the state again when repeated). Events without a number (poll mode) always apply.
 * - Untrusted input is handled without harm: an index must be a safe integer in `[0, 10000)` and
 *   at most one past the last element (arrays stay dense); `__proto__`, `constructor` and
 *   `prototype` keys are dropped from payloads the state keeps; malformed events, stream `error`
 *   frames (the source's business), keepalives and unknown types leave the state as it is.
 *
 * Cheap per delta and structurally shared: only the changed part, its item, the output list and
 * the state object are new; an event that changes nothing returns `state` itself.
 *
 * @param state - The previous state ({@link initialResponseState} to start).
 * @param event - The next Responses event.
 * @returns The next state, or `state` itself when the event changes nothing.
 *
 * @example
 * ```ts
 * import { useEffect, useReducer } from 'react';
 * import { createResponse, initialResponseState, reduceResponseState } from 'rxjs-assistants';
 *
 * const [state, dispatch] = useReducer(reduceResponseState, initialResponseState);
 * useEffect(() => {
 *   const sub = createResponse(client, { model, input }).subscribe(dispatch);
 *   return () => sub.unsubscribe();
 * }, [input]);
 * ```
 */
export function reduceResponseState(state: ResponseState, event: ResponseEvent): ResponseState {
  if (!isRecord(event)) return state;
  const type = event['type'];
  if (typeof type !== 'string') return state;
  // A switch rather than a set lookup: a set hashes the type, which costs on the per-delta path.
  switch (type) {
    case 'response.created':
    case 'response.queued':
    case 'response.in_progress':
    case 'response.completed':
    case 'response.failed':
    case 'response.incomplete':
    case 'response.cancelled':
      return applyLifecycle(state, event, type);
    case 'response.function_call_output':
      return applyToolOutput(state, event['item']);
  }
  const seq = event['sequence_number'];
  const last = state.sequenceNumber;
  if (
    typeof seq === 'number' &&
    last !== undefined &&
    (seq < last || (seq === last && type.endsWith('.delta')))
  ) {
    return state;
  }
  let output: ResponseOutputItem[];
  switch (type) {
    case 'response.output_text.delta':
      output = applyText(state.output, event, type, OUTPUT_TEXT_DELTA);
      break;
    case 'response.output_item.added':
    case 'response.output_item.done':
      output = applyItemEvent(
        state.output,
        type === 'response.output_item.done',
        event['output_index'],
        event['item'],
      );
      break;
    case 'response.content_part.added':
    case 'response.content_part.done':
    case 'response.reasoning_summary_part.added':
    case 'response.reasoning_summary_part.done':
      output = applyPartEvent(state.output, event, type);
      break;
    case 'response.output_text.annotation.added':
      output = applyAnnotation(state.output, event);
      break;
    default:
      if (isTextEvent(type)) output = applyText(state.output, event, type);
      else if (isCallFieldEvent(type)) output = applyCallField(state.output, event);
      else if (PROGRESS.test(type)) output = applyToolProgress(state.output, event);
      else return state;
  }
  return output === state.output ? state : withOutput(state, output, seq);
}

/** `state` with new output, and the event's sequence number. A literal: this runs once per delta. */
function withOutput(state: ResponseState, output: ResponseOutputItem[], seq: unknown): ResponseState {
  return {
    responseId: state.responseId,
    status: state.status,
    response: state.response,
    output,
    unansweredCalls: state.unansweredCalls,
    toolOutputs: state.toolOutputs,
    turns: state.turns,
    usage: state.usage,
    error: state.error,
    sequenceNumber: highest(state.sequenceNumber, seq),
    done: state.done,
  };
}

function highest(last: number | undefined, seq: unknown): number | undefined {
  if (typeof seq !== 'number' || !Number.isFinite(seq)) return last;
  return last === undefined || seq > last ? seq : last;
}

function applyLifecycle(state: ResponseState, event: Rec, type: string): ResponseState {
  const payload = event['response'];
  if (!isRecord(payload) || typeof payload['id'] !== 'string') return state;
  const response = withoutForbiddenKeys(payload) as unknown as ResponseObject;
  const seq = event['sequence_number'];
  if (state.responseId !== undefined && response.id !== state.responseId) {
    if (state.turns.some((turn) => turn.response?.id === response.id)) return state; // a late replay
    const turn: ResponseTurn = { response: state.response, output: state.output };
    return settle(state, response, NO_OUTPUT, [...state.turns, turn], highest(undefined, seq));
  }
  const held = state.response;
  const last = state.sequenceNumber;
  if (typeof seq === 'number' && last !== undefined && seq < last) return state;
  if (held !== undefined) {
    if (type === 'response.created') return state; // its first event again
    if (isTerminalResponseStatus(held.status) && !isTerminalResponseStatus(response.status)) return state;
    if (jsonEqual(held, response) && highest(last, seq) === last) return state;
  }
  return settle(state, response, state.output, state.turns, highest(last, seq));
}

/** The state holding `response` as the current response's latest lifecycle payload. */
function settle(
  state: ResponseState,
  response: ResponseObject,
  output: ResponseOutputItem[],
  turns: ResponseTurn[],
  sequenceNumber: number | undefined,
): ResponseState {
  const status =
    typeof response.status === 'string'
      ? response.status
      : response.id === state.responseId
        ? state.status
        : 'pending';
  const terminal = isTerminalResponseStatus(status);
  const final = response.output;
  const items =
    terminal && Array.isArray(final) && final.length > 0 ? reconcileOutput(output, final) : output;
  return {
    responseId: response.id,
    status,
    response,
    output: items,
    unansweredCalls: unanswered(items, status, state.toolOutputs, state.unansweredCalls),
    toolOutputs: state.toolOutputs,
    turns,
    usage: response.usage ?? undefined,
    error: response.error ?? undefined,
    sequenceNumber,
    done: terminal && !(status === 'completed' && items.some(isFunctionCall)),
  };
}

function applyToolOutput(state: ResponseState, item: unknown): ResponseState {
  if (!isRecord(item) || typeof item['call_id'] !== 'string') return state;
  const list = state.toolOutputs;
  const at = list.findIndex((output) => output.call_id === item['call_id']);
  if (at >= 0 && jsonEqual(list[at], item)) return state; // the same output again
  const output = withoutForbiddenKeys(item) as unknown as FunctionCallOutput;
  const toolOutputs = list.slice();
  if (at >= 0) toolOutputs[at] = output;
  else toolOutputs.push(output);
  const unansweredCalls = unanswered(state.output, state.status, toolOutputs, state.unansweredCalls);
  return { ...state, toolOutputs, unansweredCalls };
}

function isFunctionCall(item: ResponseOutputItem): item is ResponseFunctionCall {
  return item.type === 'function_call' && typeof recordOf(item)['call_id'] === 'string';
}

/**
 * The function calls of a `completed` response that no output answers, `previous` itself when it
 * holds the same calls (so the snapshot's list stays `===`).
 */
function unanswered(
  output: readonly ResponseOutputItem[],
  status: string,
  toolOutputs: readonly FunctionCallOutput[],
  previous: ResponseFunctionCall[],
): ResponseFunctionCall[] {
  if (status !== 'completed') return NO_CALLS;
  const calls = output
    .filter(isFunctionCall)
    .filter((call) => !toolOutputs.some((o) => o.call_id === call.call_id));
  if (calls.length === 0) return NO_CALLS;
  const same = calls.length === previous.length && calls.every((call, i) => call === previous[i]);
  return same ? previous : calls;
}
