import { Observable, type OperatorFunction } from 'rxjs';
import { paced, type RunStateOptions } from '../../operators/runState';
import type { ResponseEvent } from '../ResponseEvent';
import { initialResponseState, type ResponseState } from '../state/ResponseState';
import { reduceResponseState } from '../state/reduceResponseState';

/**
 * Folds Responses events into a UI snapshot and emits it after every event that changed
 * something: status, the current response's output items (text, function-call arguments,
 * reasoning summaries, annotations), the earlier responses of the chain, the submitted function
 * outputs, usage and error.
 *
 * ```
 * events: --created--item.added--delta("Hel")--delta("lo")--keepalive--completed|
 * result: --s1-------s2----------s3------------s4--------------------------s5-------|
 *                                (text "Hel")  (text "Hello")
 * ```
 *
 * Each snapshot shares every unchanged item, part and array with the previous one (`===`), so a
 * UI re-renders only what changed; an event that changes nothing (a keepalive, a replayed event)
 * emits nothing. The reducer is {@link reduceResponseState}, exported for stores that fold events
 * themselves.
 *
 * `{ pace: 'frame' }` emits at most one snapshot per animation frame in a browser (per macrotask
 * elsewhere), always the last one, as `runState` does.
 *
 * @example
 * ```ts
 * import { createResponse, responseState } from 'rxjs-assistants';
 *
 * createResponse(client, { model: 'gpt-4o-mini', input: 'Hello!' })
 *   .pipe(responseState())
 *   .subscribe((state) => render(state.output, state.status));
 * ```
 */
export function responseState(options: RunStateOptions = {}): OperatorFunction<ResponseEvent, ResponseState> {
  return paced('responseState', options, snapshots);
}

// One subscriber instead of scan + distinctUntilChanged: this runs once per delta, and each
// operator in a chain costs a call per event (about 50 ns per event on the bench's stream).
const snapshots: OperatorFunction<ResponseEvent, ResponseState> = (source) =>
  new Observable<ResponseState>((subscriber) => {
    let state = initialResponseState;
    return source.subscribe({
      next: (event) => {
        let next: ResponseState;
        // As scan would: an event whose getter throws ends the stream with that error.
        try {
          next = reduceResponseState(state, event);
        } catch (error) {
          subscriber.error(error);
          return;
        }
        if (next === state) return;
        state = next;
        subscriber.next(next);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
  });
