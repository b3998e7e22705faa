import type { FunctionCallOutput } from './types';

/**
 * Request bodies and queries of the Responses and Conversations endpoints. Known fields are
 * typed; anything else the server accepts may be passed too (the index signatures), e.g. Azure AI
 * Foundry's `agent` / `agent_reference`.
 */

/** An input item: a message, a function call's output, or any item the API accepts. */
export type ResponseInputItem =
  | FunctionCallOutput
  | { type?: 'message'; role: 'user' | 'assistant' | 'system' | 'developer'; content: unknown }
  | { type: string; [field: string]: unknown };

/** Body of `POST /responses`. */
export interface ResponseCreateParams {
  model?: string | undefined;
  input?: string | ResponseInputItem[] | undefined;
  instructions?: string | null | undefined;
  tools?: unknown[] | undefined;
  tool_choice?: unknown;
  previous_response_id?: string | null | undefined;
  /** Continue (and add to) a conversation. */
  conversation?: string | { id: string } | null | undefined;
  /** Run the response on the server whatever happens to this connection (needs `store`). */
  background?: boolean | null | undefined;
  store?: boolean | null | undefined;
  metadata?: Record<string, string> | null | undefined;
  [key: string]: unknown;
}

/** Query of `GET /responses/{response_id}`. */
export interface ResponseRetrieveQuery {
  include?: readonly string[] | undefined;
}

/** Query of `GET /responses/{response_id}?stream=true`: the events after `starting_after`. */
export interface ResponseStreamQuery extends ResponseRetrieveQuery {
  /** The `sequence_number` of the last event already seen. */
  starting_after?: number | undefined;
}

/** Query of the item lists (`input_items`, a conversation's items). */
export interface ItemListQuery {
  limit?: number | undefined;
  order?: 'asc' | 'desc' | undefined;
  after?: string | undefined;
  include?: readonly string[] | undefined;
}

/** Body of `POST /conversations`. */
export interface ConversationCreateParams {
  items?: ResponseInputItem[] | null | undefined;
  metadata?: Record<string, string> | null | undefined;
  [key: string]: unknown;
}

/** Body of `POST /conversations/{conversation_id}`. */
export interface ConversationUpdateParams {
  metadata: Record<string, string> | null;
  [key: string]: unknown;
}

/** Body of `POST /conversations/{conversation_id}/items`. */
export interface ConversationItemsCreateParams {
  items: ResponseInputItem[];
  [key: string]: unknown;
}
