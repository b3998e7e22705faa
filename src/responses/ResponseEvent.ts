import type {
  FunctionCallOutput,
  ResponseContentPart,
  ResponseObject,
  ResponseOutputItem,
  ResponseStatus,
} from './types';

/**
 * The events of a Responses stream, as the wire sends them (the SSE frame's data object),
 * discriminated on `type`. Every event the server sends carries `sequence_number`; events the
 * library synthesises (poll mode, `response.cancelled`, `response.function_call_output`) carry
 * none, so `reduceResponseState` never mistakes them for replays.
 * Unknown types pass through at runtime unchanged. A response's state is read from
 * `response.status`, never from the event's type.
 */

/** Events that carry the whole response: its lifecycle. */
export const RESPONSE_LIFECYCLE_EVENTS = [
  'response.created',
  'response.queued',
  'response.in_progress',
  'response.completed',
  'response.failed',
  'response.incomplete',
  'response.cancelled',
] as const;

/** The type of an event that carries the whole response (`response.created` … `response.cancelled`). */
export type ResponseLifecycleEventType = (typeof RESPONSE_LIFECYCLE_EVENTS)[number];

interface Sequenced {
  /** The event's place in its response's stream (0, 1, 2 …); the cursor of a re-attach. */
  sequence_number?: number | undefined;
}

/**
 * A lifecycle event with the response as it then was. `response.cancelled` is the library's own
 * (OpenAI's webhook name): no stream event says a response was cancelled, so the source emits it
 * when it reads that status.
 */
export interface ResponseLifecycleEvent<T extends ResponseLifecycleEventType = ResponseLifecycleEventType>
  extends Sequenced {
  type: T;
  response: ResponseObject;
}

/** An output item was added (in progress) or is done (final). */
export interface ResponseOutputItemEvent extends Sequenced {
  type: 'response.output_item.added' | 'response.output_item.done';
  output_index: number;
  item: ResponseOutputItem;
}

/** A content part of an output message was added or is done. */
export interface ResponseContentPartEvent extends Sequenced {
  type: 'response.content_part.added' | 'response.content_part.done';
  item_id: string;
  output_index: number;
  content_index: number;
  part: ResponseContentPart;
}

/** A fragment of a part's text (output text, refusal or reasoning text). */
export interface ResponseTextDeltaEvent extends Sequenced {
  type: 'response.output_text.delta' | 'response.refusal.delta' | 'response.reasoning_text.delta';
  item_id: string;
  output_index: number;
  content_index: number;
  delta: string;
}

/** A part's whole text. */
export interface ResponseTextDoneEvent extends Sequenced {
  type: 'response.output_text.done' | 'response.reasoning_text.done';
  item_id: string;
  output_index: number;
  content_index: number;
  text: string;
}

/** A refusal's whole text. */
export interface ResponseRefusalDoneEvent extends Sequenced {
  type: 'response.refusal.done';
  item_id: string;
  output_index: number;
  content_index: number;
  refusal: string;
}

/** A citation was added to output text. */
export interface ResponseAnnotationAddedEvent extends Sequenced {
  type: 'response.output_text.annotation.added';
  item_id: string;
  output_index: number;
  content_index: number;
  annotation_index: number;
  /** A `ResponseAnnotation` on the wire; typed `unknown` as the `openai` package types it. */
  annotation: unknown;
}

/** A fragment of a function call's (or another call's) arguments. */
export interface ResponseArgumentsDeltaEvent extends Sequenced {
  type:
    | 'response.function_call_arguments.delta'
    | 'response.mcp_call_arguments.delta'
    | 'response.custom_tool_call_input.delta'
    | 'response.code_interpreter_call_code.delta';
  item_id: string;
  output_index: number;
  delta: string;
}

/** A function call's whole arguments. */
export interface ResponseArgumentsDoneEvent extends Sequenced {
  type: 'response.function_call_arguments.done';
  item_id: string;
  output_index: number;
  name?: string | undefined;
  arguments: string;
}

/** A reasoning summary part was added or is done. */
export interface ResponseReasoningSummaryPartEvent extends Sequenced {
  type: 'response.reasoning_summary_part.added' | 'response.reasoning_summary_part.done';
  item_id: string;
  output_index: number;
  summary_index: number;
  part: { type: string; text: string };
}

/** A fragment of a reasoning summary. */
export interface ResponseReasoningSummaryDeltaEvent extends Sequenced {
  type: 'response.reasoning_summary_text.delta';
  item_id: string;
  output_index: number;
  summary_index: number;
  delta: string;
}

/** A reasoning summary's whole text. */
export interface ResponseReasoningSummaryDoneEvent extends Sequenced {
  type: 'response.reasoning_summary_text.done';
  item_id: string;
  output_index: number;
  summary_index: number;
  text: string;
}

