import {
  deletedProblem,
  idProblem,
  itemProblem,
  messageProblem,
  pageOf,
  responseProblem,
  runProblem,
  type ShapeCheck,
  stepProblem,
} from '../events/shapes';
import type { Assistant, Deleted, Message, Page, Run, RunStep, Thread } from '../events/types';
import type {
  ConversationCreateParams,
  ConversationItemsCreateParams,
  ConversationUpdateParams,
  ItemListQuery,
  ResponseCreateParams,
  ResponseRetrieveQuery,
  ResponseStreamQuery,
} from '../responses/params';
import type {
  Conversation,
  ConversationItem,
  ItemPage,
  ResponseDeleted,
  ResponseObject,
} from '../responses/types';
import type { AssistantsClient } from './AssistantsClient';
import type {
  AssistantCreateParams,
  AssistantUpdateParams,
  IncludeQuery,
  ListQuery,
  MessageCreateParams,
  MessageListQuery,
  MessageUpdateParams,
  RunCreateParams,
  RunUpdateParams,
  SubmitToolOutputsParams,
  ThreadAndRunCreateParams,
  ThreadCreateParams,
  ThreadUpdateParams,
} from './params';
import { CANCEL_POLICY, type RequestPolicy } from './RequestPolicy';
import type { ApiRequest } from './Transport';

/**
 * The endpoints, once. The table drives the `AssistantsClient` type (its methods, their parameters
 * and answers), the methods `clientFromTransport` builds, the emulator's routes and `mockClient`.
 * Adding an endpoint is one entry here (and, for the emulator, its handler). Internal.
 *
 * A method's arguments are, in order: one string per `{placeholder}` of `path` (encoded into it),
 * then `body` when the entry takes one as a parameter, then `query` when it has one.
 */

declare const answerType: unique symbol;

/** A shape check that, once passed, makes the answer a `T`. */
export type Checked<T> = ShapeCheck & { readonly [answerType]?: T };

/** The shape check of an endpoint whose answer is a `T`. */
/* @__NO_SIDE_EFFECTS__ */
const checked = <T>(check: ShapeCheck): Checked<T> => check;

/** A method parameter of type `T`; `fallback` is sent when an optional one is left out. */
export interface Param<T, Optional extends boolean = boolean> {
  readonly optional: Optional;
  readonly fallback?: object;
  /** Never set: carries `T` to the derived client type. */
  readonly type?: T;
}

/** A body sent as is, which the method takes no parameter for. */
export interface Always {
  readonly always: object;
}

// The table is data: its helpers have no side effects, so a bundle that never builds a client (the
// relay path) drops it, even from a single-file build.
/* @__NO_SIDE_EFFECTS__ */
const required = <T>(): Param<T, false> => ({ optional: false });
/* @__NO_SIDE_EFFECTS__ */
const optional = <T>(fallback?: object): Param<T, true> =>
  fallback === undefined ? { optional: true } : { optional: true, fallback };
/* @__NO_SIDE_EFFECTS__ */
const always = (body: object): Always => ({ always: body });

/** One endpoint. */
export interface Endpoint {
  readonly method: ApiRequest['method'];
  /** Below the base URL; each `{name}` is a path parameter, taken from the method's first arguments. */
  readonly path: string;
  readonly body?: Param<unknown> | Always;
  readonly query?: Param<unknown, true>;
  /** Sent with `stream: true`; answers with the run's events (checked frame by frame), not JSON. */
  readonly streams?: true;
  /**
   * Creates something (an assistant, thread, message or run): never retried once the request may
   * have reached the server.
   */
  readonly creates?: true;
  /** Checks a JSON answer before anyone sees it. Streams have none (their frames are checked). */
  readonly shape?: ShapeCheck;
  /** Tighter bounds of this request's retries and duration. */
  readonly policy?: RequestPolicy;
  /** Answers `{ run, pollAfterMs? }` with the server's `openai-poll-after-ms` hint. */
  readonly pollHint?: true;
  /**
   * An endpoint of the Responses family (responses, conversations): sent without the
   * `OpenAI-Beta` header, and its stream's frames are Responses events (`{ type, sequence_number … }`).
   */
  readonly family?: 'responses';
}

const assistantPage = checked<Page<Assistant>>(/* @__PURE__ */ pageOf(idProblem));
const messagePage = checked<Page<Message>>(/* @__PURE__ */ pageOf(messageProblem));
const runPage = checked<Page<Run>>(/* @__PURE__ */ pageOf(runProblem));
const stepPage = checked<Page<RunStep>>(/* @__PURE__ */ pageOf(stepProblem));
const assistant = checked<Assistant>(idProblem);
const thread = checked<Thread>(idProblem);
const message = checked<Message>(messageProblem);
const run = checked<Run>(runProblem);
const step = checked<RunStep>(stepProblem);
const deleted = checked<Deleted>(deletedProblem);
const response = checked<ResponseObject>(responseProblem);
const responseDeleted = checked<ResponseDeleted>(deletedProblem);
const conversation = checked<Conversation>(idProblem);
const conversationDeleted = checked<ResponseDeleted>(deletedProblem);
const item = checked<ConversationItem>(itemProblem);
const itemPage = checked<ItemPage<ConversationItem>>(/* @__PURE__ */ pageOf(itemProblem));

