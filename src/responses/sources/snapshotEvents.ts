import { isTerminalResponseStatus, type ResponseEvent, type ResponseLifecycleEvent } from '../ResponseEvent';
import type {
  ResponseContentPart,
  ResponseFunctionCall,
  ResponseObject,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseReasoningItem,
} from '../types';
import { type ItemShown, partText, type ResponseShown, showResponseEvent } from './ResponseShown';

/**
 * Events synthesised from a response's snapshot (poll mode, and after a re-attach was refused),
 * typed as the stream types them, so every collector sees the same thing in both modes: the
 * status on change, each new item added, the text not yet shown of each part as one delta, each
 * finished item done, and the terminal event. They carry no `sequence_number`: the server never
 * sent them. Internal.
 */

/** The lifecycle event that shows `response` in its status (`response.cancelled` is the library's). */
export function statusEvent(response: ResponseObject): ResponseLifecycleEvent {
  return { type: `response.${response.status}`, response } as ResponseLifecycleEvent;
}

/**
 * `response.created` for a non-streaming create's answer: the response as created (no output
 * yet, still running), so the events after it show its output as a stream would.
 */
export function createdEvent(response: ResponseObject): ResponseLifecycleEvent {
  const status = isTerminalResponseStatus(response.status) ? 'in_progress' : response.status;
  return { type: 'response.created', response: { ...response, status, output: [] } };
}

/** A part as `content_part.added` shows it: its kind, no text yet. */
function emptyPart(part: ResponseContentPart): ResponseContentPart {
  if (part.type === 'refusal') return { type: 'refusal', refusal: '' };
  if (part.type === 'output_text') return { type: 'output_text', text: '', annotations: [] };
  return { ...part, text: '' };
}

/** An item as `output_item.added` shows it: in progress, without the text to come. */
function addedItem(item: ResponseOutputItem): ResponseOutputItem {
  switch (item.type) {
    case 'message':
      return { ...item, status: 'in_progress', content: [] } as ResponseOutputItem;
    case 'function_call':
      return { ...item, status: 'in_progress', arguments: '' } as ResponseOutputItem;
    case 'reasoning':
      return { ...item, summary: [] } as ResponseOutputItem;
    default:
      return item;
  }
}

/** The events that show what `seen` has not shown of one item of the snapshot. */
function itemEvents(
  item: ResponseOutputItem,
  output_index: number,
  seen: ItemShown | undefined,
  finished: boolean,
): ResponseEvent[] {
  const events: ResponseEvent[] = [];
  if (seen?.done) return events;
  if (seen === undefined)
    events.push({ type: 'response.output_item.added', output_index, item: addedItem(item) });
  const item_id = item.id ?? '';
  const done = finished || (item.status !== undefined && item.status !== 'in_progress');
  const rest = (text: string, at: number): string => text.slice(seen?.text[at] ?? 0);
  // The item's `type` does not narrow the union (other items' `type` is any string): read as each kind.
  if (item.type === 'message') {
    const { content: parts } = item as ResponseOutputMessage;
    const content = Array.isArray(parts) ? parts : [];
    content.forEach((part, content_index) => {
      const base = { item_id, output_index, content_index };
      if (seen === undefined || seen.text[content_index] === undefined) {
        events.push({ type: 'response.content_part.added', ...base, part: emptyPart(part) });
      }
      const text = partText(part);
      const delta = rest(text, content_index);
      const refusal = part.type === 'refusal';
      if (delta !== '') {
        events.push({
          type: refusal ? 'response.refusal.delta' : 'response.output_text.delta',
          ...base,
          delta,
        });
      }
      if (!done) return;
      events.push(
        refusal
          ? { type: 'response.refusal.done', ...base, refusal: text }
          : { type: 'response.output_text.done', ...base, text },
        { type: 'response.content_part.done', ...base, part },
      );
    });
  } else if (item.type === 'function_call') {
    const call = item as ResponseFunctionCall;
    const args = typeof call.arguments === 'string' ? call.arguments : '';
    const delta = rest(args, 0);
    if (delta !== '')
      events.push({ type: 'response.function_call_arguments.delta', item_id, output_index, delta });
    if (done) {
      events.push({
        type: 'response.function_call_arguments.done',
        item_id,
        output_index,
        name: call.name,
        arguments: args,
      });
    }
  } else if (item.type === 'reasoning') {
    const { summary: parts } = item as ResponseReasoningItem;
    const summary = Array.isArray(parts) ? parts : [];
    summary.forEach((part, summary_index) => {
      const text = typeof part?.text === 'string' ? part.text : '';
      const delta = rest(text, summary_index);
      const base = { item_id, output_index, summary_index };
      if (delta !== '') events.push({ type: 'response.reasoning_summary_text.delta', ...base, delta });
      if (done) events.push({ type: 'response.reasoning_summary_text.done', ...base, text });
    });
  }
  if (done) events.push({ type: 'response.output_item.done', output_index, item });
  return events;
}

/**
 * The events that show what `shown` has not shown of `response`: `response.created` when nothing
 * was shown of it, a change of a running status, then the output, then the terminal event.
 */
export function snapshotEvents(shown: ResponseShown, response: ResponseObject): ResponseEvent[] {
  // Nothing shown of the response yet: name it first, as a stream's `response.created` does.
  if (shown.status === undefined) {
    const first = createdEvent(response);
    return [first, ...snapshotEvents(showResponseEvent(shown, first), response)];
  }
  const finished = isTerminalResponseStatus(response.status);
  const events: ResponseEvent[] = [];
  if (!finished && response.status !== shown.status) events.push(statusEvent(response));
  const output = Array.isArray(response.output) ? response.output : [];
  output.forEach((item, index) => {
    if (typeof item?.type === 'string') events.push(...itemEvents(item, index, shown.items[index], finished));
  });
  if (finished) events.push(statusEvent(response));
  return events;
}
