import { catchError, defer, map, type Observable, of, retry, switchMap, tap, throwError, timer } from 'rxjs';
import { fromFetch } from 'rxjs/fetch';
import {
  AssistantsApiError,
  fromServerSentEvents,
  type RunEvent,
  type RunRef,
  type RunState,
  runState,
  StreamDisconnectedError,
} from '../../../src/index';
import { createRunView, type RunView } from './render';

/** The thread and the run in progress, kept across reloads of this tab. */
const saved = {
  get thread() {
    return sessionStorage.getItem('relay.threadId');
  },
  set thread(id: string | null) {
    if (id === null) sessionStorage.removeItem('relay.threadId');
    else sessionStorage.setItem('relay.threadId', id);
    threadLabel.textContent = id ?? 'none yet';
  },
  get run() {
    return sessionStorage.getItem('relay.runId');
  },
  set run(id: string | null) {
    if (id === null) sessionStorage.removeItem('relay.runId');
    else sessionStorage.setItem('relay.runId', id);
  },
};

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const threadLabel = document.querySelector('[data-testid="thread-id"]') as HTMLElement;
const runs = element<HTMLElement>('runs');
const form = element<HTMLFormElement>('composer');
const input = element<HTMLInputElement>('text');
const sendButton = element<HTMLButtonElement>('send');
const stopButton = element<HTMLButtonElement>('stop');

/** The run on screen that has not ended yet. */
let active: ActiveRun | undefined;
interface ActiveRun {
  view: RunView;
  threadId: string | undefined;
  runId: string | undefined;
  stopping: boolean;
}

/** An error answer of the example's own JSON endpoints. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `HTTP 404: No such thread or run.`: the status and the server's own message, without the URL. */
function describe(error: unknown): string {
  if (error instanceof AssistantsApiError) {
    const message = (error.body as { error?: { message?: unknown } } | undefined)?.error?.message;
    return `HTTP ${error.status}: ${typeof message === 'string' ? message : 'request failed'}`;
  }
  if (error instanceof HttpError) return `HTTP ${error.status}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

const isNotFound = (error: unknown): boolean =>
  (error instanceof HttpError || error instanceof AssistantsApiError) && error.status === 404;

function postJson<T>(url: string, body?: unknown): Observable<T> {
  return fromFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
    selector: async (response) => {
      const answer = (await response.json().catch(() => ({}))) as T & { error?: { message?: string } };
      if (!response.ok)
        throw new HttpError(response.status, answer.error?.message ?? `HTTP ${response.status}`);
      return answer;
    },
  });
}

/** The saved thread, or a new one. */
const thread$ = defer(() => {
  const id = saved.thread;
  return id !== null
    ? of(id)
    : postJson<{ id: string }>('/api/threads').pipe(
        map((thread) => thread.id),
        tap((id) => {
          saved.thread = id;
        }),
      );
});

/** Posts the message and reads the run's events from the answer. */
const sendMessage = (text: string): Observable<RunEvent> =>
  thread$.pipe(
    switchMap((threadId) =>
      fromFetch(`/api/threads/${threadId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      }),
    ),
    switchMap((response) => fromServerSentEvents(response, { method: 'POST' })),
    // The server forgot our thread (it restarted): start a new one, once.
    retry({
      count: 1,
      delay: (error: unknown) => {
        if (!isNotFound(error)) return throwError(() => error);
        saved.thread = null;
        return of(0);
      },
    }),
  );

/** A run's events from now on, from the server that drives it (after a reload or a lost connection). */
const attach = (threadId: string, runId: string): Observable<RunEvent> =>
  fromFetch(`/api/threads/${threadId}/runs/${runId}/events`).pipe(
    switchMap((response) => fromServerSentEvents(response)),
  );

/** The connection broke (the network, a proxy, a sleeping laptop): not an answer of the server. */
const isDropped = (error: unknown): boolean =>
  error instanceof StreamDisconnectedError || (error instanceof TypeError && !(error instanceof HttpError));

/** Attempts to re-attach after a lost connection, and the pause before each (ms, growing). */
const REATTACH_ATTEMPTS = 10;
const reattachDelay = (attempt: number): number => Math.min(500 * 2 ** attempt, 5_000);

/**
 * The run's states; when the connection drops mid-run, re-attaches to the run (the server goes on
 * driving it) and carries on in the same card, which fills in again from the run's snapshot.
 */
function follow(events$: Observable<RunEvent>, current: ActiveRun, attempt = 0): Observable<RunState> {
  return events$.pipe(
    runState(),
    tap(() => {
      attempt = 0;
    }),
    catchError((error: unknown) => {
      const { threadId, runId } = current;
      if (!isDropped(error) || threadId === undefined || runId === undefined || attempt >= REATTACH_ATTEMPTS)
        return throwError(() => error);
      current.view.notice(`Connection lost (${describe(error)}); re-attaching…`);
      return timer(reattachDelay(attempt)).pipe(
        switchMap(() => follow(attach(threadId, runId), current, attempt + 1)),
      );
    }),
  );
}

/** Shows a run's events in a new card until the run ends. */
function show(events$: Observable<RunEvent>, view: RunView, ids: Partial<RunRef> = {}): void {
  runs.append(view.element);
  view.element.scrollIntoView({ block: 'end' });
  const current: ActiveRun = { view, threadId: ids.threadId, runId: ids.runId, stopping: false };
  active = current;
  updateButtons();
  follow(events$, current).subscribe({
    next: (state) => {
      view.render(state);
      current.threadId = state.threadId ?? current.threadId;
      current.runId = state.runId ?? current.runId;
      // Remembered until it ends, so that a reload re-attaches to it.
      saved.run = state.done ? null : (current.runId ?? null);
      updateButtons();
    },
    error: (error: unknown) => {
      view.fail(describe(error));
      if (isNotFound(error)) saved.run = null;
      end(current);
    },
    complete: () => end(current),
  });
}

function end(run: ActiveRun): void {
  if (active === run) active = undefined;
  updateButtons();
}

function updateButtons(): void {
  sendButton.disabled = active !== undefined;
  stopButton.disabled = active?.runId === undefined || active.threadId === undefined || active.stopping;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (text === '' || active !== undefined) return;
  input.value = '';
  show(sendMessage(text), createRunView('You asked', text));
});

stopButton.addEventListener('click', () => {
  const run = active;
  if (run?.runId === undefined || run.threadId === undefined || run.stopping) return;
  run.stopping = true;
  updateButtons();
  // The run's own stream shows `cancelling`, then `cancelled`.
  postJson(`/api/threads/${run.threadId}/runs/${run.runId}/cancel`).subscribe({
    error: (error: unknown) => {
      run.view.fail(`Stop failed: ${describe(error)}`);
      run.stopping = false;
      updateButtons();
    },
  });
});

// After a reload: re-attach to the run that was still going.
const threadId = saved.thread;
threadLabel.textContent = threadId ?? 'none yet';
const runId = saved.run;
if (threadId !== null && runId !== null) {
  show(attach(threadId, runId), createRunView('Re-attached'), { threadId, runId });
}
document.body.dataset['ready'] = 'true';
