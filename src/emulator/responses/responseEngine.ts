import {
  concat,
  defer,
  filter,
  from,
  type Observable,
  Subject,
  type Subscription,
  takeUntil,
  takeWhile,
} from 'rxjs';
import { askBrain, describeError } from '../askBrain';
import type { Brain } from '../Brain';
import { drive } from '../drive';
import { brainContext } from './brainView';
import type { StoredItem } from './objects';
import { ResponseOps, type ResponseWireEvent } from './responseOps';
import { responseScript } from './responseScript';
import { isActiveResponse, type ResponseRecord, type ResponseStore } from './store';

/** The events that end a response's stream (a cancelled response has none: its streams just end). */
const END_EVENTS: ReadonlySet<string> = new Set([
  'response.completed',
  'response.failed',
  'response.incomplete',
]);

/**
 * Plays responses: asks the brain for each one's turn and drives its script on RxJS timers, keeps
 * the events of streamed ones for re-attach, cancels. Every change goes to the response's streams
 * (`eventsOf`). Output items go into the response's conversation as they are done.
 */
export class ResponseEngine {
  private readonly events = new Subject<ResponseWireEvent>();
  /** Ids of responses stopped without an end event (cancelled, removed): their streams end. */
  private readonly stopped = new Subject<string>();
  private readonly work = new Map<string, Subscription>();
  private readonly ops: ResponseOps;
  private disposed = false;

  constructor(
    private readonly store: ResponseStore,
    private readonly brain: Brain,
    private readonly latencyMs: number,
  ) {
    this.ops = new ResponseOps(
      (record, event) => {
        this.events.next(event);
        if (END_EVENTS.has(event.type)) this.settle(record);
      },
      (record, item) => this.itemDone(record, item),
    );
  }

  /**
   * The response's events after `sequence_number` `after`: those kept in its log, then the live
   * ones up to the end event. Completes at once after the log for a response that has ended, and
   * without an end event when it is cancelled or removed.
   *
   * ```
   * log:    0-1-2-3
   * after 1:    (2 3)-4-5-completed|
   * ```
   */
  eventsOf(record: ResponseRecord, after = -1): Observable<ResponseWireEvent> {
    const id = record.response.id;
    return defer(() => {
      // Replayed and then followed in one synchronous step: no event can fall in between.
      const replay = from(record.log?.slice(after + 1) ?? []);
      if (!isActiveResponse(record)) return replay;
      const live = this.events.pipe(
        filter((e) => e.responseId === id && e.sequence > after),
        takeWhile((e) => !END_EVENTS.has(e.type), true),
        takeUntil(this.stopped.pipe(filter((stopped) => stopped === id))),
      );
      return concat(replay, live);
    });
  }

  /**
   * Starts a stored response: `response.created` (and `response.queued` for a background one),
   * then its turn. A script that throws fails the response (`server_error`).
   */
  start(record: ResponseRecord): void {
    if (this.disposed) return;
    const id = record.response.id;
    this.ops.lifecycle(record, 'response.created');
    if (record.response.background) this.ops.lifecycle(record, 'response.queued');
    // The turn's signal: aborted when its work ends, however (see BrainContext.signal).
    const turn = new AbortController();
    const script = responseScript(record, {
      ops: this.ops,
      latencyMs: this.latencyMs,
      askBrain: () => askBrain(this.brain, () => brainContext(this.store, record, turn.signal)),
    });
    const work = drive(script).subscribe({
      error: (error: unknown) =>
        this.ops.end(record, 'failed', {
          error: { code: 'server_error', message: `The brain failed: ${describeError(error)}` },
        }),
    });
    work.add(() => turn.abort());
    if (!work.closed) this.work.set(id, work);
  }

  /** Cancels an active response: it stops where it is, `cancelled`, and its streams end. */
  cancel(record: ResponseRecord): void {
    if (!isActiveResponse(record)) return;
    this.ops.cancel(record);
    this.stop(record.response.id);
    this.settle(record);
  }

  /** Stops a response without a word (it was removed from the store). */
  forget(responseId: string): void {
    this.stop(responseId);
  }

  /** Stops every response and timer for good, and completes every stream. */
  dispose(): void {
    this.disposed = true;
    for (const id of [...this.work.keys()]) this.stop(id);
    this.events.complete();
    this.stopped.complete();
  }

  private stop(responseId: string): void {
    this.work.get(responseId)?.unsubscribe();
    this.work.delete(responseId);
    this.stopped.next(responseId);
  }

  /** A response has ended: nothing more runs for it, and one not to be stored goes. */
  private settle(record: ResponseRecord): void {
    this.work.delete(record.response.id);
    if (!record.response.store && this.store.responses.get(record.response.id) === record)
      this.store.deleteResponse(record);
  }

  private itemDone(record: ResponseRecord, item: StoredItem): void {
    const conversation = record.response.conversation;
    const stored = conversation && this.store.conversations.get(conversation.id);
    if (stored) this.store.addItems(stored, [item]);
  }
}
