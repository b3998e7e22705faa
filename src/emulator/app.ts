import type { Observable, Subscription } from 'rxjs';
import type { ResponseEngine } from './responses/responseEngine';
import type { ResponseStore } from './responses/store';
import type { RunEngine } from './runEngine';
import type { SseFraming, SseSink } from './sse';
import type { EmulatorStore } from './store';
import type { Body } from './validate';

/** What the handlers share. */
export interface App {
  store: EmulatorStore;
  engine: RunEngine;
  /** How long after its creation a run that has not ended expires. */
  expiresAfterMs: number;
  /** Sent as `openai-poll-after-ms` on run retrieval, when set. */
  pollAfterMs: number | undefined;
  /** The Responses family (responses and conversations). */
  responses: ResponsesApp;
}

/** What the Responses and Conversations handlers share. */
export interface ResponsesApp {
  store: ResponseStore;
  engine: ResponseEngine;
  /** How long after its creation a streamed response can be streamed again (`?stream=true`). */
  streamMaxAgeMs: number;
  /** Idle time after which a Responses stream gets a `keepalive` event; `0`: never. */
  keepAliveMs: number;
  /** Cancelling a background response that has ended answers it as it is, instead of a 400. */
  idempotentCancel: boolean;
}

/** One routed request. */
export interface HandlerRequest {
  /** The ids in the path, in order (`/threads/{thread_id}/runs/{run_id}` → `[threadId, runId]`). */
  ids: string[];
  body: Body;
  query: URLSearchParams;
}

/** A JSON answer (status 200). */
export interface JsonReply {
  body: unknown;
  headers?: Record<string, string>;
}

/** A streamed answer: called with the opened SSE sink; the subscription ends with the answer. */
export interface StreamReply {
  stream: (sink: SseSink) => Subscription;
  /** How the stream ends and tells a failure. @default the Assistants framing (`done` frame) */
  framing?: SseFraming;
}

/**
 * A JSON answer given later (a response created without `stream` or `background` answers when it
 * is done): the first value is the answer. Unsubscribed when the client goes away first.
 */
export interface DeferredReply {
  later: Observable<JsonReply>;
}

/** Handles one endpoint; throws an `ApiError` for an error answer. */
export type Handler = (request: HandlerRequest, app: App) => JsonReply | StreamReply | DeferredReply;

/** Writes a run's events to the sink until the run pauses or ends, then `done`. */
export function streamRunEvents(app: App, runId: string, sink: SseSink): Subscription {
  return app.engine.runEvents(runId).subscribe({
    next: (e) => sink.send(e.event, e.data),
    complete: () => sink.end(),
  });
}
