import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import type { ResponseObject, ResponseOutputItem, ResponseStatus } from '../../src/responses/types';
import { toUIMessageStream } from '../../src/ui/toUIMessageStream';
import type { UIMessageStreamChunk } from '../../src/ui/UIMessageStreamChunk';
import { chunksByEvent, chunksOf, textsOf } from './helpers';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const response = (
  id: string,
  status: ResponseStatus,
  output: ResponseOutputItem[] = [],
  extra: Partial<ResponseObject> = {},
): ResponseObject => ({
  id,
  object: 'response',
  status,
  output,
  ...extra,
});
const life = (type: string, r: ResponseObject, seq?: number): ResponseEvent =>
  ({ type, response: r, ...(seq === undefined ? {} : { sequence_number: seq }) }) as ResponseEvent;
const ev = (type: string, fields: Record<string, unknown>, seq?: number): ResponseEvent =>
  ({ type, ...fields, ...(seq === undefined ? {} : { sequence_number: seq }) }) as ResponseEvent;
const msg = (text: string, annotations: unknown[] = []): ResponseOutputItem => ({
  type: 'message',
  id: 'msg_1',
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text, annotations: annotations as never }],
});
const call = (args: string, callId = 'call_1', id = 'fc_1'): ResponseOutputItem => ({
  type: 'function_call',
  id,
  call_id: callId,
  name: 'get_weather',
  arguments: args,
  status: 'completed',
});
const status = (s: ResponseStatus, id = 'resp_1'): UIMessageStreamChunk => ({
  type: 'data-run-status',
  id,
  data: { status: s, responseId: id },
});
const at = { item_id: 'msg_1', output_index: 0, content_index: 0 };

/** A text answer as a stream sends it, sequence numbers 0–8. */
const streamed: ResponseEvent[] = [
  life('response.created', response('resp_1', 'queued'), 0),
  life('response.in_progress', response('resp_1', 'in_progress'), 1),
  ev(
    'response.output_item.added',
    { output_index: 0, item: { ...msg(''), status: 'in_progress', content: [] } },
    2,
  ),
  ev('response.content_part.added', { ...at, part: { type: 'output_text', text: '', annotations: [] } }, 3),
  ev('response.output_text.delta', { ...at, delta: 'Hel' }, 4),
  ev('response.output_text.delta', { ...at, delta: 'lo' }, 5),
  ev('response.output_text.done', { ...at, text: 'Hello' }, 6),
  ev('response.output_item.done', { output_index: 0, item: msg('Hello') }, 7),
  life('response.completed', response('resp_1', 'completed', [msg('Hello')]), 8),
];

