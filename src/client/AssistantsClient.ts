import type { Observable } from 'rxjs';
import type { RunEvent } from '../events/RunEvent';
import type { Assistant, Deleted, Message, Page, Run, RunStep, Thread } from '../events/types';
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
export interface AssistantsClient {
  readonly assistants: {
    create(body: AssistantCreateParams): Observable<Assistant>;
    retrieve(assistantId: string): Observable<Assistant>;
    list(query?: ListQuery): Observable<Page<Assistant>>;
    update(assistantId: string, body: AssistantUpdateParams): Observable<Assistant>;
    delete(assistantId: string): Observable<Deleted>;
  };
  readonly threads: {
    create(body?: ThreadCreateParams): Observable<Thread>;
    retrieve(threadId: string): Observable<Thread>;
    update(threadId: string, body: ThreadUpdateParams): Observable<Thread>;
    delete(threadId: string): Observable<Deleted>;
    /** `POST /threads/runs` */
    createAndRun(body: ThreadAndRunCreateParams): Observable<Run>;
    /** `POST /threads/runs` with `stream: true` */
    createAndRunStream(body: ThreadAndRunCreateParams): Observable<RunEvent>;
  };
  readonly messages: {
    create(threadId: string, body: MessageCreateParams): Observable<Message>;
    retrieve(threadId: string, messageId: string): Observable<Message>;
    /** One page; pass `after` (the previous page's `last_id`) for the next. */
    list(threadId: string, query?: MessageListQuery): Observable<Page<Message>>;
    update(threadId: string, messageId: string, body: MessageUpdateParams): Observable<Message>;
    delete(threadId: string, messageId: string): Observable<Deleted>;
  };
  readonly runs: {
    create(threadId: string, body: RunCreateParams, query?: IncludeQuery): Observable<Run>;
    /** `POST /threads/{thread_id}/runs` with `stream: true` */
    createStream(threadId: string, body: RunCreateParams, query?: IncludeQuery): Observable<RunEvent>;
    retrieve(threadId: string, runId: string): Observable<Run>;
    /** `retrieve`, plus the server's `openai-poll-after-ms` hint. */
    poll(threadId: string, runId: string): Observable<PolledRun>;
    list(threadId: string, query?: ListQuery): Observable<Page<Run>>;
    update(threadId: string, runId: string, body: RunUpdateParams): Observable<Run>;
    submitToolOutputs(threadId: string, runId: string, body: SubmitToolOutputsParams): Observable<Run>;
    /** `submit_tool_outputs` with `stream: true` */
    submitToolOutputsStream(
      threadId: string,
      runId: string,
      body: SubmitToolOutputsParams,
    ): Observable<RunEvent>;
    cancel(threadId: string, runId: string): Observable<Run>;
  };
  readonly steps: {
    list(threadId: string, runId: string, query?: ListQuery & IncludeQuery): Observable<Page<RunStep>>;
    retrieve(threadId: string, runId: string, stepId: string, query?: IncludeQuery): Observable<RunStep>;
  };
}
