import fc from 'fast-check';
import { firstValueFrom, lastValueFrom, type Observable, Subscription, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { StreamDisconnectedError } from '../../src/errors/StreamErrors';
import { isRunStatusEvent, isTerminalStatus } from '../../src/events/guards';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message, Run, RunStep } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import { runState } from '../../src/operators/runState';
import { textDeltas } from '../../src/operators/textDeltas';
import { toolCalls } from '../../src/operators/toolCalls';
import { createRun } from '../../src/sources/createRun';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import { submitToolOutputs } from '../../src/sources/submitToolOutputs';
import { initialRunState } from '../../src/state/RunState';
import { reduceRunState } from '../../src/state/reduceRunState';
import { readFixture, referenceEvents } from '../helpers/fixtures';

/**
 * A backend that streams a real recorded run, cut after `cut` bytes, and answers polls with the
 * recording's own final payloads: what the service would show once the run went on without us.
 */
function recordedBackend(body: string, cut: number) {
  const events = referenceEvents(body);
  const runs = events.filter(isRunStatusEvent).map((e) => e.data);
  const finalRun = runs[runs.length - 1] as Run;
  // Steps still in progress carry their tool calls only in deltas; the service's snapshot has them whole.
  const final = events.reduce(reduceRunState, initialRunState);
  const steps = new Map<string, RunStep>(final.steps.map((step) => [step.id, step]));
  const messages = new Map<string, Message>(final.messages.map((message) => [message.id, message]));
  const bytes = new TextEncoder().encode(body).slice(0, cut);
  const requests: string[] = [];
  const json = (value: unknown) =>
    new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });
  const page = (data: unknown[]) => json({ object: 'list', data, has_more: false });
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    requests.push(`${method} ${url.pathname}`);
    const path = url.pathname.replace(/^\/v1/, '');
    if (method === 'POST' && path.endsWith('/cancel')) return json({ ...finalRun, status: 'cancelling' });
    if (method === 'POST') {
      return new Response(new Blob([bytes]).stream(), { headers: { 'content-type': 'text/event-stream' } });
    }
    if (/\/runs\/[^/]+$/.test(path)) return json(finalRun);
    if (path.endsWith('/steps')) return page([...steps.values()]);
    const message = /\/messages\/([^/]+)$/.exec(path);
    if (message) return json(messages.get(message[1]!));
    if (path.endsWith('/messages')) return page([...messages.values()]);
    return new Response(JSON.stringify({ error: { message: `unexpected ${method} ${path}` } }), {
      status: 404,
    });
  };
  return { fetch, requests, events, finalRun };
}

type Start = (client: ReturnType<typeof fetchClient>) => Observable<RunEvent>;
const fixtures: { file: string; start: (events: RunEvent[]) => Start }[] = [
  {
    file: 'dotnet-FileSearchStreamingWorks.03.create_run.sse',
    start: (events) => (client) =>
      createRun(client, { threadId: (events[0]!.data as Run).thread_id, assistant_id: 'asst' }),
  },
  {
    file: 'ruby-openai-runs_streamed_create.03.assistants-v2.sse',
    start: (events) => (client) =>
      createRun(client, { threadId: (events[0]!.data as Run).thread_id, assistant_id: 'asst' }),
  },
  {
    file: 'ruby-openai-runs_streamed_create.00.assistants-v1.sse',
    start: (events) => (client) =>
      createRun(client, { threadId: (events[0]!.data as Run).thread_id, assistant_id: 'asst' }),
  },
  {
    file: 'dotnet-StreamingToolCall.01.create_thread_and_run.sse',
    start: () => (client) => createThreadAndRun(client, { assistant_id: 'asst' }),
  },
  {
    file: 'dotnet-StreamingToolCall.02.submit_tool_outputs.sse',
    start: (events) => {
      const run = events.find(isRunStatusEvent)!.data;
      return (client) =>
        submitToolOutputs(client, { threadId: run.thread_id, runId: run.id, tool_outputs: [] });
    },
  },
];

