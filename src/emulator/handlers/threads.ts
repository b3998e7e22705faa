import type { Handler } from '../app';
import { nowSeconds } from '../clock';
import { badRequest } from '../http';
import { newId } from '../ids';
import { messageObject, type ThreadObject } from '../objects';
import type { ThreadRecord } from '../store';
import { type Body, checkArgs, messageInput, optionalMetadata } from '../validate';
import { assistantOf, buildRun, RUN_FIELDS, runReply, storeRun } from './runs';

/** Validates a thread body (`prefix` names where it sits) and builds the thread with its messages, storing nothing. */
function buildThread(body: Body, prefix = ''): ThreadRecord {
  checkArgs(body, ['messages', 'tool_resources', 'metadata'], prefix);
  const messages = body['messages'] ?? [];
  if (!Array.isArray(messages))
    throw badRequest(
      `Invalid type for '${prefix}messages': expected an array.`,
      `${prefix}messages`,
      'invalid_type',
    );
  const inputs = messages.map((m: unknown, i) => messageInput(m, `${prefix}messages[${i}]`));
  const thread: ThreadObject = {
    id: newId('thread'),
    object: 'thread',
    created_at: nowSeconds(),
    metadata: optionalMetadata(body) ?? {},
    tool_resources: body['tool_resources'] ?? {},
  };
  return {
    thread,
    messages: inputs.map((input) =>
      messageObject({ id: newId('msg'), created_at: thread.created_at, thread_id: thread.id, ...input }),
    ),
    runs: [],
  };
}

/** `POST /threads` */
export const createThread: Handler = ({ body }, { store }) => {
  const record = buildThread(body);
  store.addThread(record);
  return { body: record.thread };
};

/** `GET /threads/{thread_id}` */
export const retrieveThread: Handler = ({ ids: [id = ''] }, { store }) => ({ body: store.thread(id).thread });

/** `POST /threads/{thread_id}` */
export const updateThread: Handler = ({ ids: [id = ''], body }, { store }) => {
  const { thread } = store.thread(id);
  checkArgs(body, ['tool_resources', 'metadata']);
  const metadata = optionalMetadata(body);
  if (metadata) thread.metadata = metadata;
  if (body['tool_resources'] !== undefined) thread.tool_resources = body['tool_resources'];
  return { body: thread };
};

/** `DELETE /threads/{thread_id}`: its runs stop. */
export const deleteThread: Handler = ({ ids: [id = ''] }, { store }) => {
  store.deleteThread(id);
  return { body: { id, object: 'thread.deleted', deleted: true } };
};

/** `POST /threads/runs`; streamed, it begins with `thread.created`. */
export const createThreadAndRun: Handler = ({ body }, app) => {
  checkArgs(body, [...RUN_FIELDS.filter((f) => !f.startsWith('additional_')), 'thread', 'tool_resources']);
  const assistant = assistantOf(app, body);
  const threadBody = body['thread'] ?? {};
  if (threadBody === null || typeof threadBody !== 'object' || Array.isArray(threadBody))
    throw badRequest("Invalid type for 'thread': expected an object.", 'thread', 'invalid_type');
  // Thread and run are both validated and built before either is stored.
  const thread = buildThread(threadBody as Body, 'thread.');
  const run = buildRun(app, thread, assistant, body);
  app.store.addThread(thread);
  storeRun(app, thread, run);
  // A run that cannot start leaves no thread behind.
  const discard = () => app.store.deleteThread(thread.thread.id);
  return runReply(app, run.record, body['stream'] === true, discard, (sink) =>
    sink.send('thread.created', JSON.stringify(thread.thread)),
  );
};
