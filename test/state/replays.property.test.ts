import fc from 'fast-check';
import { from, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message, Run, RunStep, ToolCall } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import { finalRun } from '../../src/operators/finalRun';
import { runState } from '../../src/operators/runState';
import { runStatus } from '../../src/operators/runStatus';
import { toolCalls } from '../../src/operators/toolCalls';
import { seeded } from '../helpers/seeded';
import {
  aMessage,
  aStep,
  fnCall,
  messageCreated,
  messageInProgress,
  runEvent,
  stepDelta,
  stepEvent,
  textBlock,
  textDelta,
  toolStep,
} from './events';

interface Script {
  events: RunEvent[];
  /** For each delta, the terminal event of its message or step (a copy must come before it). */
  terminalOf: Map<RunEvent, RunEvent>;
  messages: Message[];
  calls: ToolCall[];
  steps: RunStep[];
  run: Run;
}

const chunks = fc.array(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });

/** A run as the server sends it: an optional function-call step, then 1–3 messages, each its own step. */
const scripts = fc
  .record({
    argChunks: fc.option(chunks, { nil: undefined }),
    texts: fc.array(fc.record({ chunks, cite: fc.boolean() }), { minLength: 1, maxLength: 3 }),
  })
  .map(({ argChunks, texts }): Script => {
    const events: RunEvent[] = [runEvent('queued', {}, 'thread.run.created'), runEvent('in_progress')];
    const terminalOf = new Map<RunEvent, RunEvent>();
    const calls: ToolCall[] = [];
    const steps: RunStep[] = [];
    if (argChunks !== undefined) {
      const call = fnCall('call_1', 'lookup', argChunks.join(''), 'result');
      const done = stepEvent('completed', 'step_tool', toolStep([call]));
      events.push(
        stepEvent('created', 'step_tool', toolStep()),
        stepEvent('in_progress', 'step_tool', toolStep()),
      );
      argChunks.forEach((args, i) => {
        const delta = stepDelta('step_tool', {
          index: 0,
          type: 'function',
          ...(i === 0 ? { id: 'call_1' } : {}),
          function: i === 0 ? { name: 'lookup', arguments: args, output: null } : { arguments: args },
        });
        terminalOf.set(delta, done);
        events.push(delta);
      });
      events.push(done);
      calls.push(call);
      steps.push(done.data as RunStep);
    }
    const messages = texts.map(({ chunks: parts, cite }, m) => {
      const id = `msg_${m}`;
      const value = parts.join('');
      const annotations = cite
        ? [
            {
              type: 'file_citation',
              text: parts[0],
              start_index: 0,
              end_index: 1,
              file_citation: { file_id: 'file_1' },
            },
          ]
        : [];
      const final = aMessage(id, 'completed', [textBlock(value, annotations)]);
      const done: RunEvent = { event: 'thread.message.completed', data: final };
      const creation = { type: 'message_creation' as const, message_creation: { message_id: id } };
      events.push(stepEvent('created', `step_${m}`, creation), messageCreated(id), messageInProgress(id));
      parts.forEach((text, i) => {
        const delta =
          cite && i === 0
            ? textDelta(id, text, 0, [
                { index: 0, ...annotations[0], file_citation: { file_id: 'file_1', quote: 'q' } },
              ])
            : textDelta(id, text, 0, i === 0 ? [] : undefined);
        terminalOf.set(delta, done);
        events.push(delta);
      });
      const stepDone = aStep(`step_${m}`, 'completed', creation);
      events.push(done, { event: 'thread.run.step.completed', data: stepDone });
      steps.push(stepDone);
      return final;
    });
    const completed = runEvent('completed', {
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
    events.push(completed);
    return { events, terminalOf, messages, calls, steps, run: completed.data as Run };
  });

/** Copies of events inserted later: a delta somewhere before its terminal payload, a lifecycle event anywhere after. */
const perturbations = fc.array(
  fc.record({ pick: fc.nat(), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }),
  {
    maxLength: 40,
  },
);

function perturb(script: Script, ops: { pick: number; at: number }[]): RunEvent[] {
  const events = script.events.slice();
  for (const { pick, at } of ops) {
    const event = script.events[pick % script.events.length] as RunEvent;
    const first = events.indexOf(event) + 1;
    const terminal = script.terminalOf.get(event);
    const last = terminal === undefined ? events.length : events.indexOf(terminal);
    events.splice(first + Math.floor(at * (last - first + 1)), 0, event);
  }
  return events;
}

const textOf = (message: Message | undefined): string => {
  const block = message?.content[0];
  return block?.type === 'text' ? block.text.value : '<no text>';
};

function collect<T>(events: RunEvent[], op: OperatorFunction<RunEvent, T>): T[] {
  const out: T[] = [];
  from(events)
    .pipe(op)
    .subscribe((v) => out.push(v));
  return out;
}

describe('replayed lifecycle events and duplicated deltas', () => {
  it('leave the final messages, tool calls and run equal to the server’s terminal payloads', () => {
    fc.assert(
      fc.property(scripts, perturbations, (script, ops) => {
        const events = perturb(script, ops);
        expect(collect(events, finalMessages())).toEqual([script.messages]);
        expect(collect(events, toolCalls())).toEqual(script.calls);
        expect(collect(events, finalRun())).toEqual([script.run]);
        expect(collect(events, runStatus())).toEqual(['queued', 'in_progress', 'completed']);
        const state = collect(events, runState()).at(-1);
        expect(state?.steps).toEqual(script.steps);
        expect(state?.messages).toEqual(script.messages);
        expect(state?.done).toBe(true);
      }),
      seeded(300),
    );
  });

  it('the perturbation really doubles text before the terminal payload (the property is not vacuous)', () => {
    const [script] = fc.sample(scripts, { numRuns: 1, seed: 7 }) as [Script];
    const delta = [...script.terminalOf.keys()].at(-1) as RunEvent;
    const events = perturb(script, [{ pick: script.events.indexOf(delta), at: 0 }]);
    const cut = events.indexOf(script.terminalOf.get(delta) as RunEvent);
    const beforeTerminal = collect(events.slice(0, cut), finalMessages())[0]?.at(-1);
    const deltaText = (delta.data as { delta: { content: { text: { value: string } }[] } }).delta.content[0];
    expect(textOf(beforeTerminal)).toBe(textOf(script.messages.at(-1)) + deltaText?.text.value);
    expect(deltaText?.text.value.length).toBeGreaterThan(0);
  });
});
