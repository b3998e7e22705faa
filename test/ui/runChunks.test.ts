import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import type { RunStatus, StepDetails, ToolCall } from '../../src/events/types';
import { toUIMessageStream } from '../../src/ui/toUIMessageStream';
import type { UIMessageStreamChunk } from '../../src/ui/UIMessageStreamChunk';
import {
  fnCall,
  messageCompleted,
  messageCreated,
  messageDelta,
  RUN,
  runEvent,
  stepDelta,
  stepEvent,
  THREAD,
  textBlock,
  textDelta,
  toolStep,
} from '../state/events';
import { chunksByEvent, chunksOf, textsOf } from './helpers';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const messageStep = (messageId: string): StepDetails => ({
  type: 'message_creation',
  message_creation: { message_id: messageId },
});
const status = (s: RunStatus): UIMessageStreamChunk => ({
  type: 'data-run-status',
  id: RUN,
  data: { status: s, runId: RUN, threadId: THREAD },
});
const START: UIMessageStreamChunk = { type: 'start' };
const STEP: UIMessageStreamChunk = { type: 'start-step' };
const END_STEP: UIMessageStreamChunk = { type: 'finish-step' };
const finish = (finishReason: string) => ({ type: 'finish', finishReason }) as UIMessageStreamChunk;
const text = (id: string, delta?: string): UIMessageStreamChunk[] =>
  delta === undefined ? [{ type: 'text-start', id }] : [{ type: 'text-delta', id, delta }];

/** A message written in two fragments by one message step, in a run that completes. */
const streamedMessage: RunEvent[] = [
  runEvent('queued', {}, 'thread.run.created'),
  runEvent('in_progress'),
  stepEvent('created', 'step_1', messageStep('msg_1')),
  messageCreated('msg_1'),
  textDelta('msg_1', 'Hel'),
  textDelta('msg_1', 'lo'),
  messageCompleted('msg_1', [textBlock('Hello')]),
  stepEvent('completed', 'step_1', messageStep('msg_1')),
  runEvent('completed'),
];

