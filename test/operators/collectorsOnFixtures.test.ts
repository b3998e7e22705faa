import { from, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message, Run, RunStep, ToolCall } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import { finalRun } from '../../src/operators/finalRun';
import { runState } from '../../src/operators/runState';
import { runStatus } from '../../src/operators/runStatus';
import { textDeltas } from '../../src/operators/textDeltas';
import { toolCalls } from '../../src/operators/toolCalls';
import {
  type RecordingEntry,
  readFixture,
  readRecording,
  recordedSseBody,
  referenceEvents,
  sseFixtures,
} from '../helpers/fixtures';

/** Every value a synchronous source gives through `op`; fails unless it completed. */
function collect<T>(events: RunEvent[], op: OperatorFunction<RunEvent, T>): T[] {
  const out: T[] = [];
  let completed = false;
  from(events)
    .pipe(op)
    .subscribe({
      next: (v) => out.push(v),
      complete: () => {
        completed = true;
      },
    });
  expect(completed).toBe(true);
  return out;
}

/** What the recording itself says the results are: its own terminal payloads. */
function expected(events: RunEvent[]) {
  const messageOrder: string[] = [];
  const terminalMessages = new Map<string, Message>();
  const terminalSteps: RunStep[] = [];
  let lastRun: Run | undefined;
  for (const e of events) {
    if (e.event.startsWith('thread.message.')) {
      const id = (e.data as { id: string }).id;
      if (!messageOrder.includes(id)) messageOrder.push(id);
      if (e.event === 'thread.message.completed' || e.event === 'thread.message.incomplete') {
        terminalMessages.set(id, e.data as Message);
      }
    } else if (e.event === 'thread.run.step.completed') {
      terminalSteps.push(e.data as RunStep);
    } else if (e.event.startsWith('thread.run.') && !e.event.startsWith('thread.run.step.')) {
      lastRun = e.data as Run;
    }
  }
  return { messageOrder, terminalMessages, terminalSteps, lastRun };
}

const streamedEntries = (name: string): RecordingEntry[] =>
  readRecording(name).Entries.filter((entry) => Array.isArray(entry.ResponseBody));

const toolCallStreams = streamedEntries('openai-dotnet.StreamingToolCall.json').map((entry) =>
  referenceEvents(recordedSseBody(entry)),
);
const fileSearchEvents = referenceEvents(
  recordedSseBody(streamedEntries('openai-dotnet.FileSearchStreamingWorks.json')[0] as RecordingEntry),
);

const streams: [string, RunEvent[]][] = [
  ...sseFixtures().map((f): [string, RunEvent[]] => [`sse/${f}`, referenceEvents(readFixture('sse', f))]),
  ...toolCallStreams.map((events, i): [string, RunEvent[]] => [`StreamingToolCall.json stream ${i}`, events]),
  ['FileSearchStreamingWorks.json stream 0', fileSearchEvents],
  // What handleRequiresAction produces: the submit stream spliced after the first one.
  ['StreamingToolCall create + submit, as one Observable', toolCallStreams.flat()],
];

describe('collectors on every recorded stream', () => {
  it('has the streams it is meant to check', () => {
    expect(streams).toHaveLength(9);
    for (const [, events] of streams) expect(events.length).toBeGreaterThan(5);
  });

  describe.each(streams)('%s', (_name, events) => {
    const want = expected(events);

    it('finalMessages() equals the recording’s own terminal message payloads, in order', () => {
      const [messages] = collect(events, finalMessages());
      expect(messages?.map((m) => m.id)).toEqual(want.messageOrder);
      for (const message of messages ?? []) {
        const server = want.terminalMessages.get(message.id);
        expect(server).toBeDefined();
        expect(message).toEqual(server);
      }
    });

    it('finalRun(), runStatus() and runState() agree with the last run payload', () => {
      const last = want.lastRun as Run;
      expect(collect(events, finalRun())).toEqual([last]);
      const statuses = collect(events, runStatus());
      expect(statuses.at(-1)).toBe(last.status);
      for (let i = 1; i < statuses.length; i++) expect(statuses[i]).not.toBe(statuses[i - 1]);
      const state = collect(events, runState()).at(-1);
      expect(state?.status).toBe(last.status);
      expect(state?.usage).toEqual(last.usage ?? undefined);
      expect(state?.run).toEqual(last);
      expect(state?.done).toBe(last.status !== 'requires_action');
    });

    it('textDeltas() add up to the final texts', () => {
      const [messages] = collect(events, finalMessages());
      const finalText = (messages ?? [])
        .flatMap((m) => m.content)
        .map((block) => (block.type === 'text' ? block.text.value : ''))
        .join('');
      // Only the stream that pauses at requires_action has no message.
      expect(finalText.length > 0).toBe(want.messageOrder.length > 0);
      expect(collect(events, textDeltas()).join('')).toBe(finalText);
    });

    it('toolCalls() equal the step.completed payloads’ calls, each once', () => {
      const calls = collect(events, toolCalls());
      const fromPayloads = want.terminalSteps.flatMap((s) =>
        s.step_details.type === 'tool_calls' ? s.step_details.tool_calls : [],
      );
      expect(calls.slice(0, fromPayloads.length)).toEqual(fromPayloads);
      expect(new Set(calls.map((c) => c.id)).size).toBe(calls.length);
    });
  });
});

