import {
  isResponseLifecycleEvent,
  isTerminalResponseStatus,
  type ResponseEvent,
} from '../responses/ResponseEvent';
import type {
  ResponseContentPart,
  ResponseFunctionCall,
  ResponseObject,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseReasoningItem,
} from '../responses/types';
import { type ChunkWriter, type FamilyChunks, parseJson } from './ChunkWriter';
import { fileSource, stringField, urlSource } from './citations';

/**
 * The UI message of a response, or of a chain of them (one per tool round): a step per response,
 * a text part per output text or refusal part (`<item id>:<content index>`), a reasoning part per
 * summary part (`<item id>:summary:<index>`) or reasoning text, a tool part per function call
 * (its output from `response.function_call_output`) and per other tool call (built-in ones
 * provider-executed, with their outputs), citations as sources, each response's status as `data-run-status`.
 * Events at or below a response's last `sequence_number` are replays and write nothing. Internal.
 */
/** The `*_call` items of the tools the server runs itself (the others wait for the caller). */
const SERVER_TOOLS: ReadonlySet<string> = new Set([
  'file_search_call',
  'web_search_call',
  'code_interpreter_call',
  'image_generation_call',
  'mcp_call',
]);

export function responseEventChunks(writer: ChunkWriter): FamilyChunks<ResponseEvent> {
  /** Function call item id → call id (the argument events name the item, the protocol the call). */
  const callOfItem = new Map<string, string>();
  /** Responses whose terminal event was shown: a later lifecycle event of theirs is a replay. */
  const finished = new Set<string>();
  let current: { id: string; lastSeq: number } | undefined;
  let last: ResponseObject | undefined;

  const cite = (annotation: unknown) => {
    const type = stringField(annotation, 'type');
    if (type === 'url_citation') {
      const url = stringField(annotation, 'url');
      if (url) writer.source(urlSource(url, stringField(annotation, 'title')));
      return;
    }
    const fileId = stringField(annotation, 'file_id');
    const containerId = stringField(annotation, 'container_id');
    if (fileId) {
      writer.source(
        fileSource(fileId, stringField(annotation, 'filename'), containerId ? { containerId } : {}),
      );
    }
  };

  /** A part of a message: opened (not `final`) or ended with its final text and citations. */
  const part = (itemId: string, index: number, value: ResponseContentPart | undefined, final: boolean) => {
    const reasoning = value?.type === 'reasoning_text';
    const key = reasoning ? `${itemId}:reasoning:${index}` : `${itemId}:${index}`;
    if (!final) {
      writer.append(reasoning ? 'reasoning' : 'text', key, '');
      return;
    }
    if (value?.type === 'refusal') writer.complete('text', key, value.refusal);
    else writer.complete(reasoning ? 'reasoning' : 'text', key, value?.text);
    if (value?.type === 'output_text' && Array.isArray(value.annotations)) value.annotations.forEach(cite);
  };

  /** An output item as added (`final` false) or done: its parts, call, summary or built-in tool. */
  const item = (value: ResponseOutputItem | undefined, final: boolean) => {
    if (typeof value?.type !== 'string') return;
    if (value.type === 'message') {
      const { id, content } = value as ResponseOutputMessage;
      if (final && Array.isArray(content))
        content.forEach((p, i) => {
          part(id, i, p, true);
        });
    } else if (value.type === 'function_call') {
      const call = value as ResponseFunctionCall;
      if (typeof call.call_id !== 'string') return;
      if (typeof call.id === 'string') callOfItem.set(call.id, call.call_id);
      if (final) writer.toolInput(call.call_id, call.name ?? '', parseJson(call.arguments ?? ''));
      else {
        writer.toolStart(call.call_id, call.name ?? '');
        writer.toolArgs(call.call_id, call.arguments ?? '');
      }
    } else if (value.type === 'reasoning') {
      const { id, summary, content } = value as ResponseReasoningItem;
      if (!final) return;
      if (Array.isArray(summary))
        summary.forEach((s, i) => {
          writer.complete('reasoning', `${id}:summary:${i}`, s?.text);
        });
      if (Array.isArray(content))
        content.forEach((c, i) => {
          writer.complete('reasoning', `${id}:reasoning:${i}`, c?.text);
        });
    } else if (value.type.endsWith('_call') && typeof value.id === 'string') {
      otherCall(value as Record<string, unknown> & { id: string; type: string }, final);
    }
  };

  /**
   * Another tool's call: a built-in tool the server runs (file search, web search, code
   * interpreter, image generation, MCP), with its outputs; or one the caller answers in a later
   * request (computer use, shell, custom tools), shown with its input only.
   */
  const otherCall = (call: Record<string, unknown> & { id: string; type: string }, final: boolean) => {
    const byServer = SERVER_TOOLS.has(call.type);
    const name =
      call.type === 'custom_tool_call' && typeof call['name'] === 'string'
        ? call['name']
        : call.type.slice(0, -'_call'.length);
    const { id, call_id, type, status, error, results, outputs, output, result, ...input } = call;
    const toolCallId = typeof call_id === 'string' ? call_id : id;
    if (!final) {
      writer.toolStart(toolCallId, name, byServer);
      return;
    }
    writer.toolInput(toolCallId, name, input, byServer);
    if (!byServer) return;
    if (status === 'failed' || status === 'incomplete' || (error !== undefined && error !== null)) {
      const errorText = stringField(error, 'message') ?? (typeof error === 'string' ? error : undefined);
      writer.toolOutput(toolCallId, undefined, errorText ?? `The ${name} call ${status ?? 'failed'}.`);
    } else if (status === 'completed' || status === undefined) {
      writer.toolOutput(toolCallId, results ?? outputs ?? output ?? result ?? { status: 'completed' });
    }
  };

  const lifecycle = (response: ResponseObject) => {
    writer.startStep(response.id);
    if (typeof response.status === 'string') {
      writer.status(response.id, { status: response.status, responseId: response.id });
    }
    last = response;
    if (!isTerminalResponseStatus(response.status)) return;
    // The terminal payload is authoritative: whatever the events did not show of it is shown now.
    if (Array.isArray(response.output)) for (const value of response.output) item(value, true);
    writer.finishStep(response.id);
    finished.add(response.id);
  };

  return {
    next(event) {
      if (isResponseLifecycleEvent(event)) {
        const id = event.response?.id;
        if (typeof id !== 'string' || finished.has(id)) return;
        if (current?.id !== id) current = { id, lastSeq: -1 };
      }
      const seq = event.sequence_number;
      if (typeof seq === 'number' && current !== undefined) {
        if (seq <= current.lastSeq) return;
        current.lastSeq = seq;
      }
      switch (event.type) {
        case 'response.output_item.added':
        case 'response.output_item.done':
          item(event.item, event.type === 'response.output_item.done');
          return;
        case 'response.content_part.added':
        case 'response.content_part.done':
          part(event.item_id, event.content_index, event.part, event.type === 'response.content_part.done');
          return;
        case 'response.output_text.delta':
        case 'response.refusal.delta':
          writer.append('text', `${event.item_id}:${event.content_index}`, event.delta ?? '');
          return;
        case 'response.reasoning_text.delta':
          writer.append('reasoning', `${event.item_id}:reasoning:${event.content_index}`, event.delta ?? '');
          return;
        case 'response.output_text.done':
          writer.complete('text', `${event.item_id}:${event.content_index}`, event.text);
          return;
        case 'response.reasoning_text.done':
          writer.complete('reasoning', `${event.item_id}:reasoning:${event.content_index}`, event.text);
          return;
        case 'response.refusal.done':
          writer.complete('text', `${event.item_id}:${event.content_index}`, event.refusal);
          return;
        case 'response.output_text.annotation.added':
          cite(event.annotation);
          return;
        case 'response.function_call_arguments.delta': {
          const callId = callOfItem.get(event.item_id);
          if (callId !== undefined) writer.toolArgs(callId, event.delta ?? '');
          return;
        }
        case 'response.function_call_arguments.done': {
          const callId = callOfItem.get(event.item_id);
          if (callId !== undefined)
            writer.toolInput(callId, event.name ?? '', parseJson(event.arguments ?? ''));
          return;
        }
        case 'response.reasoning_summary_part.added':
        case 'response.reasoning_summary_text.delta': {
          const delta = event.type === 'response.reasoning_summary_text.delta' ? event.delta : '';
          writer.append('reasoning', `${event.item_id}:summary:${event.summary_index}`, delta ?? '');
          return;
        }
        case 'response.reasoning_summary_text.done':
        case 'response.reasoning_summary_part.done': {
          const text = event.type === 'response.reasoning_summary_text.done' ? event.text : event.part?.text;
          writer.complete('reasoning', `${event.item_id}:summary:${event.summary_index}`, text);
          return;
        }
        case 'response.function_call_output':
          if (typeof event.item?.call_id === 'string' && typeof event.item.output === 'string') {
            writer.submitted(event.item.call_id, event.item.output);
          }
          return;
        case 'error':
          writer.once(`error:${current?.id}:${seq}`, { type: 'error', errorText: String(event.message) });
          return;
        default:
          if (isResponseLifecycleEvent(event) && typeof event.response?.id === 'string')
            lifecycle(event.response);
      }
    },

    outcome() {
      if (last === undefined) return undefined;
      const { id, status, error, incomplete_details, output } = last;
      switch (status) {
        case 'completed': {
          const asked = Array.isArray(output) ? output : [];
          const unanswered = asked.some(
            (value) =>
              value?.type === 'function_call' && !writer.answered((value as ResponseFunctionCall).call_id),
          );
          return { finishReason: unanswered ? 'tool-calls' : 'stop' };
        }
        case 'incomplete': {
          const reason = incomplete_details?.reason;
          return {
            finishReason:
              reason === 'max_output_tokens'
                ? 'length'
                : reason === 'content_filter'
                  ? 'content-filter'
                  : 'other',
            errorText: `Response ${id} ended incomplete${reason ? `: ${reason}` : ''}.`,
          };
        }
        case 'failed':
          return {
            finishReason: 'error',
            errorText: error
              ? `Response ${id} failed (${error.code}): ${error.message}`
              : `Response ${id} failed.`,
          };
        case 'cancelled':
          return { abortReason: `Response ${id} was cancelled.` };
        default:
          return { finishReason: 'other' };
      }
    },
  };
}
