import type { UIMessage } from 'ai';
import * as ai6 from 'ai';
import * as ai7 from 'ai-v7';
import { from, lastValueFrom, type Observable, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message, Run } from '../../src/events/types';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import { handleFunctionCalls } from '../../src/responses/operators/handleFunctionCalls';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import { createResponse } from '../../src/responses/sources/createResponse';
import type { ResponseObject } from '../../src/responses/types';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import { mockClient } from '../../src/testing/mockClient';
import { toUIMessageStream } from '../../src/ui/toUIMessageStream';
import { toUIMessageStreamResponse } from '../../src/ui/toUIMessageStreamResponse';
import type { UIMessageStreamChunk } from '../../src/ui/UIMessageStreamChunk';
import { readRecording, recordedSseBody, referenceEvents } from '../helpers/fixtures';
import { finalOf, recordedStreams } from '../helpers/responsesFixtures';

/**
 * The AI SDK's own reader (`readUIMessageStream`) consumes the chunks built from recorded runs:
 * every chunk passes its schema, and the UI message it builds holds the run's final text and the
 * tool calls' inputs and outputs. Also read through SSE with its HTTP transport. Both majors:
 * ai@6 (the `ai` devDependency) and ai@7 (`ai-v7`; it declares Node >= 22, and CI runs the suite
 * on Node 24 too).
 */

/** What the tests use of an `ai` major, typed once for both. */
interface AiSdk {
  readUIMessageStream(options: {
    stream: ReadableStream<never>;
    onError?: (error: unknown) => void;
  }): AsyncIterable<UIMessage>;
  uiMessageChunkSchema: () => { validate?: (value: unknown) => unknown };
  DefaultChatTransport: new (options: {
    api: string;
    fetch: () => Promise<Response>;
  }) => { sendMessages(options: Record<string, unknown>): Promise<ReadableStream<never>> };
}

const SDKS: [string, AiSdk][] = [
  ['ai@6', ai6 as unknown as AiSdk],
  ['ai@7', ai7 as unknown as AiSdk],
];

interface Read {
  message: UIMessage | undefined;
  errors: string[];
}

/** Checks each chunk against the protocol's schema, then builds the message with the real reader. */
async function read(sdk: AiSdk, chunks: readonly UIMessageStreamChunk[]): Promise<Read> {
  const schema = sdk.uiMessageChunkSchema();
  for (const chunk of chunks) {
    const result = await schema.validate?.(chunk);
    expect(result, JSON.stringify(chunk)).toMatchObject({ success: true });
  }
  const errors: string[] = [];
  const stream = new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let message: UIMessage | undefined;
  for await (const snapshot of sdk.readUIMessageStream({
    stream: stream as ReadableStream<never>,
    onError: (error) => errors.push((error as Error).message),
  })) {
    message = snapshot;
  }
  return { message, errors };
}

/** The same through HTTP: our SSE answer, parsed and validated by the SDK's chat transport. */
async function readOverHttp(sdk: AiSdk, events$: Observable<RunEvent | ResponseEvent>): Promise<Read> {
  const transport = new sdk.DefaultChatTransport({
    api: 'http://chat.test/api',
    fetch: async () => toUIMessageStreamResponse(events$, { keepAliveMs: false }),
  });
  const stream = await transport.sendMessages({
    trigger: 'submit-message',
    chatId: 'chat_1',
    messageId: undefined,
    messages: [],
    abortSignal: undefined,
  });
  const errors: string[] = [];
  let message: UIMessage | undefined;
  for await (const snapshot of sdk.readUIMessageStream({
    stream: stream as ReadableStream<never>,
    onError: (e) => errors.push((e as Error).message),
  })) {
    message = snapshot;
  }
  return { message, errors };
}

const chunksOf = (events$: Observable<RunEvent | ResponseEvent>) =>
  lastValueFrom(events$.pipe(toUIMessageStream(), toArray()));

const textOf = (message: UIMessage | undefined) =>
  (message?.parts ?? [])
    .filter((part) => part.type === 'text')
    .map((part) => (part as { text: string }).text)
    .join('');

const partsOf = (message: UIMessage | undefined, type: string) =>
  (message?.parts ?? []).filter((part) => part.type === type) as unknown as Record<string, unknown>[];

