import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { type Brain, type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator';
import type { RunEvent } from '../../src/events/RunEvent';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import { createRun } from '../../src/sources/createRun';
import { FAST_POLL } from './drive';
import { type BugId, OPEN_BUGS } from './knownBugs';
import { collect, repeatedEmissions, textOf } from './probes';

// The smallest deterministic reproductions of what the fault matrix found, one per bug, so each
// can be fixed and kept fixed on its own. See RELIABILITY.md. While a bug is open (OPEN_BUGS in
// knownBugs.ts) its test is `it.fails`: it documents the bug and starts failing once the bug is
// fixed, as the signal to set the flag to false (which makes the matrix strict about it again).

/** `it`, or `it.fails` while the bug is open. */
const bugTest = (bug: BugId) => (OPEN_BUGS[bug] ? it.fails : it);

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(brain: Brain, faults: EmulatorOptions['faults']) {
  emulator = await startEmulator({ latencyMs: 1, brain, ...(faults ? { faults } : {}) });
  const client = fetchClient({ baseURL: emulator.url, apiKey: 'sk-chaos', maxRetries: 0 });
  const assistant = await firstValueFrom(
    client.assistants.create({
      model: 'gpt-4o',
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
    }),
  );
  const thread = await firstValueFrom(client.threads.create({ messages: [{ role: 'user', content: 'go' }] }));
  return { client, assistant_id: assistant.id, threadId: thread.id };
}

const names = (events: readonly RunEvent[]) =>
  events.map((e) => `${e.event} ${(e.data as { id?: string }).id}`);

describe('regressions found by the fault matrix', () => {
  bugTest(1)(
    'bug 1 (src/sources/pollRun.ts): a stream resumed by polling does not emit again the end of a step the stream already showed ended',
    async () => {
      // Two messages, the stream cut (SSE error frame) right after the first step completed.
      const brain: Brain = () => [
        { type: 'text', text: 'first message' },
        { type: 'delay', ms: 30 },
        { type: 'text', text: 'second message' },
      ];
      // created, queued, in_progress, step.created, step.in_progress, message.created, message.in_progress,
      // delta, delta, message.completed, step.completed | error frame
      const { client, assistant_id, threadId } = await setup(brain, {
        rules: [{ type: 'error_event', on: 'runs.create', afterEvents: 11 }],
      });
      const events = await lastValueFrom(
        createRun(client, { threadId, assistant_id }, { poll: FAST_POLL }).pipe(toArray()),
      );
      expect(events.at(-1)?.data).toMatchObject({ status: 'completed' });
      const collected = await collect(events);
      expect(collected.messages.map(textOf)).toEqual(['first message', 'second message']);
      expect(repeatedEmissions(events, collected), names(events).join('\n')).toEqual([]);
    },
  );

  bugTest(2)(
    'bug 2 (src/operators/handleRequiresAction.ts): the continuation after a cut tool-output stream does not replay the steps and messages of earlier segments',
    async () => {
      // Turn 0: a message, then a call; turn 1: the answer. The submit stream is dropped at once.
      const brain: Brain = ({ turn }) =>
        turn === 0
          ? [
              { type: 'text', text: 'Let me look.' },
              { type: 'function_calls', calls: [{ name: 'lookup', arguments: { q: 1 } }] },
            ]
          : [{ type: 'text', text: 'Found it.' }];
      const { client, assistant_id, threadId } = await setup(brain, {
        rules: [{ type: 'drop', on: 'runs.submitToolOutputs', afterBytes: 0 }],
      });
      const config = { poll: FAST_POLL };
      const events = await lastValueFrom(
        createRun(client, { threadId, assistant_id }, config).pipe(
          handleRequiresAction(client, { lookup: () => 'the answer' }, config),
          toArray(),
        ),
      );
      expect(events.at(-1)?.data).toMatchObject({ status: 'completed' });
      const collected = await collect(events);
      expect(collected.messages.map(textOf)).toEqual(['Let me look.', 'Found it.']);
      expect(collected.deltas).toBe('Let me look.Found it.');
      expect(repeatedEmissions(events, collected), names(events).join('\n')).toEqual([]);
    },
  );

  bugTest(2)(
    'bug 2 (src/operators/handleRequiresAction.ts): in poll mode, each round of tool calls does not replay the steps and messages of earlier rounds',
    async () => {
      // No fault at all: poll mode, a message and a call, then the answer.
      const brain: Brain = ({ turn }) =>
        turn === 0
          ? [
              { type: 'text', text: 'Let me look.' },
              { type: 'function_calls', calls: [{ name: 'lookup', arguments: { q: 1 } }] },
            ]
          : [{ type: 'text', text: 'Found it.' }];
      const { client, assistant_id, threadId } = await setup(brain, undefined);
      const config = { mode: 'poll' as const, poll: FAST_POLL };
      const events = await lastValueFrom(
        createRun(client, { threadId, assistant_id }, config).pipe(
          handleRequiresAction(client, { lookup: () => 'the answer' }, config),
          toArray(),
        ),
      );
      expect(events.at(-1)?.data).toMatchObject({ status: 'completed' });
      const collected = await collect(events);
      expect(collected.messages.map(textOf)).toEqual(['Let me look.', 'Found it.']);
      expect(collected.deltas).toBe('Let me look.Found it.');
      expect(repeatedEmissions(events, collected), names(events).join('\n')).toEqual([]);
    },
  );

  bugTest(3)(
    'bug 3 (src/sources/pollRun.ts): a poll that read the run ended and then fails to list its steps does not cancel the run',
    async () => {
      // Poll mode; the steps are listed when the poll sees in_progress (fine) and again when it sees
      // completed: that second list answers 500. The client has read that the run ended.
      const brain: Brain = () => [
        { type: 'delay', ms: 60 },
        { type: 'text', text: 'done' },
      ];
      const { client, assistant_id, threadId } = await setup(brain, {
        rules: [{ type: 'status', status: 500, on: 'steps.list', skip: 1 }],
      });
      const cancelErrors: unknown[] = [];
      const error = await lastValueFrom(
        createRun(
          client,
          { threadId, assistant_id },
          { mode: 'poll', poll: FAST_POLL, onCancelError: (e) => cancelErrors.push(e) },
        ).pipe(toArray()),
      ).catch((e: unknown) => e);
      expect(String(error)).toContain('HTTP 500');
      const polls = emulator?.requests.filter((r) => r.endpoint === 'runs.retrieve') ?? [];
      expect(polls.length).toBeGreaterThan(0);
      const run = await firstValueFrom(client.runs.list(threadId));
      expect(run.data[0]?.status).toBe('completed');
      // Let a cancel, if one went out, be answered.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const cancels = emulator?.requests.filter((r) => r.endpoint === 'runs.cancel') ?? [];
      expect({ cancels: cancels.length, cancelErrors: cancelErrors.map(String) }).toEqual({
        cancels: 0,
        cancelErrors: [],
      });
    },
  );
});
