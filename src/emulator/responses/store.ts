import type { BrainToolResult } from '../Brain';
import { ApiError } from '../http';
import { oldestOf } from '../store';
import type { ConversationBody, ResponseBody, StoredItem } from './objects';
import type { ResponseWireEvent } from './responseOps';

/** A response with what the emulator keeps beside it. */
export interface ResponseRecord {
  response: ResponseBody;
  /** When it was created, in ms (its stream's age is counted from here). */
  createdMs: number;
  /** Created with `stream: true`: its events are logged, and it can be streamed again. */
  streamed: boolean;
  /** Its own input items (stored form), in order. */
  input: StoredItem[];
  /**
   * Each event it emitted, at the index of its `sequence_number`: what a re-attach replays.
   * `undefined` for a response not streamed, or once its events are too old to stream again.
   */
  log: ResponseWireEvent[] | undefined;
  /** The `sequence_number` of its next event. */
  sequence: number;
  /** The function calls its input answers, after those of the chain of tool rounds before it. */
  toolResults: BrainToolResult[];
  /** `0`, or one more than the response whose calls its input answers. */
  turn: number;
  /** Tokens read (one per word of what the model reads) and written (one per chunk) so far. */
  tokens: { input: number; output: number };
}

/** A conversation with its items, oldest first. */
export interface ConversationRecord {
  conversation: ConversationBody;
  items: StoredItem[];
  /** Its newest response: the one whose function calls a new response in it answers. */
  lastResponseId: string | undefined;
}

/** How many responses, conversations and items per conversation are kept. */
export interface ResponseStoreLimits {
  responses: number;
  conversations: number;
  itemsPerConversation: number;
}

const ACTIVE = new Set(['queued', 'in_progress']);

/** `true` while a response is still being generated. */
export const isActiveResponse = (record: ResponseRecord): boolean => ACTIVE.has(record.response.status);

/**
 * The Responses family's in-memory state. Lookups throw the service's 404s (a response created
 * with `store: false` is never found). Past a limit the oldest of its kind goes (finished
 * responses first); `onRemoved` stops a response that goes. Event logs older than the stream age
 * are let go as new responses come (see {@link ResponseStore.releaseLogs}).
 */
export class ResponseStore {
  readonly responses = new Map<string, ResponseRecord>();
  readonly conversations = new Map<string, ConversationRecord>();
  /** The responses whose log is kept, oldest first. */
  private readonly logged = new Set<ResponseRecord>();

  constructor(
    private readonly limits: ResponseStoreLimits,
    private readonly onRemoved: (responseId: string) => void = () => {},
  ) {}

  response(id: string): ResponseRecord {
    const record = this.responses.get(id);
    if (!record?.response.store) throw new ApiError(404, `Response with id '${id}' not found.`);
    return record;
  }

  conversation(id: string): ConversationRecord {
    const record = this.conversations.get(id);
    if (!record) throw new ApiError(404, `Conversation with id '${id}' not found.`);
    return record;
  }

  item(conversationId: string, itemId: string): StoredItem {
    const item = this.conversation(conversationId).items.find((i) => i.id === itemId);
    if (!item) throw new ApiError(404, `Item with id '${itemId}' not found.`);
    return item;
  }

  /** Stores a response; past the limit the oldest finished one goes (the oldest, if none is). */
  addResponse(record: ResponseRecord): void {
    this.responses.set(record.response.id, record);
    if (record.log) this.logged.add(record);
    while (this.responses.size > this.limits.responses) {
      const oldest = oldestOf(this.responses, (r) => r !== record && !isActiveResponse(r));
      if (!oldest) break;
      this.deleteResponse(oldest);
    }
  }

  /** Removes a response, stopping it if it is still going. */
  deleteResponse(record: ResponseRecord): void {
    this.onRemoved(record.response.id);
    this.responses.delete(record.response.id);
    this.logged.delete(record);
    record.log = undefined;
  }

  /**
   * Lets go of the event logs of responses created before `bornBeforeMs` (they can no longer be
   * streamed again). Logs are released oldest first and each once: constant time on average.
   */
  releaseLogs(bornBeforeMs: number): void {
    for (const record of this.logged) {
      if (record.createdMs >= bornBeforeMs) break;
      record.log = undefined;
      this.logged.delete(record);
    }
  }

  /** Stores a conversation; past the limit the oldest goes. */
  addConversation(record: ConversationRecord): void {
    this.conversations.set(record.conversation.id, record);
    this.trim(record);
    while (this.conversations.size > this.limits.conversations) {
      const oldest = this.conversations.keys().next().value;
      if (oldest === undefined) break;
      this.conversations.delete(oldest);
    }
  }

  /** Appends items to a conversation; past the limit its oldest items go. */
  addItems(record: ConversationRecord, items: readonly StoredItem[]): void {
    record.items.push(...items);
    this.trim(record);
  }

  private trim(record: ConversationRecord): void {
    const excess = record.items.length - this.limits.itemsPerConversation;
    if (excess > 0) record.items.splice(0, excess);
  }
}
