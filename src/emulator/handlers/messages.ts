import type { Handler } from '../app';
import { nowSeconds } from '../clock';
import { badRequest } from '../http';
import { newId } from '../ids';
import { messageObject } from '../objects';
import { paginate } from '../paginate';
import { checkArgs, messageInput, optionalMetadata } from '../validate';

/** `POST /threads/{thread_id}/messages`: refused while a run holds the thread. */
export const createMessage: Handler = ({ ids: [threadId = ''], body }, { store }) => {
  const thread = store.thread(threadId);
  const input = messageInput(body, '');
  const active = store.activeRun(thread);
  if (active) throw badRequest(`Can't add messages to ${threadId} while a run ${active.run.id} is active.`);
  const message = messageObject({
    id: newId('msg'),
    created_at: nowSeconds(),
    thread_id: threadId,
    ...input,
  });
  store.addMessage(thread, message);
  return { body: message };
};

/** `GET /threads/{thread_id}/messages`, with `run_id` to keep a run's messages only. */
export const listMessages: Handler = ({ ids: [threadId = ''], query }, { store }) => {
  const runId = query.get('run_id');
  const messages = store.thread(threadId).messages;
  return { body: paginate(runId === null ? messages : messages.filter((m) => m.run_id === runId), query) };
};

/** `GET /threads/{thread_id}/messages/{message_id}` */
export const retrieveMessage: Handler = ({ ids: [threadId = '', messageId = ''] }, { store }) => ({
  body: store.message(threadId, messageId),
});

/** `POST /threads/{thread_id}/messages/{message_id}`: metadata only. */
export const updateMessage: Handler = ({ ids: [threadId = '', messageId = ''], body }, { store }) => {
  const message = store.message(threadId, messageId);
  checkArgs(body, ['metadata']);
  const metadata = optionalMetadata(body);
  if (metadata) message.metadata = metadata;
  return { body: message };
};

/** `DELETE /threads/{thread_id}/messages/{message_id}` */
export const deleteMessage: Handler = ({ ids: [threadId = '', messageId = ''] }, { store }) => {
  const thread = store.thread(threadId);
  store.message(threadId, messageId);
  thread.messages = thread.messages.filter((m) => m.id !== messageId);
  return { body: { id: messageId, object: 'thread.message.deleted', deleted: true } };
};
