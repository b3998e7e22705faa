import type { RunEvent } from '../events/RunEvent';
import type {
  Message,
  MessageContent,
  MessageContentDelta,
  Run,
  RunStep,
  ToolCallDelta,
} from '../events/types';
import type { MessageShown, StepShown } from './RunShown';

/**
 * Events synthesised from snapshots (poll mode, and after a resumed stream), named as the stream
 * names them so every collector sees the same thing in both modes. Internal.
 */

/** `thread.run.<status>` carrying the run. An unknown status gives an unknown name, passed through. */
export const runStatusEvent = (run: Run): RunEvent =>
  ({ event: `thread.run.${run.status}`, data: run }) as RunEvent;

/** `thread.run.step.<status>` carrying the step. */
export const stepStatusEvent = (step: RunStep): RunEvent =>
  ({ event: `thread.run.step.${step.status}`, data: step }) as RunEvent;

/**
 * The events that show a message whose final snapshot is known: `created` (empty, unless it was
 * shown already), one `delta` with the part not yet shown, then `completed`/`incomplete`.
 * The delta keeps `textDeltas()` adding up to the final text after a resume.
 */
export function messageEvents(message: Message, seen: MessageShown | undefined): RunEvent[] {
  const events: RunEvent[] = [];
  if (seen === undefined) {
    events.push({
      event: 'thread.message.created',
      data: { ...message, status: 'in_progress', content: [], completed_at: null },
    });
  }
  const content: MessageContentDelta[] = [];
  message.content.forEach((block, index) => {
    const rest = remainder(block, index, seen?.shown[index]);
    if (rest !== undefined) content.push(rest);
  });
  if (content.length > 0) {
    events.push({
      event: 'thread.message.delta',
      data: { id: message.id, object: 'thread.message.delta', delta: { content } },
    });
  }
  const status = message.status === 'incomplete' ? 'incomplete' : 'completed';
  events.push({
    event: `thread.message.${status}`,
    data: message.status === undefined ? { ...message, status } : message,
  });
  return events;
}

/** The part of a content block not yet shown, as a delta block; undefined when nothing is left. */
function remainder(
  block: MessageContent,
  index: number,
  shown: number | undefined,
): MessageContentDelta | undefined {
  switch (block.type) {
    case 'text': {
      const from = shown ?? 0;
      const value = block.text.value.slice(from);
      // Annotations come with the text they mark: those ending in the part not shown yet are new
      // (each keeps its index in the message's list, which is how deltas merge them).
      const annotations = block.text.annotations.flatMap((annotation, i) =>
        shown === undefined || annotation.end_index > from ? [{ ...annotation, index: i }] : [],
      );
      if (shown === undefined) return { index, type: 'text', text: { value, annotations } };
      if (value === '' && annotations.length === 0) return undefined;
      return { index, type: 'text', text: annotations.length > 0 ? { value, annotations } : { value } };
    }
    case 'refusal': {
      const refusal = block.refusal.slice(shown ?? 0);
      return shown !== undefined && refusal === '' ? undefined : { index, type: 'refusal', refusal };
    }
    case 'image_file':
      return shown === undefined ? { index, type: 'image_file', image_file: block.image_file } : undefined;
    case 'image_url':
      return shown === undefined ? { index, type: 'image_url', image_url: block.image_url } : undefined;
    default:
      return undefined;
  }
}

/**
 * A `thread.run.step.delta` with the part of a step's tool calls a broken stream did not show
 * (whole calls it never named, the rest of arguments or code input); undefined when nothing is left.
 */
export function stepRemainder(step: RunStep, seen: StepShown): RunEvent | undefined {
  if (step.step_details.type !== 'tool_calls') return undefined;
  const tool_calls: ToolCallDelta[] = [];
  step.step_details.tool_calls.forEach((call, index) => {
    const shown = seen.shown[index];
    if (shown === undefined) {
      tool_calls.push({ ...call, index } as ToolCallDelta);
    } else if (call.type === 'function' && call.function.arguments.length > shown) {
      tool_calls.push({
        index,
        type: 'function',
        function: { arguments: call.function.arguments.slice(shown) },
      });
    } else if (call.type === 'code_interpreter' && call.code_interpreter.input.length > shown) {
      tool_calls.push({
        index,
        type: 'code_interpreter',
        code_interpreter: { input: call.code_interpreter.input.slice(shown) },
      });
    }
  });
  if (tool_calls.length === 0) return undefined;
  return {
    event: 'thread.run.step.delta',
    data: {
      id: step.id,
      object: 'thread.run.step.delta',
      delta: { step_details: { type: 'tool_calls', tool_calls } },
    },
  };
}
