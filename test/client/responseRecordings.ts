import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import { readRecording, recordedSseBody } from '../helpers/fixtures';

/**
 * The recorded Responses streams of the shared fixtures (openai-dotnet `ResponsesTests`), and a
 * reference reading of an SSE body that shares no code with the library's parser.
 */

/** The recordings holding the streamed Responses bodies. */
export const STREAMED_RESPONSE_RECORDINGS = [
  'openai-dotnet.StreamingResponses.json',
  'openai-dotnet.FunctionCallStreamingWorks.json',
  'openai-dotnet.ReasoningStreamingWorks.json',
] as const;

/** One recorded Responses stream. */
export interface RecordedResponseStream {
  name: string;
  /** The SSE body: the entry's `ResponseBody` lines joined as they are. */
  text: string;
  bytes: Uint8Array;
  /** The lines as recorded, each a chunk as the recorder kept it. */
  lines: string[];
}

const encoder = new TextEncoder();

/** Every streamed entry of the recordings above. */
export function recordedResponseStreams(): RecordedResponseStream[] {
  return STREAMED_RESPONSE_RECORDINGS.flatMap((file) =>
    readRecording(file)
      .Entries.filter((entry) => Array.isArray(entry.ResponseBody))
      .map((entry, index) => {
        const text = recordedSseBody(entry);
        return {
          name: `${file} stream ${index}`,
          text,
          bytes: encoder.encode(text),
          lines: entry.ResponseBody as string[],
        };
      }),
  );
}

/**
 * The events of an SSE body as the wire defines them: the JSON of the `data:` line of each complete
 * frame (one ended by a blank line), in order. A cut body gives the frames completed before the cut.
 */
export function referenceResponseEvents(sse: string): ResponseEvent[] {
  const frames = sse.split('\n\n');
  frames.pop(); // what follows the last blank line is not a complete frame
  return frames.flatMap((frame) =>
    frame
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice('data: '.length)) as ResponseEvent),
  );
}
