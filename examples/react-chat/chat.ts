import type { IncomingMessage, ServerResponse } from 'node:http';
import { concatMap, defer, lastValueFrom, type Observable, tap } from 'rxjs';
import {
  type AssistantsClient,
  createResponse,
  createRun,
  handleFunctionCalls,
  handleRequiresAction,
  isRunStatusEvent,
  isTerminalStatus,
  pipeUIMessageStreamToNodeResponse,
  type ResponseEvent,
  type RunEvent,
  type RunRef,
  type RunStatus,
  watchRun,
} from '../../src/index';
import { getWeather, weatherFunction } from './tools';

/** Which API answers a chat: an Assistants run on the chat's thread, or a response in its conversation. */
export type Backend = 'assistants' | 'responses';

/** What the server keeps per chat (`useChat`'s id): where its history lives, and its last run. */
interface Chat {
  threadId?: string;
  conversationId?: string;
  run?: { ref: RunRef; status: RunStatus };
}

export interface ChatApiOptions {
  client: AssistantsClient;
  assistantId: string;
  /** The model of the Responses requests. */
  model: string;
  log: (line: string) => void;
}

/** A JSON error answer that `useChat` shows as its `error`. */
class BadRequest extends Error {}

const MAX_CHATS = 500;
const MAX_BODY_BYTES = 1024 * 1024;
const INSTRUCTIONS = 'You are a concise assistant. Use get_weather for questions about the weather.';

/**
 * `POST /api/chat`, as `useChat`'s default transport sends it (`{ id, messages, ...body }`, here
 * with `backend` from the page's switch): answers the last user message with a run (or a
 * response) streamed back as the UI message stream. Tool calls run here, on the server. When the
 * page presses Stop, `useChat` aborts the request: the response closes, the run's Observable is
 * unsubscribed and the library cancels the run on the backend.
 */
export function createChatApi(
  options: ChatApiOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { client, assistantId, model, log } = options;
  const chats = new Map<string, Chat>();

  const chatOf = (id: string): Chat => {
    let chat = chats.get(id);
    if (chat === undefined) {
      if (chats.size >= MAX_CHATS) chats.delete(chats.keys().next().value as string);
      chat = {};
      chats.set(id, chat);
    }
    return chat;
  };

  /** A run on the chat's thread, after the previous one ended (a stopped run is still cancelling). */
  const runOn = (chat: Chat, text: string): Observable<RunEvent> =>
    defer(async () => {
      chat.threadId ??= (await lastValueFrom(client.threads.create({}))).id;
      if (chat.run && !isTerminalStatus(chat.run.status)) {
        await lastValueFrom(watchRun(client, chat.run.ref, { poll: { intervalMs: 100 } }), {
          defaultValue: null,
        });
      }
      return chat.threadId;
    }).pipe(
      concatMap((threadId) =>
        createRun(client, {
          threadId,
          assistant_id: assistantId,
          additional_messages: [{ role: 'user', content: text }],
        }).pipe(
          tap((event) => {
            if (isRunStatusEvent(event))
              chat.run = { ref: { threadId, runId: event.data.id }, status: event.data.status };
          }),
          handleRequiresAction(client, { get_weather: getWeather }),
        ),
      ),
    );

  /** A response in the chat's conversation, its function calls answered here. */
  const respondIn = (chat: Chat, text: string): Observable<ResponseEvent> =>
    defer(
      async () => (chat.conversationId ??= (await lastValueFrom(client.conversations.create({}))).id),
    ).pipe(
      concatMap((conversation) =>
        createResponse(client, {
          model,
          instructions: INSTRUCTIONS,
          input: text,
          conversation,
          tools: [weatherFunction],
        }).pipe(handleFunctionCalls(client, { get_weather: getWeather })),
      ),
    );

  return async (req, res) => {
    let request: { id: string; text: string; backend: Backend };
    try {
      request = parseChatRequest(await readBody(req));
    } catch (error) {
      const message = error instanceof BadRequest ? error.message : 'Could not read the request.';
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: { message } }));
      return;
    }
    const chat = chatOf(request.id);
    const events$: Observable<RunEvent | ResponseEvent> =
      request.backend === 'assistants' ? runOn(chat, request.text) : respondIn(chat, request.text);
    pipeUIMessageStreamToNodeResponse(events$, res, {
      onError: (error) => {
        log(`chat ${request.id}: ${error instanceof Error ? error.message : String(error)}`);
        return 'The assistant could not answer. Try again.';
      },
    });
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('The request body is limited to 1 MiB.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest('Send JSON, as useChat does.');
  }
}

/** The chat id, the text of its last message (a user's), and the backend chosen on the page. */
function parseChatRequest(body: unknown): { id: string; text: string; backend: Backend } {
  const { id, messages, backend = 'assistants' } = (body ?? {}) as Record<string, unknown>;
  if (typeof id !== 'string' || id === '' || id.length > 200)
    throw new BadRequest('"id" must be the chat id.');
  if (backend !== 'assistants' && backend !== 'responses') {
    throw new BadRequest('"backend" must be "assistants" or "responses".');
  }
  const last = Array.isArray(messages)
    ? (messages.at(-1) as { role?: unknown; parts?: unknown } | undefined)
    : undefined;
  const parts = last?.role === 'user' && Array.isArray(last.parts) ? last.parts : [];
  const text = parts
    .map((part: { type?: unknown; text?: unknown }) =>
      part?.type === 'text' && typeof part.text === 'string' ? part.text : '',
    )
    .join('')
    .trim();
  if (text === '' || text.length > 4000) {
    throw new BadRequest('The last message must be a user message of 1 to 4,000 characters.');
  }
  return { id, text, backend };
}
