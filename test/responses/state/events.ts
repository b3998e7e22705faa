import type { ResponseEvent, ResponseLifecycleEventType } from '../../../src/responses/ResponseEvent';
import type {
  ResponseFunctionCall,
  ResponseObject,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseReasoningItem,
  ResponseStatus,
} from '../../../src/responses/types';

/** Wire-shaped Responses events for the reducer's tests (fields and key order as the API sends them). */

export const RESP = 'resp_1';
export const MSG = 'msg_1';
export const FC = 'fc_1';

export const response = (
  status: ResponseStatus,
  fields: Partial<ResponseObject> = {},
  id: string = fields.id ?? RESP,
): ResponseObject => ({
  id,
  object: 'response',
  created_at: 1,
  status,
  error: null,
  model: 'gpt-test',
  output: [],
  usage: null,
  metadata: {},
  ...fields,
});

export const lifecycle = (
  type: ResponseLifecycleEventType,
  status: ResponseStatus,
  seq?: number,
  fields: Partial<ResponseObject> = {},
): ResponseEvent => ({
  type,
  ...(seq === undefined ? {} : { sequence_number: seq }),
  response: response(status, fields),
});

const numbered = (seq: number | undefined) => (seq === undefined ? {} : { sequence_number: seq });

export const message = (
  text: string | undefined,
  status: 'in_progress' | 'completed' = 'completed',
  id = MSG,
): ResponseOutputMessage => ({
  id,
  type: 'message',
  status,
  content: text === undefined ? [] : [{ type: 'output_text', annotations: [], logprobs: [], text }],
  role: 'assistant',
});

export const functionCall = (
  args: string,
  status: 'in_progress' | 'completed' = 'completed',
  callId = 'call_1',
  id = FC,
): ResponseFunctionCall => ({
  id,
  type: 'function_call',
  status,
  arguments: args,
  call_id: callId,
  name: 'lookup',
});

export const reasoning = (summary: string | undefined, id = 'rs_1'): ResponseReasoningItem => ({
  id,
  type: 'reasoning',
  summary: summary === undefined ? [] : [{ type: 'summary_text', text: summary }],
});

export const itemAdded = (index: number, item: ResponseOutputItem, seq?: number): ResponseEvent => ({
  type: 'response.output_item.added',
  ...numbered(seq),
  output_index: index,
  item,
});

export const itemDone = (index: number, item: ResponseOutputItem, seq?: number): ResponseEvent => ({
  type: 'response.output_item.done',
  ...numbered(seq),
  output_index: index,
  item,
});

export const partAdded = (index: number, seq?: number, itemId = MSG, content = 0): ResponseEvent => ({
  type: 'response.content_part.added',
  ...numbered(seq),
  item_id: itemId,
  output_index: index,
  content_index: content,
  part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
});

export const textDelta = (
  delta: string,
  seq?: number,
  index = 0,
  itemId = MSG,
  content = 0,
): ResponseEvent => ({
  type: 'response.output_text.delta',
  ...numbered(seq),
  item_id: itemId,
  output_index: index,
  content_index: content,
  delta,
});

export const textDone = (text: string, seq?: number, index = 0, itemId = MSG): ResponseEvent => ({
  type: 'response.output_text.done',
  ...numbered(seq),
  item_id: itemId,
  output_index: index,
  content_index: 0,
  text,
});

export const argsDelta = (delta: string, seq?: number, index = 0, itemId = FC): ResponseEvent => ({
  type: 'response.function_call_arguments.delta',
  ...numbered(seq),
  item_id: itemId,
  output_index: index,
  delta,
});

export const argsDone = (args: string, seq?: number, index = 0, itemId = FC): ResponseEvent => ({
  type: 'response.function_call_arguments.done',
  ...numbered(seq),
  item_id: itemId,
  output_index: index,
  arguments: args,
});

export const summaryPartAdded = (seq?: number, index = 0, itemId = 'rs_1'): ResponseEvent => ({
  type: 'response.reasoning_summary_part.added',
  ...numbered(seq),
  item_id: itemId,
  output_index: index,
  summary_index: 0,
  part: { type: 'summary_text', text: '' },
});

export const summaryDelta = (delta: string, seq?: number, index = 0, itemId = 'rs_1'): ResponseEvent => ({
  type: 'response.reasoning_summary_text.delta',
  ...numbered(seq),
  item_id: itemId,
  output_index: index,
  summary_index: 0,
  delta,
});

export const annotationAdded = (annotation: unknown, at = 0, seq?: number, index = 0): ResponseEvent => ({
  type: 'response.output_text.annotation.added',
  ...numbered(seq),
  item_id: MSG,
  output_index: index,
  content_index: 0,
  annotation_index: at,
  annotation,
});

export const toolOutput = (callId: string, output: string, responseId = RESP): ResponseEvent => ({
  type: 'response.function_call_output',
  response_id: responseId,
  item: { type: 'function_call_output', call_id: callId, output },
});

/** A whole streamed response with one message of `chunks`, numbered from 0. */
export function streamedMessage(chunks: string[], id = RESP, itemId = MSG): ResponseEvent[] {
  const text = chunks.join('');
  const final = message(text, 'completed', itemId);
  const events: ResponseEvent[] = [
    { type: 'response.created', response: response('in_progress', { id }) },
    { type: 'response.in_progress', response: response('in_progress', { id }) },
    itemAdded(0, message(undefined, 'in_progress', itemId)),
    partAdded(0, undefined, itemId),
    ...chunks.map((chunk) => textDelta(chunk, undefined, 0, itemId)),
    textDone(text, undefined, 0, itemId),
    itemDone(0, final),
    { type: 'response.completed', response: response('completed', { id, output: [final] }) },
  ];
  return events.map((event, seq) => ({ ...event, sequence_number: seq }) as ResponseEvent);
}
