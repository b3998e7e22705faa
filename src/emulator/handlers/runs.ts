import type { App, Handler, JsonReply, StreamReply } from '../app';
import { streamRunEvents } from '../app';
import { nowMs, nowSeconds, toSeconds } from '../clock';
import { badRequest } from '../http';
import { newId } from '../ids';
import { type AssistantObject, type MessageObject, messageObject, type RunObject } from '../objects';
import { paginate } from '../paginate';
import type { SseSink } from '../sse';
import type { RunRecord, ThreadRecord } from '../store';
import {
  type Body,
  checkArgs,
  messageInput,
  optionalMetadata,
  optionalNumber,
  optionalString,
  optionalTools,
} from '../validate';

/** Arguments of `POST /threads/{thread_id}/runs`. */
export const RUN_FIELDS = [
  'assistant_id',
  'model',
  'reasoning_effort',
  'instructions',
  'additional_instructions',
  'additional_messages',
  'tools',
  'metadata',
  'temperature',
  'top_p',
  'stream',
  'max_prompt_tokens',
  'max_completion_tokens',
  'truncation_strategy',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
];

const positiveInteger = (body: Body, key: string): number | null => {
  const value = optionalNumber(body, key) ?? null;
  if (value !== null && !(Number.isInteger(value) && value > 0))
    throw badRequest(`Invalid '${key}': expected a positive integer.`, key, 'invalid_value');
  return value;
};

/** A run built from a request, not stored yet: the `queued` run and the messages it adds first. */
export interface NewRun {
  record: RunRecord;
  messages: MessageObject[];
}

/**
 * Validates a run body and builds the new `queued` run, storing nothing: a bad request changes
 * nothing. Throws the service's 400 when the thread already has an active run.
 */
export function buildRun(app: App, thread: ThreadRecord, assistant: AssistantObject, body: Body): NewRun {
  const active = app.store.activeRun(thread);
  if (active) throw badRequest(`Thread ${thread.thread.id} already has an active run ${active.run.id}.`);
  const extra = body['additional_messages'];
  if (extra !== undefined && extra !== null && !Array.isArray(extra))
    throw badRequest(
      "Invalid type for 'additional_messages': expected an array.",
      'additional_messages',
      'invalid_type',
    );
  const additional = (extra ?? []).map((m: unknown, i: number) =>
    messageInput(m, `additional_messages[${i}]`),
  );
  const parallel = body['parallel_tool_calls'];
  if (parallel !== undefined && typeof parallel !== 'boolean')
    throw badRequest(
      "Invalid type for 'parallel_tool_calls': expected a boolean.",
      'parallel_tool_calls',
      'invalid_type',
    );
  const instructions = [
    optionalString(body, 'instructions') ?? assistant.instructions,
    optionalString(body, 'additional_instructions'),
  ]
    .filter((s): s is string => typeof s === 'string' && s !== '')
    .join('\n');
  const hasUserMessage =
    thread.messages.some((m) => m.role === 'user') || additional.some((m) => m.role === 'user');
  if (!hasUserMessage && instructions === '')
    throw badRequest(
      'Run creation requires a Thread with a user message or an assistant with instructions.',
      null,
      'invalid_thread',
    );
  const createdMs = nowMs();
  const run: RunObject = {
    id: newId('run'),
    object: 'thread.run',
    created_at: toSeconds(createdMs),
    assistant_id: assistant.id,
    thread_id: thread.thread.id,
    status: 'queued',
    started_at: null,
    expires_at: toSeconds(createdMs + app.expiresAfterMs),
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    required_action: null,
    last_error: null,
    model: optionalString(body, 'model') ?? assistant.model,
    instructions: instructions === '' ? null : instructions,
    tools: optionalTools(body) ?? assistant.tools,
    tool_resources: body['tool_resources'] ?? thread.thread.tool_resources ?? {},
    metadata: optionalMetadata(body) ?? {},
    temperature: optionalNumber(body, 'temperature') ?? assistant.temperature,
    top_p: optionalNumber(body, 'top_p') ?? assistant.top_p,
    reasoning_effort: optionalString(body, 'reasoning_effort') ?? assistant.reasoning_effort,
    max_completion_tokens: positiveInteger(body, 'max_completion_tokens'),
    max_prompt_tokens: positiveInteger(body, 'max_prompt_tokens'),
    truncation_strategy: body['truncation_strategy'] ?? { type: 'auto', last_messages: null },
    incomplete_details: null,
    usage: null,
    response_format: body['response_format'] ?? assistant.response_format ?? 'auto',
    tool_choice: body['tool_choice'] ?? 'auto',
    parallel_tool_calls: parallel ?? true,
  };
  const messages = additional.map((input) =>
    messageObject({ id: newId('msg'), created_at: nowSeconds(), thread_id: thread.thread.id, ...input }),
  );
  const record: RunRecord = {
    run,
    steps: [],
    assistant: structuredClone(assistant),
    expiresAtMs: createdMs + app.expiresAfterMs,
  };
  return { record, messages };
}