/** A built-in tool's progress (`response.file_search_call.searching`, `response.mcp_call.completed` …). */
export interface ResponseToolProgressEvent extends Sequenced {
  type:
    | 'response.file_search_call.in_progress'
    | 'response.file_search_call.searching'
    | 'response.file_search_call.completed'
    | 'response.web_search_call.in_progress'
    | 'response.web_search_call.searching'
    | 'response.web_search_call.completed'
    | 'response.code_interpreter_call.in_progress'
    | 'response.code_interpreter_call.interpreting'
    | 'response.code_interpreter_call.completed'
    | 'response.image_generation_call.in_progress'
    | 'response.image_generation_call.generating'
    | 'response.image_generation_call.completed'
    | 'response.mcp_call.in_progress'
    | 'response.mcp_call.completed'
    | 'response.mcp_call.failed'
    | 'response.mcp_list_tools.in_progress'
    | 'response.mcp_list_tools.completed'
    | 'response.mcp_list_tools.failed';
  item_id: string;
  output_index: number;
}

/** An `error` frame: the stream's own failure (not the response's: that is `response.failed`). */
export interface ResponseErrorEvent extends Sequenced {
  type: 'error';
  code?: string | null | undefined;
  message: string;
  param?: string | null | undefined;
}

/**
 * The library's own event: `handleFunctionCalls` submitted this output for one of `response_id`'s
 * function calls (the continuation follows). No sequence number: the server never sent it.
 */
export interface ResponseFunctionCallOutputEvent {
  type: 'response.function_call_output';
  /** The response whose function call this answers. */
  response_id: string;
  item: FunctionCallOutput;
  sequence_number?: undefined;
}

/** Sent by servers on idle streams; carries nothing. */
export interface ResponseKeepaliveEvent extends Sequenced {
  type: 'keepalive';
}

/**
 * Any other event the wire defines (audio, shell calls, partial images, custom tool input done …):
 * typed loosely, passed through unchanged.
 */
export interface ResponseOtherEvent extends Sequenced {
  type:
    | 'response.audio.delta'
    | 'response.audio.done'
    | 'response.audio.transcript.delta'
    | 'response.audio.transcript.done'
    | 'response.code_interpreter_call_code.done'
    | 'response.compaction.compacting'
    | 'response.custom_tool_call_input.done'
    | 'response.mcp_call_arguments.done'
    | 'response.image_generation_call.partial_image'
    | 'response.shell_call_command.added'
    | 'response.shell_call_command.delta'
    | 'response.shell_call_command.done'
    | 'response.shell_call_output_content.delta'
    | 'response.shell_call_output_content.done';
  item_id?: string | undefined;
  output_index?: number | undefined;
}

/** Every event of a Responses stream (see the module comment). */
export type ResponseEvent =
  | ResponseLifecycleEvent
  | ResponseOutputItemEvent
  | ResponseContentPartEvent
  | ResponseTextDeltaEvent
  | ResponseTextDoneEvent
  | ResponseRefusalDoneEvent
  | ResponseAnnotationAddedEvent
  | ResponseArgumentsDeltaEvent
  | ResponseArgumentsDoneEvent
  | ResponseReasoningSummaryPartEvent
  | ResponseReasoningSummaryDeltaEvent
  | ResponseReasoningSummaryDoneEvent
  | ResponseToolProgressEvent
  | ResponseErrorEvent
  | ResponseKeepaliveEvent
  | ResponseFunctionCallOutputEvent
  | ResponseOtherEvent;

/** Every `type` of {@link ResponseEvent}. */
export type ResponseEventType = ResponseEvent['type'];

/**
 * The member of {@link ResponseEvent} with this `type`, its `type` narrowed to `T` (several members
 * name a few types each, so `Extract` alone would find none).
 */
export type ResponseEventOf<T extends ResponseEventType> = NarrowTo<ResponseEvent, T>;

type NarrowTo<E, T> = E extends { type: infer U } ? ([T] extends [U] ? E & { type: T } : never) : never;

const LIFECYCLE: ReadonlySet<string> = new Set(RESPONSE_LIFECYCLE_EVENTS);

/** `true` for an event that carries the whole response (created, in progress, completed …). */
export function isResponseLifecycleEvent(event: { type: string }): event is ResponseLifecycleEvent {
  return LIFECYCLE.has(event.type);
}

const TERMINAL: ReadonlySet<string> = new Set<ResponseStatus>([
  'completed',
  'failed',
  'incomplete',
  'cancelled',
]);

/** `true` for a status after which a response never changes. */
export function isTerminalResponseStatus(status: unknown): boolean {
  return typeof status === 'string' && TERMINAL.has(status);
}

/** `true` for an event of the Responses family (its `type`), `false` for an Assistants `RunEvent`. */
export function isResponseEvent(event: unknown): event is ResponseEvent {
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof (event as { type?: unknown }).type === 'string' &&
    !('event' in event)
  );
}
