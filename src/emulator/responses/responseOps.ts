import type { ResponseStatus } from '../../responses/types';
import { nowSeconds } from '../clock';
import { newId } from '../ids';
import {
  type FunctionCallItem,
  type OutputMessageItem,
  type OutputTextPart,
  type ResponseBody,
  type StoredItem,
  usageOf,
} from './objects';
import type { ResponseRecord } from './store';

/** Item statuses of work not done yet (a code interpreter call is `interpreting`, a search `searching`). */
const OPEN: ReadonlySet<string> = new Set(['in_progress', 'interpreting', 'searching']);

/** One event of a response as it goes on the wire: its type, its place, its JSON text. */
export interface ResponseWireEvent {
  responseId: string;
  /** Its `sequence_number`: 0, 1, 2 … within the response. */
  sequence: number;
  type: string;
  /** The event's data as sent: `{"type", "sequence_number", …}`. */
  data: string;
}

/** The ends a response's script can reach (`cancelled` comes from outside: see {@link ResponseOps.cancel}). */
export type ResponseEnd = Extract<ResponseStatus, 'completed' | 'failed' | 'incomplete'>;

/** An output message being written: its item, its one text part and its place in the output. */
export interface OpenText {
  item: OutputMessageItem;
  part: OutputTextPart;
  index: number;
}

/**
 * The changes a response goes through, each applied to the stored response and emitted as the
 * event the service sends for it (so a stream, a re-attach and a `GET` see the same response).
 * Every event gets the response's next `sequence_number`, is serialised at once (later changes do
 * not leak in) and, for a streamed response, is kept in its log.
 */
export class ResponseOps {
  constructor(
    private readonly emit: (record: ResponseRecord, event: ResponseWireEvent) => void,
    /** An output item is done (a conversation takes it in). */
    private readonly itemDone: (record: ResponseRecord, item: StoredItem) => void,
  ) {}

  /** Emits one event with these fields after `type` and `sequence_number`. */
  event(record: ResponseRecord, type: string, payload: object): void {
    const sequence = record.sequence++;
    const data = JSON.stringify({ type, sequence_number: sequence, ...payload });
    const event: ResponseWireEvent = { responseId: record.response.id, sequence, type, data };
    record.log?.push(event);
    this.emit(record, event);
  }

  /** Emits the whole response, under `response.<status>` unless another type is given. */
  lifecycle(record: ResponseRecord, type = `response.${record.response.status}`): void {
    this.event(record, type, { response: record.response });
  }

  setStatus(record: ResponseRecord, status: ResponseStatus): void {
    record.response.status = status;
    this.lifecycle(record);
  }

  /** Adds an item to the output (`response.output_item.added`); returns its `output_index`. */
  addItem(record: ResponseRecord, item: StoredItem): number {
    const index = record.response.output.push(item) - 1;
    this.event(record, 'response.output_item.added', { output_index: index, item });
    return index;
  }

  /** Ends an item (`response.output_item.done`). */
  finishItem(
    record: ResponseRecord,
    item: StoredItem,
    index: number,
    status: 'completed' | 'incomplete' = 'completed',
  ): void {
    item['status'] = status;
    this.event(record, 'response.output_item.done', { output_index: index, item });
    this.itemDone(record, item);
  }

  /** A new assistant message with an empty `output_text` part (`output_item.added`, `content_part.added`). */
  beginText(record: ResponseRecord): OpenText {
    const item: OutputMessageItem = {
      id: newId('msg'),
      type: 'message',
      status: 'in_progress',
      content: [],
      role: 'assistant',
    };
    const index = this.addItem(record, item);
    const part: OutputTextPart = { type: 'output_text', annotations: [], logprobs: [], text: '' };
    item.content.push(part);
    this.event(record, 'response.content_part.added', { ...this.where(item, index), part });
    return { item, part, index };
  }

  /** Appends a chunk (`output_text.delta`); with `annotation`, cites it (`output_text.annotation.added`). */
  appendText(record: ResponseRecord, text: OpenText, chunk: string, annotation?: object): void {
    const { item, part, index } = text;
    part.text += chunk;
    record.tokens.output++;
    this.event(record, 'response.output_text.delta', {
      ...this.where(item, index),
      delta: chunk,
      logprobs: [],
    });
    if (annotation === undefined) return;
    const annotation_index = part.annotations.push({ ...annotation }) - 1;
    this.event(record, 'response.output_text.annotation.added', {
      ...this.where(item, index),
      annotation_index,
      annotation,
    });
  }

  /** Ends a message: `output_text.done`, `content_part.done`, `output_item.done`. */
  finishText(record: ResponseRecord, text: OpenText, status: 'completed' | 'incomplete'): void {
    const { item, part, index } = text;
    this.event(record, 'response.output_text.done', {
      ...this.where(item, index),
      text: part.text,
      logprobs: [],
    });
    this.event(record, 'response.content_part.done', { ...this.where(item, index), part });
    this.finishItem(record, item, index, status);
  }

  /** A new `function_call` item with empty arguments. */
  beginCall(record: ResponseRecord, name: string): { item: FunctionCallItem; index: number } {
    const item: FunctionCallItem = {
      id: newId('fc'),
      type: 'function_call',
      status: 'in_progress',
      arguments: '',
      call_id: newId('call'),
      name,
    };
    return { item, index: this.addItem(record, item) };
  }

  /** Appends a piece of a call's arguments (`function_call_arguments.delta`). */
  appendArguments(record: ResponseRecord, item: FunctionCallItem, index: number, chunk: string): void {
    item.arguments += chunk;
    this.event(record, 'response.function_call_arguments.delta', {
      item_id: item.id,
      output_index: index,
      delta: chunk,
    });
  }

  /** Ends a call: `function_call_arguments.done` (with its name, as the spec has it), `output_item.done`. */
  finishCall(record: ResponseRecord, item: FunctionCallItem, index: number): void {
    this.event(record, 'response.function_call_arguments.done', {
      item_id: item.id,
      output_index: index,
      name: item.name,
      arguments: item.arguments,
    });
    this.finishItem(record, item, index);
  }

  /**
   * Ends the response: items still open end `incomplete` (quietly: the end event carries them),
   * then it gets its usage and, when completed, `completed_at`, and the end event goes out.
   */
  end(record: ResponseRecord, status: ResponseEnd, patch: Partial<ResponseBody> = {}): void {
    this.closeItems(record);
    Object.assign(record.response, patch, {
      status,
      usage: usageOf(record.tokens.input, record.tokens.output),
      ...(status === 'completed' ? { completed_at: nowSeconds() } : {}),
    });
    this.lifecycle(record);
  }

  /** Cancels the response: `cancelled`, open items `incomplete`, and no event (the wire has none). */
  cancel(record: ResponseRecord): void {
    this.closeItems(record);
    record.response.status = 'cancelled';
  }

  private closeItems(record: ResponseRecord): void {
    for (const item of record.response.output)
      if (OPEN.has(String(item['status']))) item['status'] = 'incomplete';
  }

  private where(item: StoredItem, index: number) {
    return { item_id: item.id, output_index: index, content_index: 0 };
  }
}