/** Stores a built run and its messages on the thread; returns what takes them back out. */
export function storeRun(app: App, thread: ThreadRecord, { record, messages }: NewRun): () => void {
  for (const message of messages) app.store.addMessage(thread, message);
  app.store.addRun(thread, record);
  return () => {
    app.store.deleteRun(record);
    const added = new Set(messages.map((m) => m.id));
    thread.messages = thread.messages.filter((m) => !added.has(m.id));
  };
}

/**
 * Starts a stored run and answers with it: the `queued` run, or its event stream after `prelude`.
 * A run that cannot start is `discard`ed (taken out of the store, with what its request added),
 * so the thread is not left locked by a run nothing plays; the error goes on to the answer.
 */
export function runReply(
  app: App,
  record: RunRecord,
  stream: boolean,
  discard: () => void,
  prelude?: (sink: SseSink) => void,
): JsonReply | StreamReply {
  const start = (beforeDiscard?: () => void): void => {
    try {
      app.engine.start(record);
    } catch (error) {
      beforeDiscard?.();
      discard();
      throw error;
    }
  };
  if (!stream) {
    start();
    return { body: record.run };
  }
  return {
    stream: (sink) => {
      prelude?.(sink);
      const subscription = streamRunEvents(app, record.run.id, sink);
      // Unsubscribed first: discarding the run would end its stream with `done`.
      start(() => subscription.unsubscribe());
      return subscription;
    },
  };
}

/** The assistant a run body names (`assistant_id`, required). */
export const assistantOf = (app: App, body: Body): AssistantObject => {
  const id = body['assistant_id'];
  if (id === undefined || id === null)
    throw badRequest(
      "Missing required parameter: 'assistant_id'.",
      'assistant_id',
      'missing_required_parameter',
    );
  if (typeof id !== 'string')
    throw badRequest("Invalid type for 'assistant_id': expected a string.", 'assistant_id', 'invalid_type');
  return app.store.assistant(id);
};

/** `POST /threads/{thread_id}/runs` */
export const createRun: Handler = ({ ids: [threadId = ''], body }, app) => {
  const thread = app.store.thread(threadId);
  checkArgs(body, RUN_FIELDS);
  const run = buildRun(app, thread, assistantOf(app, body), body);
  const discard = storeRun(app, thread, run);
  return runReply(app, run.record, body['stream'] === true, discard);
};

/** `GET /threads/{thread_id}/runs` */
export const listRuns: Handler = ({ ids: [threadId = ''], query }, { store }) => ({
  body: paginate(
    store.thread(threadId).runs.map((r) => r.run),
    query,
  ),
});

/** `GET /threads/{thread_id}/runs/{run_id}`, with `openai-poll-after-ms` when configured. */
export const retrieveRun: Handler = ({ ids: [threadId = '', runId = ''] }, { store, pollAfterMs }) => ({
  body: store.run(threadId, runId).run,
  ...(pollAfterMs === undefined ? {} : { headers: { 'openai-poll-after-ms': String(pollAfterMs) } }),
});

/** `POST /threads/{thread_id}/runs/{run_id}`: metadata only. */
export const updateRun: Handler = ({ ids: [threadId = '', runId = ''], body }, { store }) => {
  const { run } = store.run(threadId, runId);
  checkArgs(body, ['metadata']);
  const metadata = optionalMetadata(body);
  if (metadata) run.metadata = metadata;
  return { body: run };
};

/** `POST /threads/{thread_id}/runs/{run_id}/cancel`: answers the `cancelling` run. */
export const cancelRun: Handler = ({ ids: [threadId = '', runId = ''], body }, app) => {
  const record = app.store.run(threadId, runId);
  checkArgs(body, []);
  const { status } = record.run;
  if (status !== 'queued' && status !== 'in_progress' && status !== 'requires_action')
    throw badRequest(`Cannot cancel run with status '${status}'.`);
  app.engine.cancel(record);
  return { body: record.run };
};