/**
 * Every endpoint, by namespace and method as on the client (`runs.createStream`). The order is the
 * client's (and the order `mockClient`'s messages list them in); the emulator routes by
 * specificity, not by this order. A streamed (`streams`) or poll (`pollHint`) variant has its JSON
 * twin's method and path: the emulator serves both from the twin's route.
 */
export const ENDPOINTS = {
  assistants: {
    create: {
      method: 'POST',
      path: '/assistants',
      body: required<AssistantCreateParams>(),
      creates: true,
      shape: assistant,
    },
    retrieve: { method: 'GET', path: '/assistants/{assistant_id}', shape: assistant },
    list: { method: 'GET', path: '/assistants', query: optional<ListQuery>(), shape: assistantPage },
    update: {
      method: 'POST',
      path: '/assistants/{assistant_id}',
      body: required<AssistantUpdateParams>(),
      shape: assistant,
    },
    delete: { method: 'DELETE', path: '/assistants/{assistant_id}', shape: deleted },
  },
  threads: {
    create: {
      method: 'POST',
      path: '/threads',
      body: optional<ThreadCreateParams>({}),
      creates: true,
      shape: thread,
    },
    retrieve: { method: 'GET', path: '/threads/{thread_id}', shape: thread },
    update: {
      method: 'POST',
      path: '/threads/{thread_id}',
      body: required<ThreadUpdateParams>(),
      shape: thread,
    },
    delete: { method: 'DELETE', path: '/threads/{thread_id}', shape: deleted },
    /** `POST /threads/runs` */
    createAndRun: {
      method: 'POST',
      path: '/threads/runs',
      body: required<ThreadAndRunCreateParams>(),
      creates: true,
      shape: run,
    },
    /** `POST /threads/runs` with `stream: true` */
    createAndRunStream: {
      method: 'POST',
      path: '/threads/runs',
      body: required<ThreadAndRunCreateParams>(),
      creates: true,
      streams: true,
    },
  },
  messages: {
    create: {
      method: 'POST',
      path: '/threads/{thread_id}/messages',
      body: required<MessageCreateParams>(),
      creates: true,
      shape: message,
    },
    retrieve: { method: 'GET', path: '/threads/{thread_id}/messages/{message_id}', shape: message },
    /** One page; pass `after` (the previous page's `last_id`) for the next. */
    list: {
      method: 'GET',
      path: '/threads/{thread_id}/messages',
      query: optional<MessageListQuery>(),
      shape: messagePage,
    },
    update: {
      method: 'POST',
      path: '/threads/{thread_id}/messages/{message_id}',
      body: required<MessageUpdateParams>(),
      shape: message,
    },
    delete: { method: 'DELETE', path: '/threads/{thread_id}/messages/{message_id}', shape: deleted },
  },
  runs: {
    create: {
      method: 'POST',
      path: '/threads/{thread_id}/runs',
      body: required<RunCreateParams>(),
      query: optional<IncludeQuery>(),
      creates: true,
      shape: run,
    },
    /** `POST /threads/{thread_id}/runs` with `stream: true` */
    createStream: {
      method: 'POST',
      path: '/threads/{thread_id}/runs',
      body: required<RunCreateParams>(),
      query: optional<IncludeQuery>(),
      creates: true,
      streams: true,
    },
    retrieve: { method: 'GET', path: '/threads/{thread_id}/runs/{run_id}', shape: run },
    /** `retrieve`, plus the server's `openai-poll-after-ms` hint. */
    poll: { method: 'GET', path: '/threads/{thread_id}/runs/{run_id}', shape: run, pollHint: true },
    list: { method: 'GET', path: '/threads/{thread_id}/runs', query: optional<ListQuery>(), shape: runPage },
    update: {
      method: 'POST',
      path: '/threads/{thread_id}/runs/{run_id}',
      body: required<RunUpdateParams>(),
      shape: run,
    },
    submitToolOutputs: {
      method: 'POST',
      path: '/threads/{thread_id}/runs/{run_id}/submit_tool_outputs',
      body: required<SubmitToolOutputsParams>(),
      shape: run,
    },
    /** `submit_tool_outputs` with `stream: true` */
    submitToolOutputsStream: {
      method: 'POST',
      path: '/threads/{thread_id}/runs/{run_id}/submit_tool_outputs',
      body: required<SubmitToolOutputsParams>(),
      streams: true,
    },
    cancel: {
      method: 'POST',
      path: '/threads/{thread_id}/runs/{run_id}/cancel',
      body: always({}),
      shape: run,
      policy: CANCEL_POLICY,
    },
  },
  steps: {
    list: {
      method: 'GET',
      path: '/threads/{thread_id}/runs/{run_id}/steps',
      query: optional<ListQuery & IncludeQuery>(),
      shape: stepPage,
    },
    retrieve: {
      method: 'GET',
      path: '/threads/{thread_id}/runs/{run_id}/steps/{step_id}',
      query: optional<IncludeQuery>(),
      shape: step,
    },
  },
  responses: {
    create: {
      method: 'POST',
      path: '/responses',
      body: required<ResponseCreateParams>(),
      creates: true,
      shape: response,
      family: 'responses',
    },
    /** `POST /responses` with `stream: true` */
    createStream: {
      method: 'POST',
      path: '/responses',
      body: required<ResponseCreateParams>(),
      creates: true,
      streams: true,
      family: 'responses',
    },
    retrieve: {
      method: 'GET',
      path: '/responses/{response_id}',
      query: optional<ResponseRetrieveQuery>(),
      shape: response,
      family: 'responses',
    },
    /** `GET /responses/{response_id}?stream=true&starting_after=N`: the events after N, then live. */
    retrieveStream: {
      method: 'GET',
      path: '/responses/{response_id}',
      query: optional<ResponseStreamQuery>(),
      streams: true,
      family: 'responses',
    },
    cancel: {
      method: 'POST',
      path: '/responses/{response_id}/cancel',
      shape: response,
      policy: CANCEL_POLICY,
      family: 'responses',
    },
    delete: {
      method: 'DELETE',
      path: '/responses/{response_id}',
      shape: responseDeleted,
      family: 'responses',
    },
    /** One page of the items the response was given as input. */
    inputItems: {
      method: 'GET',
      path: '/responses/{response_id}/input_items',
      query: optional<ItemListQuery>(),
      shape: itemPage,
      family: 'responses',
    },
  },
  conversations: {
    create: {
      method: 'POST',
      path: '/conversations',
      body: optional<ConversationCreateParams>({}),
      creates: true,
      shape: conversation,
      family: 'responses',
    },
    retrieve: {
      method: 'GET',
      path: '/conversations/{conversation_id}',
      shape: conversation,
      family: 'responses',
    },
    update: {
      method: 'POST',
      path: '/conversations/{conversation_id}',
      body: required<ConversationUpdateParams>(),
      shape: conversation,
      family: 'responses',
    },
    delete: {
      method: 'DELETE',
      path: '/conversations/{conversation_id}',
      shape: conversationDeleted,
      family: 'responses',
    },
  },
  conversationItems: {
    /** Adds items; answers the added items as a list. */
    create: {
      method: 'POST',
      path: '/conversations/{conversation_id}/items',
      body: required<ConversationItemsCreateParams>(),
      creates: true,
      shape: itemPage,
      family: 'responses',
    },
    list: {
      method: 'GET',
      path: '/conversations/{conversation_id}/items',
      query: optional<ItemListQuery>(),
      shape: itemPage,
      family: 'responses',
    },
    retrieve: {
      method: 'GET',
      path: '/conversations/{conversation_id}/items/{item_id}',
      shape: item,
      family: 'responses',
    },
    /** Deletes an item; answers the conversation. */
    delete: {
      method: 'DELETE',
      path: '/conversations/{conversation_id}/items/{item_id}',
      shape: conversation,
      family: 'responses',
    },
  },
} as const satisfies Record<string, Record<string, Endpoint>>;

