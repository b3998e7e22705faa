import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import { emulatorPerTest } from '../helpers/emulators';
import { readFixture, referenceEvents } from '../helpers/fixtures';
import { collapse, type Frame, rawApi } from './helpers';

// The emulator's streams have the event order of the recorded real streams for the same kind of run.

const startEmulator = emulatorPerTest();

const recorded = (name: string): RunEvent[] => referenceEvents(readFixture('sse', name));
const names = (events: readonly { event: string }[]): string[] => events.map((e) => e.event);
const emitted = (frames: readonly Frame[]): { event: string; data: unknown }[] =>
  frames.filter((f) => f.event !== 'done').map((f) => ({ event: f.event, data: JSON.parse(f.data) }));

/** Run events named by the status they carry (a recording sends `thread.run.completed` with `status: incomplete`). */
const byStatus = (events: readonly { event: string; data: unknown }[]): string[] =>
  events.map((e) =>
    /^thread\.run\.[a-z_]+$/.test(e.event) && e.event !== 'thread.run.created'
      ? `thread.run.${(e.data as { status: string }).status}`
      : e.event,
  );

async function setup(tools: unknown[] = []) {
  const emulator = await startEmulator({ latencyMs: 0 });
  const api = rawApi(emulator);
  const assistant = (await api.post('/assistants', { model: 'gpt-4o', tools })).json;
  return { api, assistant };
}

describe('event order, emulator vs recordings', () => {
  it('a function call: create-thread-and-run stream, then the submit stream (dotnet StreamingToolCall)', async () => {
    const { api, assistant } = await setup([{ type: 'function', function: { name: 'get_current_weather' } }]);
    const first = await api.stream('/threads/runs', {
      assistant_id: assistant.id,
      thread: { messages: [{ role: 'user', content: 'get_current_weather, then tell me what to wear' }] },
    });
    expect(first.frames.at(-1)).toEqual({ event: 'done', data: '[DONE]' });
    expect(names(emitted(first.frames))).toEqual(
      names(recorded('dotnet-StreamingToolCall.01.create_thread_and_run.sse')),
    );

    const run = emitted(first.frames).at(-1)?.data as {
      id: string;
      thread_id: string;
      required_action: { submit_tool_outputs: { tool_calls: { id: string }[] } };
    };
    const second = await api.stream(`/threads/${run.thread_id}/runs/${run.id}/submit_tool_outputs`, {
      tool_outputs: [
        { tool_call_id: run.required_action.submit_tool_outputs.tool_calls[0]?.id, output: 'warm and sunny' },
      ],
    });
    const ours = emitted(second.frames);
    const theirs = recorded('dotnet-StreamingToolCall.02.submit_tool_outputs.sse');
    expect(collapse(names(ours))).toEqual(collapse(names(theirs)));
    // The submit stream begins with the previous stream's step, completed with the output filled in.
    const firstStep = emitted(first.frames).find((e) => e.event === 'thread.run.step.created')?.data as {
      id: string;
    };
    expect(ours[0]?.data).toMatchObject({
      id: firstStep.id,
      status: 'completed',
      step_details: { tool_calls: [{ function: { name: 'get_current_weather', output: 'warm and sunny' } }] },
    });
  });

  it('a text reply (dotnet FileSearchStreamingWorks, without its file_search step)', async () => {
    const { api, assistant } = await setup();
    const thread = (
      await api.post('/threads', { messages: [{ role: 'user', content: "What's Filip's favorite food?" }] })
    ).json;
    const answer = await api.stream(`/threads/${thread.id}/runs`, { assistant_id: assistant.id });
    const theirs = recorded('dotnet-FileSearchStreamingWorks.03.create_run.sse');
    const searchStep = theirs.find((e) => e.event === 'thread.run.step.created')?.data.id;
    const withoutSearch = theirs.filter(
      (e) => !(e.event.startsWith('thread.run.step.') && e.data.id === searchStep),
    );
    expect(withoutSearch.length).toBeLessThan(theirs.length);
    expect(collapse(names(emitted(answer.frames)))).toEqual(collapse(names(withoutSearch)));
  });

  it('a reply cut by max_completion_tokens (ruby-openai v2 stream)', async () => {
    const { api, assistant } = await setup();
    const thread = (
      await api.post('/threads', {
        messages: [{ role: 'user', content: 'please write a very long answer about ruby' }],
      })
    ).json;
    const answer = await api.stream(`/threads/${thread.id}/runs`, {
      assistant_id: assistant.id,
      max_completion_tokens: 3,
    });
    const ours = emitted(answer.frames);
    expect(collapse(byStatus(ours))).toEqual(
      collapse(byStatus(recorded('ruby-openai-runs_streamed_create.03.assistants-v2.sse'))),
    );
    expect(ours.filter((e) => e.event === 'thread.message.delta')).toHaveLength(3);
    expect(ours.at(-1)).toMatchObject({
      event: 'thread.run.incomplete',
      data: { status: 'incomplete', incomplete_details: { reason: 'max_completion_tokens' } },
    });
    expect(ours.find((e) => e.event === 'thread.message.incomplete')?.data).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_tokens' },
      content: [{ type: 'text', text: { value: 'You said: "please' } }],
    });
  });

  it('every run-status event carries the status its name says', async () => {
    const { api, assistant } = await setup();
    const thread = (await api.post('/threads', { messages: [{ role: 'user', content: '6 * 7' }] })).json;
    const answer = await api.stream(`/threads/${thread.id}/runs`, { assistant_id: assistant.id });
    const ours = emitted(answer.frames);
    expect(byStatus(ours)).toEqual(names(ours));
    expect(answer.contentType).toBe('text/event-stream; charset=utf-8');
  });
});
