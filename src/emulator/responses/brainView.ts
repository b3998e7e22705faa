import type { Message } from '../../events/types';
import type { ResponseObject } from '../../responses/types';
import type { BrainContext } from '../Brain';
import { assistantTools } from './input';
import { itemText, type StoredItem } from './objects';
import type { ResponseRecord, ResponseStore } from './store';

/**
 * The stored responses a response continues, oldest first: its `previous_response_id`, that
 * one's, and so on, as far as they are still stored (a removed one ends the chain). Each step
 * looks one id up, so the walk is linear in the chain's length, which the store's limit bounds.
 */
export function chainOf(store: ResponseStore, record: ResponseRecord): ResponseRecord[] {
  const chain: ResponseRecord[] = [];
  const seen = new Set<ResponseRecord>([record]);
  let id = record.response.previous_response_id;
  while (id !== null) {
    const previous = store.responses.get(id);
    if (!previous || seen.has(previous)) break;
    seen.add(previous);
    chain.push(previous);
    id = previous.response.previous_response_id;
  }
  return chain.reverse();
}

/**
 * What the model reads for a response, oldest first, its own input last: the conversation's
 * items (which hold its input), or the chain's inputs and outputs, then its input.
 */
export function contextItems(store: ResponseStore, record: ResponseRecord): StoredItem[] {
  const conversation = record.response.conversation;
  if (conversation) return [...(store.conversations.get(conversation.id)?.items ?? record.input)];
  return [...chainOf(store, record).flatMap((r) => [...r.input, ...r.response.output]), ...record.input];
}

const countWords = (text: string | null | undefined): number =>
  (text ?? '').split(/\s+/).filter(Boolean).length;

/** A message item as the Assistants vocabulary has it, for the brain; other items are left out. */
function asMessage(item: StoredItem, threadId: string, createdAt: number): Message[] {
  const role = item['role'];
  if (item.type !== 'message' || (role !== 'user' && role !== 'assistant')) return [];
  return [
    {
      id: item.id,
      object: 'thread.message',
      created_at: createdAt,
      thread_id: threadId,
      status: 'completed',
      role,
      content: [{ type: 'text', text: { value: itemText(item), annotations: [] } }],
    },
  ];
}

/**
 * The brain's view of a response (see `BrainContext.api`), as a copy, with the turn's `signal`.
 * Counts what the model reads as the response's input tokens on the way.
 */
export function brainContext(
  store: ResponseStore,
  record: ResponseRecord,
  signal: AbortSignal,
): BrainContext {
  const { response } = record;
  const items = contextItems(store, record);
  const threadId = response.conversation?.id ?? chainOf(store, record)[0]?.response.id ?? response.id;
  const messages = items.flatMap((item) => asMessage(item, threadId, response.created_at));
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  record.tokens.input = items.reduce(
    (sum, item) => sum + countWords(itemText(item)),
    countWords(response.instructions),
  );
  const tools = assistantTools(response.tools);
  const copy = structuredClone({
    api: 'responses',
    response: response as unknown as ResponseObject,
    assistant: {
      id: '',
      object: 'assistant',
      model: response.model,
      instructions: response.instructions,
      tools,
    },
    thread: { id: threadId, object: 'thread', created_at: response.created_at, metadata: {} },
    run: {
      id: response.id,
      object: 'thread.run',
      created_at: response.created_at,
      assistant_id: '',
      thread_id: threadId,
      status: 'in_progress',
      model: response.model,
      instructions: response.instructions,
      tools,
      metadata: response.metadata,
      max_completion_tokens: response.max_output_tokens,
    },
    messages,
    lastUserText: lastUser?.content[0]?.type === 'text' ? lastUser.content[0].text.value : '',
    toolResults: record.toolResults,
    turn: record.turn,
  } as const);
  return { ...copy, signal };
}
