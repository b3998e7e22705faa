import { afterAll, beforeAll, expect } from 'vitest';
import {
  type Brain,
  type BrainAction,
  defaultBrain,
  type Emulator,
  type EmulatorOptions,
  type EndpointName,
  startEmulator,
} from '../../src/emulator';
import { readRecording, recordedSseBody } from '../helpers/fixtures';
import { type Captured, capturingFetch, strictFrames } from './helpers';
import type { SpecValidator } from './specValidator';

// The harness of the schema conformance tests (schema.conformance.test.ts for the Assistants
// endpoints, responses.schema.test.ts for Responses and Conversations): a brain with one kind of
// action per prompt, a scenario whose every answer is captured, and the checks of those answers
// and of the recordings against the published spec.

/**
 * Answers a prompt that starts with `code`, `search`, `fail` or `slow` (or a key of `more`) with
 * that kind of action; the default brain otherwise.
 */
export function scenarioBrain(more: Record<string, readonly BrainAction[]>): Brain {
  const byPrompt: Record<string, readonly BrainAction[]> = {
    code: [
      { type: 'code_interpreter', input: 'print(6 * 7)', logs: '42\n' },
      { type: 'text', text: 'The answer is 42.' },
    ],
    search: [
      {
        type: 'file_search',
        results: [{ file_id: 'file-1', file_name: 'notes.txt', content: 'Leek soup.' }],
      },
      { type: 'text', text: 'Leek soup【4:0†notes.txt】.', citations: { '【4:0†notes.txt】': 'file-1' } },
    ],
    fail: [{ type: 'fail', code: 'rate_limit_exceeded', message: 'Too many requests.' }],
    slow: [{ type: 'delay', ms: 60_000 }],
    ...more,
  };
  return (context) => {
    const text = context.lastUserText;
    for (const [prompt, actions] of Object.entries(byPrompt)) if (text.startsWith(prompt)) return actions;
    return defaultBrain(context);
  };
}

/** What a scenario plays with: emulators closed after the file, and a fetch that captures answers. */
export interface ScenarioTools {
  start: (options?: EmulatorOptions) => Promise<Emulator>;
  fetch: typeof fetch;
}

/**
 * Plays `scenario` before the file's tests and closes its emulators after them. Returns (filled
 * once it has played) every answer its fetch got and every endpoint its emulators were asked.
 */
export function captureScenario(scenario: (tools: ScenarioTools) => Promise<void>) {
  const emulators: Emulator[] = [];
  const captured: Captured[] = [];
  const endpointsSeen = new Set<EndpointName | undefined>();
  beforeAll(async () => {
    const capture = capturingFetch();
    const start = async (options?: EmulatorOptions) => {
      const emulator = await startEmulator(options);
      emulators.push(emulator);
      return emulator;
    };
    await scenario({ start, fetch: capture.fetch });
    await capture.settled();
    captured.push(...capture.answers);
    for (const e of emulators) for (const r of e.requests) endpointsSeen.add(r.endpoint);
  });
  afterAll(async () => {
    await Promise.all(emulators.map((e) => e.close()));
  });
  return { captured, endpointsSeen };
}

/** Every answer was read, and validates (JSON bodies, SSE frames, error objects); there were more than `min`. */
export function expectValidAnswers(validator: SpecValidator, captured: readonly Captured[], min: number) {
  expect(captured.filter((c) => c.problem)).toEqual([]);
  const problems = captured.flatMap((c) =>
    validator.answer(c.method, c.path, c.status, c.json, c.frames).map((p) => `${c.method} ${c.path}: ${p}`),
  );
  expect(problems).toEqual([]);
  expect(captured.length).toBeGreaterThan(min);
}

/** The problems of a recording's answers: each streamed one's frames, each JSON one that `json` keeps. */
export const recordedProblems = (
  validator: SpecValidator,
  name: string,
  json: (path: string) => boolean = () => true,
): string[] =>
  readRecording(name).Entries.flatMap((entry) => {
    const path = new URL(entry.RequestUri).pathname;
    const problems = Array.isArray(entry.ResponseBody)
      ? strictFrames(recordedSseBody(entry)).flatMap((frame) => validator.frame(frame))
      : json(path)
        ? validator.answer(entry.RequestMethod, path, entry.StatusCode, entry.ResponseBody, undefined)
        : [];
    return problems.map((p) => `${name} ${path}: ${p}`);
  });

/** A list page with nothing on it, as the service answers it (ids null: a leniency). */
export const EMPTY_LIST = { object: 'list', data: [], first_id: null, last_id: null, has_more: false };
