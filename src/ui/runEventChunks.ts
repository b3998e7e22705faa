import { isMessageEvent, isRunStatusEvent, isRunStepEvent } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import type {
  Annotation,
  AnnotationDelta,
  MessageContent,
  MessageContentDelta,
  Run,
  RunStep,
  RunStepDelta,
} from '../events/types';
import { type ChunkWriter, type FamilyChunks, parseJson } from './ChunkWriter';
import { baseName, fileSource, mediaTypeOf } from './citations';

const STARTING_STEP_EVENTS: ReadonlySet<string> = new Set([
  'thread.run.step.created',
  'thread.run.step.in_progress',
]);

/**
 * The UI message of an Assistants run: a step per run step, a text part per message content
 * part (`<message id>:<index>`), a tool part per tool call (the caller's functions with their
 * submitted outputs; code interpreter and file search as provider-executed tools), the file
 * citations as sources, the run's status as `data-run-status`. Internal, used by `toUIMessageStream`.
 */
export function runEventChunks(writer: ChunkWriter): FamilyChunks<RunEvent> {
  /** `<step id>:<index>` → call id: a delta names its call only in its first fragment. */
  const callIds = new Map<string, string>();
  /** File names from file_search results, to title the citations that follow. */
  const fileNames = new Map<string, string>();
  let run: Run | undefined;

  const cite = (annotation: Annotation | AnnotationDelta | undefined): void => {
    if (annotation?.type === 'file_citation') {
      const fileId = annotation.file_citation?.file_id;
      if (fileId) writer.source(fileSource(fileId, fileNames.get(fileId)));
    } else if (annotation?.type === 'file_path') {
      const fileId = annotation.file_path?.file_id;
      if (fileId) writer.source(fileSource(fileId, fileNames.get(fileId) ?? baseName(annotation.text)));
    }
  };

  /** One content block of a message: a fragment (`final` false) or its final value. */
  const content = (
    messageId: string,
    index: number,
    block: MessageContent | MessageContentDelta,
    final: boolean,
  ) => {
    const key = `${messageId}:${index}`;
    switch (block?.type) {
      case 'text': {
        const value = block.text?.value;
        if (final) writer.complete('text', key, value);
        else writer.append('text', key, value ?? '');
        const annotations: readonly (Annotation | AnnotationDelta)[] | undefined = block.text?.annotations;
        if (Array.isArray(annotations)) for (const annotation of annotations) cite(annotation);
        break;
      }
      case 'refusal':
        if (final) writer.complete('text', key, block.refusal);
        else writer.append('text', key, block.refusal ?? '');
        break;
      case 'image_url': {
        const url = block.image_url?.url;
        const guessed = mediaTypeOf(url?.split(/[?#]/)[0]);
        const mediaType = guessed.startsWith('image/') ? guessed : 'image/*';
        if (url) writer.once(key, { type: 'file', url, mediaType });
        break;
      }
      case 'image_file': {
        const fileId = block.image_file?.file_id;
        if (fileId) writer.once(key, { type: 'data-image-file', id: key, data: { fileId } });
        break;
      }
    }
  };

  /** The tool calls of a step payload: started while it runs, with input and output once it ended. */
  const stepCalls = (step: RunStep, final: boolean) => {
    const details = step.step_details;
    if (details?.type !== 'tool_calls' || !Array.isArray(details.tool_calls)) return;
    const failure =
      step.status === 'completed' ? undefined : (step.last_error?.message ?? `The step ${step.status}.`);
    for (const call of details.tool_calls) {
      if (typeof call?.id !== 'string') continue;
      if (call.type === 'function') {
        const name = call.function?.name ?? '';
        if (!final) {
          writer.toolStart(call.id, name);
          continue;
        }
        writer.toolInput(call.id, name, parseJson(call.function?.arguments ?? ''));
        const output = call.function?.output;
        if (typeof output === 'string') writer.submitted(call.id, output);
        continue;
      }
      let input: unknown;
      let output: unknown;
      if (call.type === 'code_interpreter') {
        input = { code: call.code_interpreter?.input ?? '' };
        output = call.code_interpreter?.outputs ?? [];
      } else if (call.type === 'file_search') {
        const { ranking_options, results } = call.file_search ?? {};
        for (const result of Array.isArray(results) ? results : []) {
          if (result?.file_id && result.file_name) fileNames.set(result.file_id, result.file_name);
        }
        input = ranking_options === undefined ? {} : { ranking_options };
        output = results ?? [];
      } else continue;
      if (!final) writer.toolStart(call.id, call.type, true);
      else {
        writer.toolInput(call.id, call.type, input, true);
        writer.toolOutput(call.id, output, failure);
      }
    }
  };

  const stepDelta = (delta: RunStepDelta) => {
    const details = delta.delta?.step_details;
    if (details?.type !== 'tool_calls' || !Array.isArray(details.tool_calls)) return;
    for (const call of details.tool_calls) {
      if (typeof call?.index !== 'number') continue;
      const at = `${delta.id}:${call.index}`;
      if (typeof call.id === 'string') callIds.set(at, call.id);
      const id = callIds.get(at);
      if (id === undefined) continue;
      if (call.type === 'function') {
        const name = call.function?.name;
        if (name) writer.toolStart(id, name);
        writer.toolArgs(id, call.function?.arguments ?? '');
      } else if (call.type === 'code_interpreter' || call.type === 'file_search') {
        writer.toolStart(id, call.type, true);
      }
    }
  };

  const status = (data: Run) => {
    run = data;
    writer.status(data.id, { status: data.status, runId: data.id, threadId: data.thread_id });
    if (data.status !== 'requires_action') return;
    const calls = data.required_action?.submit_tool_outputs?.tool_calls;
    for (const call of Array.isArray(calls) ? calls : []) {
      if (typeof call?.id !== 'string') continue;
      writer.toolInput(call.id, call.function?.name ?? '', parseJson(call.function?.arguments ?? ''));
    }
  };

  return {
    next(event) {
      // `?.` and type checks throughout: a custom source may emit anything, and nothing here may throw.
      const data: unknown = event.data;
      if (typeof data !== 'object' || data === null) return;
      if (isRunStatusEvent(event)) {
        if (typeof event.data.id === 'string' && typeof event.data.status === 'string') status(event.data);
      } else if (event.event === 'thread.run.step.delta') {
        stepDelta(event.data);
      } else if (isRunStepEvent(event)) {
        const step = event.data as RunStep;
        if (typeof step.id !== 'string') return;
        const final = !STARTING_STEP_EVENTS.has(event.event);
        writer.startStep(step.id);
        stepCalls(step, final);
        if (final) writer.finishStep(step.id);
      } else if (event.event === 'thread.message.delta') {
        const blocks = event.data.delta?.content;
        for (const block of Array.isArray(blocks) ? blocks : []) {
          if (typeof block?.index === 'number') content(event.data.id, block.index, block, false);
        }
      } else if (isMessageEvent(event)) {
        if (event.event !== 'thread.message.completed' && event.event !== 'thread.message.incomplete') return;
        const { id, content: blocks } = event.data as { id: string; content?: unknown };
        if (!Array.isArray(blocks)) return;
        blocks.forEach((block: MessageContent, index) => {
          content(id, index, block, true);
        });
      }
    },

    outcome() {
      if (run === undefined) return undefined;
      const { id, status: runStatus, last_error, incomplete_details } = run;
      switch (runStatus) {
        case 'completed':
          return { finishReason: 'stop' };
        case 'requires_action':
          return { finishReason: 'tool-calls' };
        case 'incomplete': {
          const reason = incomplete_details?.reason;
          return {
            finishReason: reason?.endsWith('_tokens') ? 'length' : 'other',
            errorText: `Run ${id} ended incomplete${reason ? `: ${reason}` : ''}.`,
          };
        }
        case 'failed':
          return {
            finishReason: 'error',
            errorText: last_error
              ? `Run ${id} failed (${last_error.code}): ${last_error.message}`
              : `Run ${id} failed.`,
          };
        case 'expired':
          return { finishReason: 'error', errorText: `Run ${id} expired before it finished.` };
        case 'cancelled':
          return { abortReason: `Run ${id} was cancelled.` };
        default:
          return { finishReason: 'other' };
      }
    },
  };
}
