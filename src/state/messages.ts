import type { Message, MessageContent } from '../events/types';
import { append, positionOf, replaceAt } from './byId';
import type { Memo } from './memo';
import { mergeContent } from './mergeContent';
import {
  cloneOwn,
  hasExactKeys,
  isListOfRecords,
  isRecord,
  sameFields,
  wireKeys,
  withoutForbiddenKeys,
} from './objects';

/** Message lifecycle and delta handling for the reducer. Internal. */

/**
 * The keys of a message on the wire, in the server's order. A message with exactly these is rebuilt
 * as a literal per delta, with its keys in this order.
 */
const WIRE_MESSAGE_KEYS = /* @__PURE__ */ wireKeys(
  'id',
  'object',
  'created_at',
  'assistant_id',
  'thread_id',
  'run_id',
  'status',
  'incomplete_details',
  'incomplete_at',
  'completed_at',
  'role',
  'content',
  'attachments',
  'metadata',
);

/** `true` once a message can no longer change: its status is `completed` or `incomplete`. */
export function isTerminalMessage(message: Message): boolean {
  return message.status === 'completed' || message.status === 'incomplete';
}

/**
 * The messages after a message lifecycle event (`created | in_progress | completed | incomplete`),
 * or `messages` itself when nothing changes.
 */
export function applyMessageEvent(
  messages: Message[],
  name: string,
  data: unknown,
  memo: Memo | undefined,
): Message[] {
  if (!isRecord(data) || typeof data['id'] !== 'string') return messages;
  // Content that is a list with a non-object in it would break every later delta of the message.
  if (Array.isArray(data['content']) && !isListOfRecords(data['content'])) return messages;
  const incoming = normalise(data, name);
  const at = positionOf(messages, incoming.id, memo?.messages);
  const prev = at < 0 ? undefined : messages[at];
  if (prev === undefined) return append(messages, incoming, memo?.messages);
  // A terminal payload is the server's final word: it replaces what the deltas built.
  if (isTerminalMessage(incoming)) return replaceAt(messages, at, incoming, memo?.messages);
  // A late non-terminal event (a replay) never moves a finished message back.
  if (isTerminalMessage(prev)) return messages;
  // A replayed or repeated non-terminal event updates status fields but keeps the accumulated content.
  const content = prev.content.length > 0 || incoming.content.length === 0 ? prev.content : incoming.content;
  if (content === prev.content && sameFields(prev, incoming, 'content')) return messages;
  const next = content === incoming.content ? incoming : { ...incoming, content };
  return replaceAt(messages, at, next, memo?.messages);
}

/** The messages after a `thread.message.delta`, or `messages` itself when nothing changes. */
export function applyMessageDelta(messages: Message[], data: unknown, memo: Memo | undefined): Message[] {
  if (!isRecord(data) || typeof data['id'] !== 'string' || !isRecord(data['delta'])) return messages;
  const id = data['id'];
  const delta = data['delta'];
  const parts = delta['content'];
  const role = delta['role'] === 'user' || delta['role'] === 'assistant' ? delta['role'] : undefined;
  const at = positionOf(messages, id, memo?.messages);
  const prev = at < 0 ? undefined : messages[at];
  // Deltas after the terminal payload are replays; the final content is already the server's.
  if (prev !== undefined && isTerminalMessage(prev)) return messages;
  // A resumed stream may start mid-message: the first delta creates the message.
  const base: Message = prev ?? {
    id,
    object: 'thread.message',
    role: role ?? 'assistant',
    status: 'in_progress',
    content: [],
  };
  const content = Array.isArray(parts) ? mergeContent(base.content, parts) : base.content;
  if (content === base.content && (prev === undefined || role === undefined || role === prev.role)) {
    return messages; // nothing usable in this delta
  }
  const next = withContent(base, content, role ?? base.role, memo);
  return prev === undefined
    ? append(messages, next, memo?.messages)
    : replaceAt(messages, at, next, memo?.messages);
}

/**
 * `message` with new content. Wire-shaped messages are rebuilt as a literal (the per-delta path is
 * hot, and a 14-key spread costs several times more); others are copied key by key. The memo holds
 * the last literal built, so the next delta of that message skips checking its keys.
 */
function withContent(
  message: Message,
  content: MessageContent[],
  role: Message['role'],
  memo: Memo | undefined,
): Message {
  const literal = memo?.literalMessage;
  const wire =
    literal !== undefined && message === literal
      ? literal
      : hasExactKeys(message, WIRE_MESSAGE_KEYS)
        ? message
        : undefined;
  if (wire !== undefined) {
    const next: Required<Message> = {
      id: wire.id,
      object: wire.object,
      created_at: wire.created_at,
      assistant_id: wire.assistant_id,
      thread_id: wire.thread_id,
      run_id: wire.run_id,
      status: wire.status,
      incomplete_details: wire.incomplete_details,
      incomplete_at: wire.incomplete_at,
      completed_at: wire.completed_at,
      role,
      content,
      attachments: wire.attachments,
      metadata: wire.metadata,
    };
    if (memo !== undefined) memo.literalMessage = next;
    return next;
  }
  const copy = cloneOwn(message);
  copy.content = content;
  copy.role = role;
  return copy;
}

/**
 * The payload as stored: without forbidden top-level keys, with an array `content`, and with a
 * `status` taken from the event name when the payload has none (messages read from the messages
 * endpoints lack it, and a poll source forwards them as they are).
 */
function normalise(data: Record<string, unknown>, name: string): Message {
  const message = withoutForbiddenKeys(data) as unknown as Message;
  const hasStatus = typeof message.status === 'string';
  if (hasStatus && Array.isArray(message.content)) return message;
  const fixed = { ...message };
  if (!Array.isArray(fixed.content)) fixed.content = [];
  if (!hasStatus) {
    fixed.status =
      name === 'thread.message.completed'
        ? 'completed'
        : name === 'thread.message.incomplete'
          ? 'incomplete'
          : 'in_progress';
  }
  return fixed;
}
