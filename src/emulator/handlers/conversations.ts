import type { Handler } from '../app';
import { nowSeconds } from '../clock';
import { badRequest } from '../http';
import { newId } from '../ids';
import { paginate } from '../paginate';
import { inputItems } from '../responses/input';
import type { StoredItem } from '../responses/objects';
import { type Body, checkArgs, optionalMetadata } from '../validate';

/** The most items one request may add to a conversation, as on the service. */
const MAX_ITEMS_PER_REQUEST = 20;

/** `items` of a conversation request (`required`: it must be there), at most 20. */
function itemsOf(body: Body, required: boolean): StoredItem[] {
  const items = body['items'];
  if (items === undefined || items === null) {
    if (required)
      throw badRequest("Missing required parameter: 'items'.", 'items', 'missing_required_parameter');
    return [];
  }
  if (Array.isArray(items) && items.length > MAX_ITEMS_PER_REQUEST)
    throw badRequest(
      `Invalid 'items': array too long. Expected an array with maximum length ${MAX_ITEMS_PER_REQUEST}, but got an array with length ${items.length} instead.`,
      'items',
      'array_above_max_length',
    );
  if (!Array.isArray(items))
    throw badRequest("Invalid type for 'items': expected an array of items.", 'items', 'invalid_type');
  return inputItems(items, 'items');
}

/** `POST /conversations`, with its first items (at most 20) and metadata. */
export const createConversation: Handler = ({ body }, { responses }) => {
  checkArgs(body, ['items', 'metadata']);
  const items = itemsOf(body, false);
  const conversation = {
    id: newId('conv'),
    object: 'conversation' as const,
    created_at: nowSeconds(),
    metadata: optionalMetadata(body) ?? {},
  };
  responses.store.addConversation({ conversation, items, lastResponseId: undefined });
  return { body: conversation };
};

/** `GET /conversations/{conversation_id}` */
export const retrieveConversation: Handler = ({ ids: [id = ''] }, { responses }) => ({
  body: responses.store.conversation(id).conversation,
});

/** `POST /conversations/{conversation_id}`: its metadata. */
export const updateConversation: Handler = ({ ids: [id = ''], body }, { responses }) => {
  const { conversation } = responses.store.conversation(id);
  checkArgs(body, ['metadata']);
  if (body['metadata'] === undefined)
    throw badRequest("Missing required parameter: 'metadata'.", 'metadata', 'missing_required_parameter');
  conversation.metadata = optionalMetadata(body) ?? {};
  return { body: conversation };
};

/** `DELETE /conversations/{conversation_id}`: its items go with it (its responses stay). */
export const deleteConversation: Handler = ({ ids: [id = ''] }, { responses }) => {
  responses.store.conversation(id);
  responses.store.conversations.delete(id);
  return { body: { id, object: 'conversation.deleted', deleted: true } };
};

/** `POST /conversations/{conversation_id}/items`: answers the added items as a list. */
export const createConversationItems: Handler = ({ ids: [id = ''], body }, { responses }) => {
  const conversation = responses.store.conversation(id);
  checkArgs(body, ['items']);
  const items = itemsOf(body, true);
  responses.store.addItems(conversation, items);
  return {
    body: {
      object: 'list',
      data: items,
      first_id: items[0]?.id ?? null,
      last_id: items[items.length - 1]?.id ?? null,
      has_more: false,
    },
  };
};

/** `GET /conversations/{conversation_id}/items`, newest first by default. */
export const listConversationItems: Handler = ({ ids: [id = ''], query }, { responses }) => ({
  body: paginate(responses.store.conversation(id).items, query),
});

/** `GET /conversations/{conversation_id}/items/{item_id}` */
export const retrieveConversationItem: Handler = ({ ids: [id = '', itemId = ''] }, { responses }) => ({
  body: responses.store.item(id, itemId),
});

/** `DELETE /conversations/{conversation_id}/items/{item_id}`: answers the conversation. */
export const deleteConversationItem: Handler = ({ ids: [id = '', itemId = ''] }, { responses }) => {
  const record = responses.store.conversation(id);
  responses.store.item(id, itemId);
  record.items = record.items.filter((item) => item.id !== itemId);
  return { body: record.conversation };
};