const stepContent = (step: RunStep) => [step.id, step.status, step.step_details];
/** Text and citations of each message (a completed payload may drop fields like an empty `quote`). */
const cited = (messages: Message[]) =>
  messages.map((m) =>
    m.content.map((c) =>
      c.type === 'text'
        ? {
            value: c.text.value,
            annotations: c.text.annotations.map((a) => ({
              type: a.type,
              text: a.text,
              at: [a.start_index, a.end_index],
              file: a.type === 'file_citation' ? a.file_citation.file_id : a.file_path.file_id,
            })),
          }
        : c.type,
    ),
  );
/** The messages as the deltas alone build them: every event but the messages' terminal payloads. */
const fromDeltas = (events: RunEvent[]) =>
  events
    .filter((e) => e.event !== 'thread.message.completed' && e.event !== 'thread.message.incomplete')
    .reduce(reduceRunState, initialRunState).messages;
const textOf = (messages: Message[]) =>
  messages.flatMap((m) => m.content.map((c) => (c.type === 'text' ? c.text.value : ''))).join('');

describe.each(fixtures)('a stream cut anywhere resumes by polling: $file', ({ file, start }) => {
  const body = readFixture('sse', file);
  const length = new TextEncoder().encode(body).length;
  const client = (cut: number) => {
    const backend = recordedBackend(body, cut);
    return { backend, run: () => start(backend.events)(fetchClient({ apiKey: 'k', fetch: backend.fetch })) };
  };

  it('gives the same final messages, text and tool calls as the uncut run', async () => {
    const uncut = client(length).run;
    const expected = await firstValueFrom(uncut().pipe(finalMessages()));
    const expectedCalls = await lastValueFrom(uncut().pipe(toolCalls(), toArray()));
    const expectedSteps = (await lastValueFrom(uncut().pipe(runState()))).steps.map(stepContent);
    const firstRunFrame = body.indexOf('event: thread.run.');
    const runIdKnown = (cut: number) =>
      file.includes('submit') || cut >= body.indexOf('\n\n', firstRunFrame) + 2;

    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: length - 1 }), async (cut) => {
        const { backend, run } = client(cut);
        if (!runIdKnown(cut)) {
          await expect(firstValueFrom(run().pipe(toArray()))).rejects.toBeInstanceOf(StreamDisconnectedError);
          expect(backend.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
          return;
        }
        expect(await firstValueFrom(run().pipe(finalMessages()))).toEqual(expected);
        // The part a resume shows comes with its citations: the deltas alone rebuild the messages.
        const events = await lastValueFrom(run().pipe(toArray()));
        expect(cited(fromDeltas(events))).toEqual(cited(expected));
        expect(
          (await lastValueFrom(run().pipe(textDeltas(), toArray()), { defaultValue: [] })).join(''),
        ).toBe(textOf(expected));
        expect(await lastValueFrom(run().pipe(toolCalls(), toArray()))).toEqual(expectedCalls);
        expect((await lastValueFrom(run().pipe(runState()))).steps.map(stepContent)).toEqual(expectedSteps);
        expect(backend.requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
      }),
      { numRuns: 40, seed: 20261122 },
    );
  });

  it('unsubscribing at any point cancels exactly once while the run is live, never otherwise', async () => {
    const all = await lastValueFrom(client(length).run().pipe(toArray()));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: all.length + 1 }), async (after) => {
        const { backend, run } = client(length);
        const subscription = new Subscription();
        let seen = 0;
        await new Promise<void>((resolve) => {
          subscription.add(
            run().subscribe({
              next: () => {
                if (++seen === after) {
                  subscription.unsubscribe();
                  resolve();
                }
              },
              complete: resolve,
            }),
          );
        });
        await new Promise((resolve) => setImmediate(resolve));
        const shown = all.slice(0, after);
        const known = file.includes('submit') || shown.some(isRunStatusEvent);
        const finished = shown.some(
          (e) =>
            isRunStatusEvent(e) && (isTerminalStatus(e.data.status) || e.data.status === 'requires_action'),
        );
        const cancels = backend.requests.filter((r) => r.endsWith('/cancel')).length;
        expect(cancels).toBe(known && !finished && after <= all.length ? 1 : 0);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});