/** The table's type, from which the client type is derived. */
export type Endpoints = typeof ENDPOINTS;

/** A client method's name, `<namespace>.<method>` (e.g. `'runs.cancel'`). */
export type EndpointKey = {
  [N in keyof Endpoints]: `${N}.${keyof Endpoints[N] & string}`;
}[keyof Endpoints];

/** Every entry with its name, in table order. */
export const ENDPOINT_ENTRIES: readonly (readonly [EndpointKey, Endpoint])[] =
  /* @__PURE__ */ entriesOf(ENDPOINTS);

/* @__NO_SIDE_EFFECTS__ */
function entriesOf(table: Endpoints): (readonly [EndpointKey, Endpoint])[] {
  return Object.entries(table).flatMap(([namespace, methods]) =>
    Object.entries(methods).map(
      ([name, endpoint]) => [`${namespace}.${name}` as EndpointKey, endpoint as Endpoint] as const,
    ),
  );
}

/** Any method of the client, as the table-driven builders see it. */
export type AnyEndpointMethod = (...args: unknown[]) => unknown;

/**
 * A whole {@link AssistantsClient} from one function per table entry, in table order. The one
 * place where the object built at runtime meets the type derived from the table.
 */
export function clientFromTable(
  method: (key: EndpointKey, endpoint: Endpoint) => AnyEndpointMethod,
): AssistantsClient {
  const client: Record<string, Record<string, AnyEndpointMethod>> = {};
  for (const [namespace, methods] of Object.entries(ENDPOINTS)) {
    const built: Record<string, AnyEndpointMethod> = {};
    for (const [name, endpoint] of Object.entries(methods)) {
      built[name] = method(`${namespace}.${name}` as EndpointKey, endpoint);
    }
    client[namespace] = built;
  }
  return client as unknown as AssistantsClient;
}