describe('toUIMessageStream on Assistants runs', () => {
  it('writes start at subscription, the chunks of each event when it arrives, and finish at completion', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold(' -a--b|', { a: runEvent('in_progress'), b: runEvent('completed') });
      const expected = '    sa--b(f|)';
      expectObservable(events.pipe(toUIMessageStream())).toBe(expected, {
        s: START,
        a: status('in_progress'),
        b: status('completed'),
        f: finish('stop'),
      });
      expectSubscriptions(events.subscriptions).toBe(' ^----!');
    });
  });

  it('stops and unsubscribes the events when unsubscribed, writing nothing more', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold(' -a--b--c|', {
        a: runEvent('queued'),
        b: runEvent('in_progress'),
        c: runEvent('completed'),
      });
      expectObservable(events.pipe(toUIMessageStream()), '^---!').toBe('sa--', {
        s: START,
        a: status('queued'),
      });
      expectSubscriptions(events.subscriptions).toBe('^---!');
    });
  });

  it('ends with an error chunk and finish "error" when the events error (it never errors itself)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold(' -a-#', { a: runEvent('in_progress') }, new Error('socket hang up'));
      expectObservable(events.pipe(toUIMessageStream())).toBe('sa-(ef|)', {
        s: START,
        a: status('in_progress'),
        e: { type: 'error', errorText: 'socket hang up' },
        f: finish('error'),
      });
    });
  });

  it('writes a streamed message as one step with one text part keyed by message id and index', () => {
    expect(chunksByEvent(streamedMessage)).toEqual([
      [START],
      [status('queued')],
      [status('in_progress')],
      [STEP],
      [],
      [...text('msg_1:0'), ...text('msg_1:0', 'Hel')],
      text('msg_1:0', 'lo'),
      [{ type: 'text-end', id: 'msg_1:0' }],
      [END_STEP],
      [status('completed')],
      [finish('stop')],
    ]);
  });

  it('writes nothing new for duplicated lifecycle events', () => {
    const doubled = streamedMessage.flatMap((event): RunEvent[] =>
      event.event === 'thread.message.delta' ? [event] : [event, event],
    );
    expect(chunksOf(doubled)).toEqual(chunksOf(streamedMessage));
  });

  it('adds what the fragments did not show from the final payload (a resume, a poll), in the same part', () => {
    const resumed: RunEvent[] = [
      runEvent('in_progress'),
      stepEvent('created', 'step_1', messageStep('msg_1')),
      textDelta('msg_1', 'Hel'),
      // the stream broke here; the source polled, and shows the rest as one delta, then the message
      textDelta('msg_1', 'lo wor'),
      messageCompleted('msg_1', [textBlock('Hello world')]),
      stepEvent('completed', 'step_1', messageStep('msg_1')),
      runEvent('completed'),
    ];
    const chunks = chunksOf(resumed);
    expect(textsOf(chunks)).toEqual({ 'msg_1:0': 'Hello world' });
    expect(chunks.filter((c) => c.type === 'text-start')).toHaveLength(1);
    expect(chunks.filter((c) => c.type === 'text-delta').map((c) => (c as { delta: string }).delta)).toEqual([
      'Hel',
      'lo wor',
      'ld',
    ]);
  });

  it('shows a polled run (the message as created, one delta, completed) like a streamed one', () => {
    const polled: RunEvent[] = [
      runEvent('in_progress'),
      { ...stepEvent('created', 'step_1', messageStep('msg_1')) },
      messageCreated('msg_1'),
      textDelta('msg_1', 'Hello', 0, []),
      messageCompleted('msg_1', [textBlock('Hello')]),
      stepEvent('completed', 'step_1', messageStep('msg_1')),
      runEvent('completed'),
    ];
    expect(textsOf(chunksOf(polled))).toEqual({ 'msg_1:0': 'Hello' });
    expect(chunksOf(polled).map((c) => c.type)).toEqual([
      'start',
      'data-run-status',
      'start-step',
      'text-start',
      'text-delta',
      'text-end',
      'finish-step',
      'data-run-status',
      'finish',
    ]);
  });

  it('streams a function call, gives its input at requires_action and its output from the continuation', () => {
    const call = { name: 'get_weather', arguments: '{"city":"Oslo"}' };
    const events: RunEvent[] = [
      runEvent('in_progress'),
      stepEvent('created', 'step_1', toolStep()),
      stepDelta('step_1', {
        index: 0,
        id: 'call_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      }),
      stepDelta('step_1', { index: 0, type: 'function', function: { arguments: '{"city":' } }),
      stepDelta('step_1', { index: 0, type: 'function', function: { arguments: '"Oslo"}' } }),
      runEvent('requires_action', {
        required_action: {
          type: 'submit_tool_outputs',
          submit_tool_outputs: { tool_calls: [{ id: 'call_1', type: 'function', function: call }] },
        },
      }),
      // the continuation (submit_tool_outputs' stream) begins with the step, its output filled in
      stepEvent(
        'completed',
        'step_1',
        toolStep([fnCall('call_1', 'get_weather', '{"city":"Oslo"}', '{"temp":21}')]),
      ),
      runEvent('queued'),
      runEvent('in_progress'),
      runEvent('completed'),
    ];
    expect(chunksByEvent(events)).toEqual([
      [START],
      [status('in_progress')],
      [STEP],
      [{ type: 'tool-input-start', toolCallId: 'call_1', toolName: 'get_weather' }],
      [{ type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '{"city":' }],
      [{ type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '"Oslo"}' }],
      [
        status('requires_action'),
        {
          type: 'tool-input-available',
          toolCallId: 'call_1',
          toolName: 'get_weather',
          input: { city: 'Oslo' },
        },
      ],
      [{ type: 'tool-output-available', toolCallId: 'call_1', output: { temp: 21 } }, END_STEP],
      [status('queued')],
      [status('in_progress')],
      [status('completed')],
      [finish('stop')],
    ]);
  });

  it('writes an output a tool operator submitted for a failure as tool-output-error (isToolError decides)', () => {
    const failed = 'Error: get_weather failed: no such city';
    const events = [
      stepEvent('completed', 'step_1', toolStep([fnCall('call_1', 'get_weather', '{}', failed)])),
      stepEvent('completed', 'step_2', toolStep([fnCall('call_2', 'get_weather', '', 'sunny')])),
    ];
    const outputs = (chunks: UIMessageStreamChunk[]) =>
      chunks.filter((c) => c.type.startsWith('tool-output'));
    expect(outputs(chunksOf(events))).toEqual([
      { type: 'tool-output-error', toolCallId: 'call_1', errorText: failed },
      { type: 'tool-output-available', toolCallId: 'call_2', output: 'sunny' },
    ]);
    expect(outputs(chunksOf(events, { isToolError: (output) => output === 'sunny' }))).toEqual([
      { type: 'tool-output-available', toolCallId: 'call_1', output: failed },
      { type: 'tool-output-error', toolCallId: 'call_2', errorText: 'sunny' },
    ]);
  });

  it('finishes with "tool-calls" when the run stops at requires_action with nobody answering', () => {
    const events = [
      stepEvent('created', 'step_1', toolStep([fnCall('call_1', 'f', 'not json')])),
      runEvent('requires_action', {
        required_action: {
          type: 'submit_tool_outputs',
          submit_tool_outputs: {
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: 'not json' } }],
          },
        },
      }),
    ];
    expect(chunksOf(events).slice(2)).toEqual([
      { type: 'tool-input-start', toolCallId: 'call_1', toolName: 'f' },
      status('requires_action'),
      { type: 'tool-input-available', toolCallId: 'call_1', toolName: 'f', input: 'not json' },
      END_STEP,
      finish('tool-calls'),
    ]);
  });

  it('shows code interpreter and file search as provider-executed tools, and file citations as sources', () => {
    const interpreter: ToolCall = {
      id: 'call_ci',
      type: 'code_interpreter',
      code_interpreter: { input: 'print(1)', outputs: [{ type: 'logs', logs: '1' }] },
    };
    const search: ToolCall = {
      id: 'call_fs',
      type: 'file_search',
      file_search: { results: [{ file_id: 'file_a', file_name: 'notes.pdf', score: 0.9 }] },
    };
    const citation = {
      type: 'file_citation',
      text: '【4:0†notes.pdf】',
      start_index: 5,
      end_index: 18,
      file_citation: { file_id: 'file_a' },
    };
    const path = {
      type: 'file_path',
      text: 'sandbox:/mnt/data/out.csv',
      start_index: 0,
      end_index: 1,
      file_path: { file_id: 'file_b' },
    };
    const events: RunEvent[] = [
      stepEvent('created', 'step_1', toolStep()),
      stepDelta('step_1', {
        index: 0,
        id: 'call_ci',
        type: 'code_interpreter',
        code_interpreter: { input: 'pri' },
      }),
      stepDelta('step_1', { index: 1, id: 'call_fs', type: 'file_search', file_search: {} }),
      stepEvent('completed', 'step_1', toolStep([interpreter, search])),
      stepEvent('created', 'step_2', messageStep('msg_1')),
      textDelta('msg_1', 'Cake 【4:0†notes.pdf】', 0, [{ index: 0, ...citation }]),
      messageDelta('msg_1', { index: 1, type: 'image_file', image_file: { file_id: 'file_img' } }),
      messageDelta('msg_1', { index: 2, type: 'image_url', image_url: { url: 'https://x.test/a.png?s=1' } }),
      messageCompleted('msg_1', [
        textBlock('Cake 【4:0†notes.pdf】', [citation, path]),
        { type: 'image_file', image_file: { file_id: 'file_img' } },
        { type: 'image_url', image_url: { url: 'https://x.test/a.png?s=1' } },
      ]),
      runEvent('completed'),
    ];
    const chunks = chunksOf(events);
    expect(chunks.filter((c) => c.type.startsWith('tool-'))).toEqual([
      {
        type: 'tool-input-start',
        toolCallId: 'call_ci',
        toolName: 'code_interpreter',
        providerExecuted: true,
      },
      { type: 'tool-input-start', toolCallId: 'call_fs', toolName: 'file_search', providerExecuted: true },
      {
        type: 'tool-input-available',
        toolCallId: 'call_ci',
        toolName: 'code_interpreter',
        input: { code: 'print(1)' },
        providerExecuted: true,
      },
      {
        type: 'tool-output-available',
        toolCallId: 'call_ci',
        output: [{ type: 'logs', logs: '1' }],
        providerExecuted: true,
      },
      {
        type: 'tool-input-available',
        toolCallId: 'call_fs',
        toolName: 'file_search',
        input: {},
        providerExecuted: true,
      },
      {
        type: 'tool-output-available',
        toolCallId: 'call_fs',
        output: search.file_search.results,
        providerExecuted: true,
      },
    ]);
    expect(
      chunks.filter((c) => c.type.startsWith('source-') || c.type === 'file' || c.type === 'data-image-file'),
    ).toEqual([
      {
        type: 'source-document',
        sourceId: 'file_a',
        mediaType: 'application/pdf',
        title: 'notes.pdf',
        filename: 'notes.pdf',
        providerMetadata: { openai: { fileId: 'file_a' } },
      },
      { type: 'data-image-file', id: 'msg_1:1', data: { fileId: 'file_img' } },
      { type: 'file', url: 'https://x.test/a.png?s=1', mediaType: 'image/png' },
      {
        type: 'source-document',
        sourceId: 'file_b',
        mediaType: 'text/csv',
        title: 'out.csv',
        filename: 'out.csv',
        providerMetadata: { openai: { fileId: 'file_b' } },
      },
    ]);
    expect(textsOf(chunks)).toEqual({ 'msg_1:0': 'Cake 【4:0†notes.pdf】' });
  });

  it('writes a refusal as text', () => {
    const events = [
      messageDelta('msg_1', { index: 0, type: 'refusal', refusal: 'I can' }),
      messageCompleted('msg_1', [{ type: 'refusal', refusal: "I can't help with that." }]),
    ];
    expect(textsOf(chunksOf(events))).toEqual({ 'msg_1:0': "I can't help with that." });
  });

  it('gives the reason of a failed, expired or incomplete run in an error chunk, and aborts a cancelled one', () => {
    const ending = (event: RunEvent) => chunksByEvent([runEvent('in_progress'), event]).at(-1);
    expect(
      ending(runEvent('failed', { last_error: { code: 'rate_limit_exceeded', message: 'Slow down.' } })),
    ).toEqual([
      { type: 'error', errorText: 'Run run_1 failed (rate_limit_exceeded): Slow down.' },
      finish('error'),
    ]);
    expect(ending(runEvent('expired'))).toEqual([
      { type: 'error', errorText: 'Run run_1 expired before it finished.' },
      finish('error'),
    ]);
    expect(
      ending(runEvent('incomplete', { incomplete_details: { reason: 'max_completion_tokens' } })),
    ).toEqual([
      { type: 'error', errorText: 'Run run_1 ended incomplete: max_completion_tokens.' },
      finish('length'),
    ]);
    // the wire can name an event after another status than the one it carries: the status decides
    expect(ending(runEvent('incomplete', {}, 'thread.run.completed'))).toEqual([
      { type: 'error', errorText: 'Run run_1 ended incomplete.' },
      finish('other'),
    ]);
    expect(ending(runEvent('cancelled'))).toEqual([{ type: 'abort', reason: 'Run run_1 was cancelled.' }]);
  });

  it('ends the parts still open before the last chunks (a run cut mid-message)', () => {
    const events = [
      stepEvent('created', 'step_1', messageStep('msg_1')),
      textDelta('msg_1', 'Hel'),
      runEvent('cancelled'),
    ];
    expect(chunksByEvent(events).at(-1)).toEqual([
      { type: 'text-end', id: 'msg_1:0' },
      END_STEP,
      { type: 'abort', reason: 'Run run_1 was cancelled.' },
    ]);
  });

  it('continues text a step boundary closed in a new part, so nothing is lost', () => {
    const events = [
      stepEvent('created', 'step_1', messageStep('msg_1')),
      textDelta('msg_1', 'Hel'),
      stepEvent('completed', 'step_1', messageStep('msg_1')),
      textDelta('msg_1', 'lo'),
      messageCompleted('msg_1', [textBlock('Hello')]),
    ];
    expect(textsOf(chunksOf(events))).toEqual({ 'msg_1:0': 'Hel', 'msg_1:0~1': 'lo' });
  });

  it('uses the error text onError gives, and the default when it throws', () => {
    const error = new Error('secret backend detail');
    expect(chunksOf([], { error, onError: () => 'Something went wrong.' })).toContainEqual({
      type: 'error',
      errorText: 'Something went wrong.',
    });
    const throwing = () => {
      throw new Error('oops');
    };
    expect(chunksOf([], { error, onError: throwing })).toContainEqual({
      type: 'error',
      errorText: error.message,
    });
  });

  it('sends messageId in start, and refuses bad options at once', () => {
    expect(chunksOf([], { messageId: 'm1' })[0]).toEqual({ type: 'start', messageId: 'm1' });
    expect(() => toUIMessageStream({ onError: 'x' as never })).toThrow(TypeError);
    expect(() => toUIMessageStream({ isToolError: 1 as never })).toThrow(TypeError);
    expect(() => toUIMessageStream({ messageId: 2 as never })).toThrow(TypeError);
  });

  it('skips unknown and malformed events without throwing', () => {
    const hostile = [
      { event: 'thread.run.step.unknown', data: {} },
      {
        event: 'thread.message.delta',
        data: { id: 'msg_1', delta: { content: [null, { index: '0' }, { index: 1e300, type: 'text' }] } },
      },
      {
        event: 'thread.run.step.delta',
        data: { id: 's', delta: { step_details: { type: 'tool_calls', tool_calls: [{}, null] } } },
      },
      { event: 'thread.message.completed', data: { id: 'm', content: [null, { type: 'text' }] } },
      {
        event: 'thread.run.step.completed',
        data: {
          id: 's',
          step_details: { type: 'tool_calls', tool_calls: [null, { id: 'c', type: 'function' }] },
        },
      },
      { event: 'thread.run.in_progress', data: { id: 42 } },
      { event: 'thread.run.completed', data: null },
      null,
    ] as unknown as RunEvent[];
    expect(() => chunksOf(hostile)).not.toThrow();
    expect(chunksOf(hostile).at(-1)).toEqual(finish('other'));
  });
});
