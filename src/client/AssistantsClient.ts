import type { Observable } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import type { Run } from '../events/types';
import type { ResponseEvent } from '../responses/ResponseEvent';
import type { Always, Checked, Endpoints, Param } from './endpoints';

/** A run read by a poll, with the server's hint of when to ask again (`openai-poll-after-ms`). */
export interface PolledRun {
  run: Run;
  /** Milliseconds the server asks the client to wait before the next poll, when it said so. */
  pollAfterMs?: number;
}

/**
 * The Assistants v2 endpoints that sources and operators use, as cold Observables.
 *
 * Every method returns a cold Observable: nothing is sent until subscription, each subscription
 * sends its own request, and unsubscribing aborts it. Request methods emit the parsed answer once
 * and complete; stream methods emit each SSE event and complete at the `done` frame.
 *
 * Build one with `fetchClient(options)` or `openaiClient(openai)`; in tests, `mockClient(overrides)`
 * from `rxjs-assistants/testing`.
 */
// Derived from the endpoint table (src/client/endpoints.ts): an entry there is a method here. An
// interface, not an alias, so that editors and errors name it.
export interface AssistantsClient extends ClientOf<Endpoints> {}

/**
 * The client of a table: one readonly namespace per group, one method per entry. Homomorphic, so
 * an entry's TSDoc shows on its method.
 */
type ClientOf<T> = {
  readonly [N in keyof T]: { -readonly [M in keyof T[N]]: MethodOf<T[N][M]> };
};

/**
 * Parameter names of the path placeholders. A placeholder not listed is still a `string`
 * parameter, named `id`; list it here for a better name in editors.
 */
interface PathParams {
  assistant_id: [assistantId: string];
  thread_id: [threadId: string];
  message_id: [messageId: string];
  run_id: [runId: string];
  step_id: [stepId: string];
  response_id: [responseId: string];
  conversation_id: [conversationId: string];
  item_id: [itemId: string];
}

/** One `string` parameter per `{placeholder}` of the path, in order. */
type PathArgs<P> = P extends `${string}{${infer Name}}${infer Rest}`
  ? [...(Name extends keyof PathParams ? PathParams[Name] : [id: string]), ...PathArgs<Rest>]
  : [];

type BodyArgs<E> = E extends { body: Always }
  ? []
  : E extends { body: Param<infer T, false> }
    ? [body: T]
    : E extends { body: Param<infer T, true> }
      ? [body?: T]
      : [];

type QueryArgs<E> = E extends { query: Param<infer T, true> } ? [query?: T] : [];

type AnswerOf<E> = E extends { streams: true }
  ? E extends { family: 'responses' }
    ? ResponseEvent
    : RunEvent
  : E extends { pollHint: true }
    ? PolledRun
    : E extends { shape: Checked<infer T> }
      ? T
      : never;

/**
 * Declared as a method, so that a derived method keeps a method's parameter bivariance (as the
 * hand-written interface had): a client implementing it with narrower parameters still fits.
 */
interface Method<A extends unknown[], R> {
  call(...args: A): Observable<R>;
}

type MethodOf<E> = E extends { path: infer P }
  ? Method<[...PathArgs<P>, ...BodyArgs<E>, ...QueryArgs<E>], AnswerOf<E>>['call']
  : never;
