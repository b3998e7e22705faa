import type { Subscription } from 'rxjs';
import type { RunEngine } from './runEngine';
import type { SseSink } from './sse';
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
}

/** Handles one endpoint; throws an `ApiError` for an error answer. */
export type Handler = (request: HandlerRequest, app: App) => JsonReply | StreamReply;

/** Writes a run's events to the sink until the run pauses or ends, then `done`. */
export function streamRunEvents(app: App, runId: string, sink: SseSink): Subscription {
  return app.engine.runEvents(runId).subscribe({
    next: (e) => sink.send(e.event, e.data),
    complete: () => sink.end(),
  });
}
