import type {
  FunctionToolCallDelta,
  MessageContentDelta,
  MessageDelta,
  RunStepDelta,
  StepDetailsDelta,
  ToolCall,
  ToolCallDelta,
} from '../events/types';
import { aFunctionToolCall, BUILDER_DEFAULTS } from './builders';

/**
 * The payload of `thread.message.delta`. A string becomes a text fragment at content `index`.
 * @default text 'Hello', message `msg_1`, index 0
 */
export function aMessageDelta(
  content: string | MessageContentDelta[] = 'Hello',
  options: { id?: string; index?: number } = {},
): MessageDelta {
  const { id = BUILDER_DEFAULTS.messageId, index = 0 } = options;
  return {
    id,
    object: 'thread.message.delta',
    delta: {
      content: typeof content === 'string' ? [{ index, type: 'text', text: { value: content } }] : content,
    },
  };
}

/** A fragment of a `function` call in a step delta. `spec` fields left out are left out of the delta. */
export function aFunctionToolCallDelta(
  index: number,
  spec: { id?: string; name?: string; arguments?: string; output?: string | null } = {},
): FunctionToolCallDelta {
  const fn: NonNullable<FunctionToolCallDelta['function']> = {};
  if (spec.name !== undefined) fn.name = spec.name;
  if (spec.arguments !== undefined) fn.arguments = spec.arguments;
  if (spec.output !== undefined) fn.output = spec.output;
  return spec.id === undefined
    ? { index, type: 'function', function: fn }
    : { index, id: spec.id, type: 'function', function: fn };
}

/** A whole tool call as one delta fragment at `index` (the shape the stream builders emit). */
export function toolCallToDelta(call: ToolCall, index: number): ToolCallDelta {
  switch (call.type) {
    case 'function':
      return aFunctionToolCallDelta(index, {
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
        output: call.function.output,
      });
    case 'code_interpreter':
      return {
        index,
        id: call.id,
        type: 'code_interpreter',
        code_interpreter: {
          input: call.code_interpreter.input,
          outputs: call.code_interpreter.outputs.map((output, n) =>
            output.type === 'logs'
              ? { index: n, type: 'logs', logs: output.logs }
              : { index: n, type: 'image', image: output.image },
          ),
        },
      };
    case 'file_search':
      // The service streams an empty file_search object; results only come with step.completed.
      return { index, id: call.id, type: 'file_search', file_search: {} };
  }
}

/**
 * The payload of `thread.run.step.delta`. An array is a list of tool-call fragments.
 * @default one fragment: the whole of {@link aFunctionToolCall} at index 0, step `step_1`
 */
export function aRunStepDelta(
  details: ToolCallDelta[] | StepDetailsDelta = [toolCallToDelta(aFunctionToolCall(), 0)],
  options: { id?: string } = {},
): RunStepDelta {
  return {
    id: options.id ?? BUILDER_DEFAULTS.stepId,
    object: 'thread.run.step.delta',
    delta: { step_details: Array.isArray(details) ? { type: 'tool_calls', tool_calls: details } : details },
  };
}
