/**
 * Attach to runs by id from another process, render them live, and cancel one of them mid-way.
 * The starter creates two runs without reading them and hands on only their ids, as a job queue
 * would. The watcher, with a client of its own, attaches with `watchRun` (it polls, and never
 * cancels what it only watches), renders `runState()` as status and text length, and cancels run B
 * with `cancelRun` as soon as it sees it in progress.
 *
 *   npx tsx examples/watch.ts
 *
 * Runs against the built-in emulator, or against `OPENAI_BASE_URL` (with `OPENAI_API_KEY`) when set.
 */
import { distinctUntilChanged, first, firstValueFrom, lastValueFrom, map, merge, switchMap, tap } from 'rxjs';
import { cancelRun, fetchClient, type RunRef, type RunState, runState, runStatus, watchRun } from '../src';
import { startEmulator } from '../src/emulator';

const emulator = process.env['OPENAI_BASE_URL'] ? undefined : await startEmulator({ latencyMs: 60 });
const options = emulator ? { baseURL: emulator.url } : {};
try {
  // Process 1: start two runs, pass on nothing but their ids.
  const starter = fetchClient(options);
  const { id: assistant_id } = await firstValueFrom(starter.assistants.create({ model: 'gpt-4o' }));
  const content = 'In a few sentences: why does a cold Observable start its work only on subscribe?';
  const start = async (): Promise<RunRef> => {
    const thread = { messages: [{ role: 'user' as const, content }] };
    const run = await firstValueFrom(starter.threads.createAndRun({ assistant_id, thread }));
    return { threadId: run.thread_id, runId: run.id };
  };
  const [a, b] = await Promise.all([start(), start()]);

  // Process 2: a client of its own, and the ids.
  const watcher = fetchClient(options);
  const poll = { poll: { intervalMs: 100 } };
  const text = (state: RunState) =>
    state.messages.flatMap((m) => m.content.map((c) => (c.type === 'text' ? c.text.value : ''))).join('');
  const render = (label: string, run: RunRef) =>
    watchRun(watcher, run, poll).pipe(
      runState(),
      map((state) => `${label} ${state.runId}: ${state.status}, ${text(state).length} chars of text`),
      distinctUntilChanged(),
      tap((line) => console.log(line)),
    );
  const cancelB = watchRun(watcher, b, poll).pipe(
    runStatus(),
    first((status) => status === 'in_progress'),
    switchMap(() => cancelRun(watcher, b, poll)),
    tap((run) => console.log(`cancelRun(B) → ${run.status}`)),
  );
  await lastValueFrom(merge(render('A', a), render('B', b), cancelB));
} finally {
  await emulator?.close();
}