const streamedEntries = (name: string) =>
  readRecording(name).Entries.filter((entry) => Array.isArray(entry.ResponseBody));

const toolCallStreams = streamedEntries('openai-dotnet.StreamingToolCall.json').map((entry) =>
  referenceEvents(recordedSseBody(entry)),
);
const fileSearchEvents = referenceEvents(
  recordedSseBody(streamedEntries('openai-dotnet.FileSearchStreamingWorks.json')[0] as never),
);

/** The text of the recording's completed messages, in order. */
const finalText = (events: RunEvent[]) =>
  events
    .filter((e) => e.event === 'thread.message.completed')
    .flatMap((e) => (e.data as Message).content)
    .map((block) => (block.type === 'text' ? block.text.value : ''))
    .join('');

describe.each(SDKS)('conformance with the AI SDK reader (%s)', (_name, sdk) => {
  it('a streamed tool round trip through handleRequiresAction: the text, and the tool part with its input and output', async () => {
    const [first = [], second = []] = toolCallStreams;
    const client = mockClient({
      threads: { createAndRunStream: () => from(first) },
      runs: { submitToolOutputsStream: () => from(second) },
    });
    const events$ = createThreadAndRun(client, { assistant_id: 'asst_1' }).pipe(
      handleRequiresAction(client, { get_current_weather: () => 'warm and sunny' }),
    );
    const { message, errors } = await read(sdk, await chunksOf(events$));
    expect(errors).toEqual([]);
    expect(textOf(message)).toBe(finalText(second));
    expect(textOf(message)).toMatch(/^Since it's warm and sunny outside/);
    expect(partsOf(message, 'tool-get_current_weather')).toEqual([
      expect.objectContaining({
        toolCallId: 'call_xyFYaEeyocjyE6jN64QTcxip',
        state: 'output-available',
        input: {},
        output: 'warm and sunny',
      }),
    ]);
    expect(partsOf(message, 'step-start')).toHaveLength(2);
    expect(partsOf(message, 'data-run-status')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ status: 'completed' }) }),
    ]);
    // and the same over HTTP, through the SDK's chat transport (SSE parsing and chunk schema)
    const overHttp = await readOverHttp(
      sdk,
      createThreadAndRun(client, { assistant_id: 'asst_1' }).pipe(
        handleRequiresAction(client, { get_current_weather: () => 'warm and sunny' }),
      ),
    );
    expect(overHttp.errors).toEqual([]);
    expect(overHttp.message?.parts).toEqual(message?.parts);
  });

  it('file search with a citation: the text, the file as a source document, the search as a provider-executed tool', async () => {
    const { message, errors } = await read(sdk, await chunksOf(from(fileSearchEvents)));
    expect(errors).toEqual([]);
    expect(textOf(message)).toBe(finalText(fileSearchEvents));
    expect(textOf(message)).toBe("Filip's favorite food is cake【4:0†favorite_foods.txt】.");
    expect(partsOf(message, 'source-document')).toEqual([
      expect.objectContaining({
        sourceId: 'file-CyHtsk7XAWdRabQUBYRjCu',
        title: 'favorite_foods.txt',
        filename: 'favorite_foods.txt',
        mediaType: 'text/plain',
      }),
    ]);
    expect(partsOf(message, 'tool-file_search')).toEqual([
      expect.objectContaining({
        state: 'output-available',
        providerExecuted: true,
        output: [expect.objectContaining({ file_name: 'favorite_foods.txt' })],
      }),
    ]);
  });

  it('a Responses function call answered by handleFunctionCalls, and the continuation: one message, two steps', async () => {
    const [callStream = []] = recordedStreams('FunctionCallStreamingWorks');
    const [textStream = []] = recordedStreams('StreamingResponses');
    const streams = [callStream, textStream];
    const client = mockClient({ responses: { createStream: () => from(streams.shift() ?? []) } });
    const events$ = createResponse(client, { model: 'gpt-4o-mini', input: 'weather?' }).pipe(
      handleFunctionCalls(client, {
        get_weather_at_location: ({ location }: { location: string }) => ({ location, temperature: '22 C' }),
      }),
    );
    const { message, errors } = await read(sdk, await chunksOf(events$));
    expect(errors).toEqual([]);
    const answered = finalOf(textStream);
    expect(textOf(message)).toBe(outputText(answered));
    expect(partsOf(message, 'tool-get_weather_at_location')).toEqual([
      expect.objectContaining({
        state: 'output-available',
        input: { location: 'San Francisco, CA' },
        output: { location: 'San Francisco, CA', temperature: '22 C' },
      }),
    ]);
    expect(partsOf(message, 'step-start')).toHaveLength(2);
    expect(partsOf(message, 'data-run-status').map((p) => (p['data'] as { status: string }).status)).toEqual([
      'completed',
      'completed',
    ]);
  });

  it('the plain and the reasoning Responses streams: output text and reasoning summary', async () => {
    for (const name of ['StreamingResponses', 'ReasoningStreamingWorks']) {
      const [events = []] = recordedStreams(name);
      const { message, errors } = await read(sdk, await chunksOf(from(events)));
      expect(errors).toEqual([]);
      expect(textOf(message)).toBe(outputText(finalOf(events)));
      const summaries = finalOf(events)
        .output.flatMap((item) =>
          item.type === 'reasoning' ? (item as { summary: { text: string }[] }).summary : [],
        )
        .map((s) => s.text);
      expect(partsOf(message, 'reasoning').map((p) => p['text'])).toEqual(summaries);
    }
  });

  it('a failed run: the text shown so far, and the reader gets the failure', async () => {
    const [, second = []] = toolCallStreams;
    const run = second.at(-1)?.data as Run;
    const events: RunEvent[] = [
      ...second.slice(0, 15),
      {
        event: 'thread.run.failed',
        data: {
          ...run,
          status: 'failed',
          last_error: { code: 'server_error', message: 'Sorry, something went wrong.' },
        },
      },
    ];
    const { message, errors } = await read(sdk, await chunksOf(from(events)));
    expect(errors).toEqual([`Run ${run.id} failed (server_error): Sorry, something went wrong.`]);
    const shown = events
      .filter((e) => e.event === 'thread.message.delta')
      .map(
        (e) => (e.data as { delta: { content: { text: { value: string } }[] } }).delta.content[0]?.text.value,
      )
      .join('');
    expect(textOf(message)).toBe(shown);
    expect(partsOf(message, 'text')).toEqual([expect.objectContaining({ state: 'done' })]);
  });

  it('a cancelled run and a cancelled response: the text so far, and an abort chunk (no finish)', async () => {
    const [, second = []] = toolCallStreams;
    const run = second.at(-1)?.data as Run;
    const cut: RunEvent[] = [
      ...second.slice(0, 12),
      { event: 'thread.run.cancelling', data: { ...run, status: 'cancelling' } },
      { event: 'thread.run.cancelled', data: { ...run, status: 'cancelled' } },
    ];
    const chunks = await chunksOf(from(cut));
    expect(chunks.at(-1)).toEqual({ type: 'abort', reason: `Run ${run.id} was cancelled.` });
    expect(chunks.some((c) => c.type === 'finish')).toBe(false);
    const { message, errors } = await read(sdk, chunks);
    expect(errors).toEqual([]);
    expect(textOf(message).length).toBeGreaterThan(0);
    expect(partsOf(message, 'data-run-status')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ status: 'cancelled' }) }),
    ]);

    const [textStream = []] = recordedStreams('StreamingResponses');
    const response = finalOf(textStream);
    const stopped: ResponseEvent[] = [
      ...textStream.slice(0, 8),
      { type: 'response.cancelled', response: { ...response, status: 'cancelled' } as ResponseObject },
    ];
    const responseChunks = await chunksOf(of(...stopped));
    expect(responseChunks.at(-1)).toEqual({
      type: 'abort',
      reason: `Response ${response.id} was cancelled.`,
    });
    expect((await read(sdk, responseChunks)).errors).toEqual([]);
  });
});

/** The output text of a response: its output_text parts in order. */
function outputText(response: ResponseObject): string {
  return response.output
    .flatMap((item) =>
      item.type === 'message' ? (item as { content: { type: string; text?: string }[] }).content : [],
    )
    .filter((part) => part.type === 'output_text')
    .map((part) => part.text ?? '')
    .join('');
}