describe('toUIMessageStream on Responses', () => {
  it('writes each event when it arrives, and finish at completion', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold<ResponseEvent>(' -a 4ms b 3ms |', {
        a: life('response.created', response('resp_1', 'queued'), 0),
        b: life('response.completed', response('resp_1', 'completed'), 1),
      });
      expectObservable(events.pipe(toUIMessageStream())).toBe('  s(xy)-(zw)(f|)', {
        s: { type: 'start' },
        x: { type: 'start-step' },
        y: status('queued'),
        z: status('completed'),
        w: { type: 'finish-step' },
        f: { type: 'finish', finishReason: 'stop' },
      });
    });
  });

  it('writes a step per response and a text part keyed by item id and content index', () => {
    expect(chunksByEvent(streamed)).toEqual([
      [{ type: 'start' }],
      [{ type: 'start-step' }, status('queued')],
      [status('in_progress')],
      [],
      [{ type: 'text-start', id: 'msg_1:0' }],
      [{ type: 'text-delta', id: 'msg_1:0', delta: 'Hel' }],
      [{ type: 'text-delta', id: 'msg_1:0', delta: 'lo' }],
      [{ type: 'text-end', id: 'msg_1:0' }],
      [],
      [status('completed'), { type: 'finish-step' }],
      [{ type: 'finish', finishReason: 'stop' }],
    ]);
  });

  it('drops events at or below the last sequence number (duplicates, a re-attach to a server that ignores the cursor)', () => {
    const replayed = [
      ...streamed.slice(0, 6),
      ...streamed.slice(2, 6),
      ...streamed.slice(6),
      streamed[8] as ResponseEvent,
    ];
    expect(chunksOf(replayed)).toEqual(chunksOf(streamed));
  });

  it('continues the same part after a resume, and takes the rest of the text from a polled snapshot', () => {
    const cut: ResponseEvent[] = [
      ...streamed.slice(0, 5),
      // re-attach refused: the source polls and shows the rest without sequence numbers
      ev('response.output_text.delta', { ...at, delta: 'lo world' }),
      ev('response.output_text.done', { ...at, text: 'Hello world' }),
      ev('response.content_part.done', { ...at, part: { type: 'output_text', text: 'Hello world' } }),
      ev('response.output_item.done', { output_index: 0, item: msg('Hello world') }),
      life('response.completed', response('resp_1', 'completed', [msg('Hello world')])),
    ];
    const chunks = chunksOf(cut);
    expect(textsOf(chunks)).toEqual({ 'msg_1:0': 'Hello world' });
    expect(chunks.filter((c) => c.type === 'text-start')).toHaveLength(1);
    // and a terminal payload alone completes text a stream never showed
    const terminalOnly = [streamed[0] as ResponseEvent, streamed[8] as ResponseEvent];
    expect(textsOf(chunksOf(terminalOnly))).toEqual({ 'msg_1:0': 'Hello' });
  });

  it('streams a function call, then shows the submitted output and the next response of the chain as a new step', () => {
    const events: ResponseEvent[] = [
      life('response.created', response('resp_1', 'in_progress'), 0),
      ev('response.output_item.added', { output_index: 0, item: { ...call(''), status: 'in_progress' } }, 1),
      ev(
        'response.function_call_arguments.delta',
        { item_id: 'fc_1', output_index: 0, delta: '{"city":' },
        2,
      ),
      ev('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 0, delta: '"Oslo"}' }, 3),
      ev(
        'response.function_call_arguments.done',
        { item_id: 'fc_1', output_index: 0, arguments: '{"city":"Oslo"}' },
        4,
      ),
      ev('response.output_item.done', { output_index: 0, item: call('{"city":"Oslo"}') }, 5),
      life('response.completed', response('resp_1', 'completed', [call('{"city":"Oslo"}')]), 6),
      ev('response.function_call_output', {
        response_id: 'resp_1',
        item: { type: 'function_call_output', call_id: 'call_1', output: '{"temp":21}' },
      }),
      life('response.created', response('resp_2', 'in_progress'), 0),
      life('response.completed', response('resp_2', 'completed', [msg('Warm.')]), 1),
    ];
    expect(chunksByEvent(events)).toEqual([
      [{ type: 'start' }],
      [{ type: 'start-step' }, status('in_progress')],
      [{ type: 'tool-input-start', toolCallId: 'call_1', toolName: 'get_weather' }],
      [{ type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '{"city":' }],
      [{ type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '"Oslo"}' }],
      [
        {
          type: 'tool-input-available',
          toolCallId: 'call_1',
          toolName: 'get_weather',
          input: { city: 'Oslo' },
        },
      ],
      [],
      [status('completed'), { type: 'finish-step' }],
      [{ type: 'tool-output-available', toolCallId: 'call_1', output: { temp: 21 } }],
      [{ type: 'start-step' }, status('in_progress', 'resp_2')],
      [
        status('completed', 'resp_2'),
        { type: 'text-start', id: 'msg_1:0' },
        { type: 'text-delta', id: 'msg_1:0', delta: 'Warm.' },
        { type: 'text-end', id: 'msg_1:0' },
        { type: 'finish-step' },
      ],
      [{ type: 'finish', finishReason: 'stop' }],
    ]);
  });

  it('finishes "tool-calls" for calls nobody answered, and writes a failed handler as tool-output-error', () => {
    const asking = [life('response.completed', response('resp_1', 'completed', [call('{}')]))];
    expect(chunksOf(asking).at(-1)).toEqual({ type: 'finish', finishReason: 'tool-calls' });
    const failing = [
      ...asking,
      ev('response.function_call_output', {
        response_id: 'resp_1',
        item: {
          type: 'function_call_output',
          call_id: 'call_1',
          output: 'Error: there is no function named "x".',
        },
      }),
    ];
    expect(chunksOf(failing)).toContainEqual({
      type: 'tool-output-error',
      toolCallId: 'call_1',
      errorText: 'Error: there is no function named "x".',
    });
    // an output for a call never shown has no part to go to: skipped
    const stray = ev('response.function_call_output', {
      response_id: 'r',
      item: { type: 'function_call_output', call_id: 'call_x', output: '1' },
    });
    expect(chunksOf([stray]).map((c) => c.type)).toEqual(['start', 'finish']);
  });

  it('writes reasoning summaries and reasoning text as reasoning parts', () => {
    const events: ResponseEvent[] = [
      ev(
        'response.reasoning_summary_part.added',
        { item_id: 'rs_1', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } },
        1,
      ),
      ev(
        'response.reasoning_summary_text.delta',
        { item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'Think' },
        2,
      ),
      ev(
        'response.reasoning_summary_text.done',
        { item_id: 'rs_1', output_index: 0, summary_index: 0, text: 'Thinking' },
        3,
      ),
      ev(
        'response.reasoning_summary_part.done',
        {
          item_id: 'rs_1',
          output_index: 0,
          summary_index: 0,
          part: { type: 'summary_text', text: 'Thinking' },
        },
        4,
      ),
      ev(
        'response.reasoning_text.delta',
        { item_id: 'rs_2', output_index: 1, content_index: 0, delta: 'raw' },
        5,
      ),
      ev(
        'response.output_item.done',
        {
          output_index: 1,
          item: {
            type: 'reasoning',
            id: 'rs_2',
            summary: [],
            content: [{ type: 'reasoning_text', text: 'raw!' }],
          },
        },
        6,
      ),
    ];
    expect(chunksOf(events).slice(1, -1)).toEqual([
      { type: 'reasoning-start', id: 'rs_1:summary:0' },
      { type: 'reasoning-delta', id: 'rs_1:summary:0', delta: 'Think' },
      { type: 'reasoning-delta', id: 'rs_1:summary:0', delta: 'ing' },
      { type: 'reasoning-end', id: 'rs_1:summary:0' },
      { type: 'reasoning-start', id: 'rs_2:reasoning:0' },
      { type: 'reasoning-delta', id: 'rs_2:reasoning:0', delta: 'raw' },
      { type: 'reasoning-delta', id: 'rs_2:reasoning:0', delta: '!' },
      { type: 'reasoning-end', id: 'rs_2:reasoning:0' },
    ]);
  });

  it('writes url and file citations as sources, once each, and refusals as text', () => {
    const page = {
      type: 'url_citation',
      url: 'https://example.com/a',
      title: 'A',
      start_index: 0,
      end_index: 1,
    };
    const file = { type: 'file_citation', file_id: 'file_1', filename: 'guide.md', index: 3 };
    const events: ResponseEvent[] = [
      ev('response.output_text.annotation.added', { ...at, annotation_index: 0, annotation: page }, 1),
      ev('response.output_text.annotation.added', { ...at, annotation_index: 1, annotation: file }, 2),
      ev('response.refusal.delta', { item_id: 'msg_2', output_index: 1, content_index: 0, delta: 'No' }, 3),
      ev('response.refusal.done', { item_id: 'msg_2', output_index: 1, content_index: 0, refusal: 'No.' }, 4),
      life('response.completed', response('resp_1', 'completed', [msg('x', [page, file])]), 5),
    ];
    const chunks = chunksOf(events);
    expect(chunks.filter((c) => c.type.startsWith('source-'))).toEqual([
      { type: 'source-url', sourceId: 'https://example.com/a', url: 'https://example.com/a', title: 'A' },
      {
        type: 'source-document',
        sourceId: 'file_1',
        mediaType: 'text/markdown',
        title: 'guide.md',
        filename: 'guide.md',
        providerMetadata: { openai: { fileId: 'file_1' } },
      },
    ]);
    expect(textsOf(chunks)).toEqual({ 'msg_2:0': 'No.', 'msg_1:0': 'x' });
  });

  it('shows built-in tool calls as provider-executed tool parts', () => {
    const search = {
      type: 'web_search_call',
      id: 'ws_1',
      status: 'completed',
      action: { type: 'search', query: 'rxjs' },
    };
    const failed = {
      type: 'mcp_call',
      id: 'mcp_1',
      status: 'failed',
      name: 'lookup',
      arguments: '{}',
      error: 'timeout',
    };
    const events: ResponseEvent[] = [
      ev('response.output_item.added', { output_index: 0, item: { ...search, status: 'in_progress' } }, 1),
      ev('response.web_search_call.searching', { item_id: 'ws_1', output_index: 0 }, 2),
      ev('response.output_item.done', { output_index: 0, item: search }, 3),
      ev('response.output_item.done', { output_index: 1, item: failed }, 4),
    ];
    expect(chunksOf(events).slice(1, -1)).toEqual([
      { type: 'tool-input-start', toolCallId: 'ws_1', toolName: 'web_search', providerExecuted: true },
      {
        type: 'tool-input-available',
        toolCallId: 'ws_1',
        toolName: 'web_search',
        input: { action: search.action },
        providerExecuted: true,
      },
      {
        type: 'tool-output-available',
        toolCallId: 'ws_1',
        output: { status: 'completed' },
        providerExecuted: true,
      },
      { type: 'tool-input-start', toolCallId: 'mcp_1', toolName: 'mcp', providerExecuted: true },
      {
        type: 'tool-input-available',
        toolCallId: 'mcp_1',
        toolName: 'mcp',
        input: { name: 'lookup', arguments: '{}' },
        providerExecuted: true,
      },
      { type: 'tool-output-error', toolCallId: 'mcp_1', errorText: 'timeout', providerExecuted: true },
    ]);
  });

  it('shows a call the caller answers later (a custom tool, computer use) with its input only', () => {
    const custom = {
      type: 'custom_tool_call',
      id: 'ctc_1',
      call_id: 'call_c',
      name: 'grep',
      input: 'rxjs',
      status: 'completed',
    };
    const computer = {
      type: 'computer_call',
      id: 'cu_1',
      call_id: 'call_u',
      action: { type: 'click' },
      status: 'completed',
    };
    const events: ResponseEvent[] = [
      ev('response.output_item.added', { output_index: 0, item: { ...custom, status: 'in_progress' } }, 1),
      ev('response.output_item.done', { output_index: 0, item: custom }, 2),
      ev('response.output_item.done', { output_index: 1, item: computer }, 3),
    ];
    expect(chunksOf(events).slice(1, -1)).toEqual([
      { type: 'tool-input-start', toolCallId: 'call_c', toolName: 'grep' },
      {
        type: 'tool-input-available',
        toolCallId: 'call_c',
        toolName: 'grep',
        input: { name: 'grep', input: 'rxjs' },
      },
      { type: 'tool-input-start', toolCallId: 'call_u', toolName: 'computer' },
      {
        type: 'tool-input-available',
        toolCallId: 'call_u',
        toolName: 'computer',
        input: { action: { type: 'click' } },
      },
    ]);
  });

  it('gives the reason of a failed or incomplete response in an error chunk, and aborts a cancelled one', () => {
    const ending = (r: ResponseObject) => chunksByEvent([life(`response.${r.status}`, r)]).at(-1);
    expect(
      ending(response('resp_1', 'failed', [], { error: { code: 'server_error', message: 'Oops.' } })),
    ).toEqual([
      { type: 'error', errorText: 'Response resp_1 failed (server_error): Oops.' },
      { type: 'finish', finishReason: 'error' },
    ]);
    expect(
      ending(response('resp_1', 'incomplete', [], { incomplete_details: { reason: 'max_output_tokens' } })),
    ).toEqual([
      { type: 'error', errorText: 'Response resp_1 ended incomplete: max_output_tokens.' },
      { type: 'finish', finishReason: 'length' },
    ]);
    expect(
      ending(response('resp_1', 'incomplete', [], { incomplete_details: { reason: 'content_filter' } }))?.at(
        -1,
      ),
    ).toEqual({
      type: 'finish',
      finishReason: 'content-filter',
    });
    expect(ending(response('resp_1', 'cancelled'))).toEqual([
      { type: 'abort', reason: 'Response resp_1 was cancelled.' },
    ]);
  });

  it('writes an error event passing through as an error chunk, once', () => {
    const error = ev('error', { message: 'overloaded', code: 'server_error' }, 3);
    expect(chunksOf([streamed[0] as ResponseEvent, error, error]).filter((c) => c.type === 'error')).toEqual([
      { type: 'error', errorText: 'overloaded' },
    ]);
  });

  it('ignores a replayed lifecycle event of a response already finished', () => {
    const events = [...streamed, life('response.in_progress', response('resp_1', 'in_progress'), 1)];
    expect(chunksOf(events)).toEqual(chunksOf(streamed));
  });
});
