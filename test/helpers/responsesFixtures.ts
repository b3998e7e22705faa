import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import type { ResponseObject } from '../../src/responses/types';
import { type RecordingEntry, readFixture } from './fixtures';

/** The entries of one openai-dotnet Responses recording. */
export function recording(name: string): RecordingEntry[] {
  return (
    JSON.parse(readFixture('recordings', `openai-dotnet.${name}.json`)) as { Entries: RecordingEntry[] }
  ).Entries;
}

/** The SSE body of a streamed entry (its lines joined as recorded). */
export const sseBody = (entry: RecordingEntry): string => (entry.ResponseBody as string[]).join('');

/** The events of an SSE body: each frame's `data:` JSON, in order. */
export function framesOf(body: string): ResponseEvent[] {
  return body
    .split(/\n\n/)
    .map((frame) => frame.split('\n').find((line) => line.startsWith('data: ')))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line.slice('data: '.length)) as ResponseEvent);
}

/** The events of each streamed entry of a recording. */
export function recordedStreams(name: string): ResponseEvent[][] {
  return recording(name)
    .filter((entry) => Array.isArray(entry.ResponseBody))
    .map((entry) => framesOf(sseBody(entry)));
}

/** The response the last lifecycle event of a stream carries. */
export function finalOf(events: readonly ResponseEvent[]): ResponseObject {
  const last = events.filter((e) => 'response' in e).at(-1) as { response: ResponseObject } | undefined;
  if (last === undefined) throw new Error('no lifecycle event');
  return last.response;
}

/** The names of the Responses recordings that hold a stream. */
export const STREAMED_RECORDINGS = [
  'StreamingResponses',
  'FunctionCallStreamingWorks',
  'ReasoningStreamingWorks',
];
