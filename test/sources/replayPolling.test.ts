import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import type { Message, Run } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import { runStatus } from '../../src/operators/runStatus';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import { submitToolOutputs } from '../../src/sources/submitToolOutputs';
import { type Recording, replayFetch } from '../../src/testing';
import { readRecording } from '../helpers/fixtures';

/**
 * The real polling recording (openai-dotnet FunctionToolsWork): create-thread-and-run, polls to
 * `requires_action`, submit, polls to `completed`, list messages.
 *
 * The assistant's creation (the recorded test's setup) is left out. Two more adjustments, both because our client asks less or differently than the recorded one:
 * - the recorded client polled `requires_action` nine times; we stop at the first, so the eight
 *   repeats are dropped;
 * - the recorded client never listed run steps: steps answer an empty page here (which is how a
 *   server without steps looks), and the run's messages are read with the recorded list answer.
 */
function replay() {
  const recording = readRecording('openai-dotnet.FunctionToolsWork.json') as unknown as Recording;
  let pausedPolls = 0;
  const entries = recording.Entries.filter((entry) => {
    const body = entry.ResponseBody as { status?: string; object?: string };
    if (body.object === 'assistant') return false; // made by the recorded test's setup, not by a run
    if (entry.RequestMethod !== 'GET' || body.object !== 'thread.run' || body.status !== 'requires_action')
      return true;
    return ++pausedPolls === 1;
  });
  const replayed = replayFetch(
    { Entries: entries },
    {
      baseURL: 'https://api.openai.com/v1',
      recordedBaseURL: 'https://api.openai.com/v1',
    },
  );
  const stepsListed: string[] = [];
  const fetch = (url: string, init: RequestInit): Promise<Response> => {
    const { pathname } = new URL(url);
    if (pathname.endsWith('/steps')) {
      stepsListed.push(pathname);
      return Promise.resolve(Response.json({ object: 'list', data: [], has_more: false }));
    }
    // The recording lists the thread's messages newest first, without a run filter.
    if (pathname.endsWith('/messages') && (init.method ?? 'GET') === 'GET') {
      return replayed(`${url.split('?')[0]}?order=desc`, init);
    }
    return replayed(url, init);
  };
  return {
    client: fetchClient({ apiKey: 'sk-test', baseURL: 'https://api.openai.com/v1', fetch, maxRetries: 0 }),
    replayed,
    recording,
  };
}

describe('the recorded polling run, replayed end to end', () => {
  it('polls to requires_action, then submits and polls to completed', async () => {
    const { client, replayed, recording } = replay();
    const poll = { mode: 'poll' as const, poll: { intervalMs: 0 } };
    const request = recording.Entries[1]!.RequestBody as { assistant_id: string; thread: never };

    const first = await lastValueFrom(createThreadAndRun(client, request, poll).pipe(toArray()));
    expect(first.map((e) => e.event)).toEqual([
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
      'thread.run.requires_action',
    ]);
    const paused = first[first.length - 1]!.data as Run;
    const calls = paused.required_action?.submit_tool_outputs.tool_calls ?? [];
    expect(calls.map((c) => [c.id, c.function.name, c.function.arguments])).toEqual([
      ['call_b9LqseCoPpctoIx71RVNZ1nB', 'get_favorite_food_for_day_of_week', '{"day_of_week":"Thursday"}'],
    ]);

    const continued = submitToolOutputs(
      client,
      {
        threadId: paused.thread_id,
        runId: paused.id,
        tool_outputs: [{ tool_call_id: calls[0]!.id, output: 'tacos' }],
      },
      poll,
    );
    const events = await lastValueFrom(continued.pipe(toArray()));
    expect(await lastValueFrom(from(events).pipe(runStatus(), toArray()))).toEqual([
      'queued',
      'in_progress',
      'completed',
    ]);
    const messages = await lastValueFrom(from(events).pipe(finalMessages()));
    const recorded = (recording.Entries[recording.Entries.length - 1]!.ResponseBody as { data: Message[] })
      .data;
    expect(messages.map((m) => [m.id, m.content])).toEqual(
      recorded.filter((m) => m.run_id === paused.id).map((m) => [m.id, m.content]),
    );
    expect(messages[0]?.content[0]).toMatchObject({
      text: { value: 'You should eat tacos on Thursday! 🌮' },
    });

    const sent = replayed.requests.find((r) => r.path.endsWith('/submit_tool_outputs'));
    expect(sent?.body).toEqual({
      tool_outputs: [{ tool_call_id: 'call_b9LqseCoPpctoIx71RVNZ1nB', output: 'tacos' }],
    });
    expect(replayed.pending()).toEqual([]);
    expect(replayed.requests.every((r) => r.entry !== undefined)).toBe(true);
  });
});
