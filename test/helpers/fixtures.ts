import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createParser } from 'eventsource-parser';
import type { RunEvent } from '../../src/events/RunEvent';

/**
 * The real recorded traffic in `../shared/fixtures` (or `$ASSISTANTS_FIXTURES`). Tests read it in
 * place; it is never copied into the project.
 */
const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = process.env['ASSISTANTS_FIXTURES'] ?? resolve(here, '../../../shared/fixtures');

if (!existsSync(join(FIXTURES, 'README.md'))) {
  throw new Error(
    `Fixtures not found at ${FIXTURES}. Put the shared fixtures beside the project (../shared/fixtures) or set ASSISTANTS_FIXTURES.`,
  );
}

export const fixturePath = (...parts: string[]): string => join(FIXTURES, ...parts);
export const readFixture = (...parts: string[]): string => readFileSync(fixturePath(...parts), 'utf8');
export const readFixtureBytes = (...parts: string[]): Uint8Array =>
  new Uint8Array(readFileSync(fixturePath(...parts)));

/** Names of the `sse/*.sse` bodies. */
export const sseFixtures = (): string[] =>
  readdirSync(fixturePath('sse'))
    .filter((f) => f.endsWith('.sse'))
    .sort();

/** One entry of an openai-dotnet recording. */
export interface RecordingEntry {
  RequestUri: string;
  RequestMethod: string;
  RequestHeaders: Record<string, string>;
  RequestBody: unknown;
  StatusCode: number;
  ResponseHeaders: Record<string, string>;
  ResponseBody: unknown;
}
export interface Recording {
  Entries: RecordingEntry[];
}

export const readRecording = (name: string): Recording =>
  JSON.parse(readFixture('recordings', name)) as Recording;

/** SSE body of a streamed recording entry (its `ResponseBody` lines joined as they are). */
export const recordedSseBody = (entry: RecordingEntry): string => {
  if (!Array.isArray(entry.ResponseBody)) throw new Error(`${entry.RequestUri} is not a streamed entry`);
  return (entry.ResponseBody as string[]).join('');
};

/**
 * Reference parse of an SSE body, independent of the library's own client: every frame as
 * `{ event, data: JSON.parse(data) }`, stopping at `done`. Used to state what the library must emit.
 */
export function referenceEvents(sse: string): RunEvent[] {
  const events: RunEvent[] = [];
  let done = false;
  const parser = createParser({
    onEvent(message) {
      if (done) return;
      if (message.event === 'done') {
        done = true;
        return;
      }
      events.push({ event: message.event, data: JSON.parse(message.data) } as RunEvent);
    },
  });
  parser.feed(sse);
  return events;
}
