import type OpenAI from 'openai';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  isKnownRunEvent,
  isKnownRunStatus,
  isMessageEvent,
  isRunEvent,
  isRunEventName,
  isRunStatusEvent,
  isRunStepEvent,
  isTerminalStatus,
} from '../../src/events/guards';
import { RUN_EVENT_NAMES, type RunEvent } from '../../src/events/RunEvent';
import type {
  Assistant,
  Message,
  MessageDelta,
  Run,
  RunStep,
  RunStepDelta,
  Thread,
} from '../../src/events/types';
import { eventBuilders } from '../../src/testing';

type SDK = typeof OpenAI.Beta;
type SdkRun = OpenAI.Beta.Threads.Runs.Run;
type SdkStreamEvent = Exclude<OpenAI.Beta.AssistantStreamEvent, OpenAI.Beta.AssistantStreamEvent.ErrorEvent>;

// Checked by `npm run typecheck` (tsc), which includes the test files.
describe('payload types are assignable from the openai package types', () => {
  it('objects', () => {
    expectTypeOf<SdkRun>().toExtend<Run>();
    expectTypeOf<OpenAI.Beta.Threads.Runs.RunStep>().toExtend<RunStep>();
    expectTypeOf<OpenAI.Beta.Threads.Message>().toExtend<Message>();
    expectTypeOf<OpenAI.Beta.Threads.MessageDeltaEvent>().toExtend<MessageDelta>();
    expectTypeOf<OpenAI.Beta.Threads.Runs.RunStepDeltaEvent>().toExtend<RunStepDelta>();
    expectTypeOf<OpenAI.Beta.Thread>().toExtend<Thread>();
    expectTypeOf<OpenAI.Beta.Assistant>().toExtend<Assistant>();
    expectTypeOf<SDK>().not.toBeNever();
  });

  it('stream events', () => {
    expectTypeOf<SdkStreamEvent>().toExtend<RunEvent>();
  });
});

describe('event names and guards', () => {
  it('knows the 23 event names', () => {
    expect(RUN_EVENT_NAMES).toHaveLength(23);
    expect(new Set(RUN_EVENT_NAMES).size).toBe(23);
  });

  it('classifies events by name', () => {
    for (const name of RUN_EVENT_NAMES) {
      const event = eventBuilders[name]();
      expect(isRunEvent(event)).toBe(true);
      expect(isKnownRunEvent(event)).toBe(true);
      expect(isRunEventName(name)).toBe(true);
      const kinds = [isRunStatusEvent(event), isRunStepEvent(event), isMessageEvent(event)].filter(Boolean);
      expect(kinds.length).toBe(name === 'thread.created' ? 0 : 1);
    }
    const unknown = { event: 'thread.run.step.reticulating', data: {} };
    expect(isRunEvent(unknown)).toBe(true);
    expect(isKnownRunEvent(unknown)).toBe(false);
    expect(isRunStatusEvent(unknown)).toBe(false);
    expect(isRunEvent({ event: 'x' })).toBe(false);
    expect(isRunEvent(null)).toBe(false);
  });

  it('knows the terminal statuses', () => {
    expect(['completed', 'incomplete', 'failed', 'cancelled', 'expired'].every(isTerminalStatus)).toBe(true);
    expect(['queued', 'in_progress', 'requires_action', 'cancelling', undefined].some(isTerminalStatus)).toBe(
      false,
    );
  });

  it('knows every run status, and no other', () => {
    const all = ['queued', 'in_progress', 'requires_action', 'cancelling', 'cancelled', 'failed'];
    expect([...all, 'completed', 'incomplete', 'expired'].every(isKnownRunStatus)).toBe(true);
    expect(['created', 'thread.run.queued', 'paused', ''].some(isKnownRunStatus)).toBe(false);
  });
});