describe('collectors on specific recordings', () => {
  it('StreamingToolCall: the paused stream flushes the function call its deltas built', () => {
    const events = toolCallStreams[0] as RunEvent[];
    const requires = events.find((e) => e.event === 'thread.run.requires_action')?.data as Run;
    const wanted = requires.required_action?.submit_tool_outputs.tool_calls[0];
    expect(wanted?.function).toEqual({ name: 'get_current_weather', arguments: '{}' });
    expect(collect(events, toolCalls())).toEqual<ToolCall[]>([
      {
        id: wanted?.id as string,
        type: 'function',
        function: { name: 'get_current_weather', arguments: '{}', output: null },
      },
    ]);
    const state = collect(events, runState()).at(-1);
    expect(state?.status).toBe('requires_action');
    expect(state?.requiredAction).toEqual(requires.required_action);
    expect(state?.done).toBe(false);
    expect(state?.threadId).toBe('thread_6oUGUBxLwhyApwhYBhWjHI5f');
  });

  it('StreamingToolCall: create + submit give one step entry and the call once, with its output', () => {
    const events = toolCallStreams.flat();
    expect(collect(events, toolCalls())).toEqual([
      {
        id: 'call_xyFYaEeyocjyE6jN64QTcxip',
        type: 'function',
        function: { name: 'get_current_weather', arguments: '{}', output: 'warm and sunny' },
      },
    ]);
    const state = collect(events, runState()).at(-1);
    const submitOpening = (toolCallStreams[1] as RunEvent[])[0];
    expect(submitOpening?.event).toBe('thread.run.step.completed');
    expect(state?.steps.map((s) => s.id)).toEqual([
      'step_9c9pSsTIsCYc1KeHEI6Ba34s',
      'step_Ou0TFVL8JOSRggWUqsOvtr70',
    ]);
    expect(state?.steps[0]).toEqual(submitOpening?.data);
    expect(state?.requiredAction).toBeUndefined();
    expect(state?.status).toBe('completed');
  });

  it('FileSearchStreamingWorks: the file_search call carries the results that only step.completed has', () => {
    const [call, ...more] = collect(fileSearchEvents, toolCalls());
    expect(more).toEqual([]);
    const results = call?.type === 'file_search' ? call.file_search.results : undefined;
    expect(results?.map((r) => [r.file_name, r.content?.[0]?.text?.slice(0, 36)])).toEqual([
      ['favorite_foods.txt', 'The favorite food of several people:'],
    ]);
    const [message] = collect(fileSearchEvents, finalMessages())[0] ?? [];
    expect(message?.content).toEqual([
      {
        type: 'text',
        text: {
          value: "Filip's favorite food is cake【4:0†favorite_foods.txt】.",
          // The completed payload drops the citation's `quote` that the delta carried.
          annotations: [
            {
              type: 'file_citation',
              text: '【4:0†favorite_foods.txt】',
              start_index: 29,
              end_index: 53,
              file_citation: { file_id: 'file-CyHtsk7XAWdRabQUBYRjCu' },
            },
          ],
        },
      },
    ]);
  });

  it('FileSearchStreamingWorks: before the completed payload, the deltas built the same text and citation', () => {
    const cut = fileSearchEvents.findIndex((e) => e.event === 'thread.message.completed');
    const state = collect(fileSearchEvents.slice(0, cut), runState()).at(-1);
    expect(state?.messages[0]?.content).toEqual([
      {
        type: 'text',
        text: {
          value: "Filip's favorite food is cake【4:0†favorite_foods.txt】.",
          annotations: [
            {
              type: 'file_citation',
              text: '【4:0†favorite_foods.txt】',
              start_index: 29,
              end_index: 53,
              file_citation: { file_id: 'file-CyHtsk7XAWdRabQUBYRjCu', quote: '' },
            },
          ],
        },
      },
    ]);
  });

  it('ruby-openai v2: thread.run.completed carrying status "incomplete" is read from data.status', () => {
    const events = referenceEvents(
      readFixture('sse', 'ruby-openai-runs_streamed_create.03.assistants-v2.sse'),
    );
    expect(events.at(-1)?.event).toBe('thread.run.completed');
    expect(collect(events, runStatus())).toEqual(['queued', 'in_progress', 'incomplete']);
    const state = collect(events, runState()).at(-1);
    expect(state?.status).toBe('incomplete');
    expect(state?.done).toBe(true);
    expect(state?.usage).toEqual({ prompt_tokens: 27, completion_tokens: 16, total_tokens: 43 });
    const [messages] = collect(events, finalMessages());
    expect(messages?.map((m) => m.status)).toEqual(['incomplete']);
  });
});
