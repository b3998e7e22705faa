import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import type { ResponseObject } from '../../src/responses/types';
import { readRecording } from '../helpers/fixtures';

/**
 * The streamed Responses recordings of `../shared/fixtures`, read independently of the library's
 * own SSE parser: each entry's `ResponseBody` lines joined, split into frames at blank lines, and
 * every `data:` line JSON-parsed.
 */

/** The recordings that hold a Responses stream, by file name. */
export const STREAMED_RESPONSES = [
  'openai-dotnet.StreamingResponses.json',
  'openai-dotnet.FunctionCallStreamingWorks.json',
  'openai-dotnet.ReasoningStreamingWorks.json',
] as const;

/** The events of one SSE body: the JSON of each frame's `data:` lines. */
export function eventsOfSse(body: string): ResponseEvent[] {
  const events: ResponseEvent[] = [];
  for (const frame of body.replace(/\r\n?/g, '\n').split(/\n\n+/)) {
    const data = frame
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data !== '' && data !== '[DONE]') events.push(JSON.parse(data) as ResponseEvent);
  }
  return events;
}

/** The events of the first streamed entry of a recording. */
export function recordedEvents(name: string): ResponseEvent[] {
  const entry = readRecording(name).Entries.find((e) => Array.isArray(e.ResponseBody));
  if (entry === undefined) throw new Error(`${name} has no streamed entry`);
  return eventsOfSse((entry.ResponseBody as string[]).join(''));
}

/** The response the recorded stream's terminal event carries. */
export function recordedFinalResponse(events: readonly ResponseEvent[]): ResponseObject {
  const last = events.at(-1);
  if (last === undefined || last.type !== 'response.completed')
    throw new Error('the recording does not end completed');
  return last.response;
}

/** The output text of a response as the API defines `output_text`: its output_text parts in order. */
export function textOfResponse(response: ResponseObject): string {
  let text = '';
  for (const item of response.output) {
    if (item.type !== 'message' || !('content' in item)) continue;
    for (const part of (item as { content: { type: string; text?: string }[] }).content) {
      if (part.type === 'output_text') text += part.text ?? '';
    }
  }
  return text;
}
