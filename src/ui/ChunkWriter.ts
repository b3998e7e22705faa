import type {
  RunStatusData,
  UIFinishReason,
  UIMessageStreamChunk,
  UIMessageStreamChunkOf,
} from './UIMessageStreamChunk';

/**
 * Writes the chunks of one UI message, whatever the event family, and remembers what it wrote so
 * that a part is opened once, a tool's input and output are given once, a source is cited once
 * and a status is reported once per change: replayed or duplicated events write nothing new. One
 * per subscription of `toUIMessageStream`; its state is private to it. Internal.
 *
 * Parts are keyed by the caller (message id + content index, item id + content index), so a
 * stream resumed inside the same subscription continues the same part.
 */

type Emit = (chunk: UIMessageStreamChunk) => void;

interface Part {
  kind: 'text' | 'reasoning';
  /** The text shown so far, to find what a final payload adds. */
  text: string;
  open: boolean;
  /** Ended by its own final event: later fragments are replays. */
  done: boolean;
  /** How often a step boundary closed it (the reader forgets open parts there): suffixes its id. */
  segment: number;
  started: boolean;
}

interface Tool {
  name: string;
  providerExecuted: boolean;
  /** The arguments streamed so far (JSON text). */
  args: string;
  phase: 'streaming' | 'input' | 'output';
  step: string | undefined;
}

/** How the message ends: finished (after an optional error chunk) or aborted. */
export type Outcome =
  | { finishReason: UIFinishReason; errorText?: string | undefined }
  | { abortReason: string };

/** What each family's mapping gives `toUIMessageStream`. */
export interface FamilyChunks<E> {
  /** Writes the chunks of one event. */
  next(event: E): void;
  /** How the message ends, from the last status seen; `undefined` when no run was seen. */
  outcome(): Outcome | undefined;
}

export class ChunkWriter {
  readonly #emit: Emit;
  readonly #isToolError: (output: string) => boolean;
  readonly #parts = new Map<string, Part>();
  readonly #tools = new Map<string, Tool>();
  readonly #sources = new Set<string>();
  readonly #statuses = new Map<string, string>();
  readonly #once = new Set<string>();
  /** Step keys: `true` while open, `false` once finished. */
  readonly #steps = new Map<string, boolean>();
  #openStep: string | undefined;

  constructor(emit: Emit, isToolError: (output: string) => boolean) {
    this.#emit = emit;
    this.#isToolError = isToolError;
  }

  /** `start-step`, once per key; finishes the step still open (steps do not nest). */
  startStep(key: string): void {
    if (this.#steps.has(key)) return;
    if (this.#openStep !== undefined) this.finishStep(this.#openStep);
    this.#steps.set(key, true);
    this.#openStep = key;
    this.#emit({ type: 'start-step' });
  }

  /** `finish-step` for an open step, after ending its open parts and giving its tools' inputs. */
  finishStep(key: string): void {
    if (this.#steps.get(key) !== true) return;
    this.#closeParts();
    for (const [callId, tool] of this.#tools) {
      if (tool.step === key && tool.phase === 'streaming')
        this.toolInput(callId, tool.name, parseJson(tool.args));
    }
    this.#steps.set(key, false);
    this.#openStep = undefined;
    this.#emit({ type: 'finish-step' });
  }

  /** Appends to a text or reasoning part, opening it first (an empty `delta` only opens it). */
  append(kind: Part['kind'], key: string, delta: string): void {
    let part = this.#parts.get(key);
    if (part === undefined) {
      part = { kind, text: '', open: false, done: false, segment: 0, started: false };
      this.#parts.set(key, part);
    }
    if (part.done) return;
    if (!part.open) {
      if (part.started) part.segment++;
      part.started = true;
      part.open = true;
      this.#emit({ type: kind === 'text' ? 'text-start' : 'reasoning-start', id: partId(key, part) });
    }
    if (delta === '') return;
    part.text += delta;
    this.#emit({ type: kind === 'text' ? 'text-delta' : 'reasoning-delta', id: partId(key, part), delta });
  }

  /**
   * Ends a part with its final text: what the fragments did not show is written first, so the
   * part's text is the server's (unless a replayed fragment already made it differ: text shown
   * cannot be taken back).
   */
  complete(kind: Part['kind'], key: string, text: string | undefined): void {
    const part = this.#parts.get(key);
    if (part?.done) return;
    const shown = part?.text ?? '';
    if (text !== undefined && text.length > shown.length && text.startsWith(shown)) {
      this.append(kind, key, text.slice(shown.length));
    }
    const ended = this.#parts.get(key);
    if (ended === undefined) return;
    if (ended.open) this.#end(key, ended);
    ended.done = true;
  }

  /** `tool-input-start`, once per call. */
  toolStart(callId: string, name: string, providerExecuted = false): void {
    if (this.#tools.has(callId)) return;
    this.#tools.set(callId, { name, providerExecuted, args: '', phase: 'streaming', step: this.#openStep });
    this.#emit({
      type: 'tool-input-start',
      toolCallId: callId,
      toolName: name,
      ...executed(providerExecuted),
    });
  }

  /** `tool-input-delta` for a call whose input is still streaming. */
  toolArgs(callId: string, delta: string): void {
    const tool = this.#tools.get(callId);
    if (tool === undefined || tool.phase !== 'streaming' || delta === '') return;
    tool.args += delta;
    this.#emit({ type: 'tool-input-delta', toolCallId: callId, inputTextDelta: delta });
  }

  /** `tool-input-available` with the whole input, once per call (started first if need be). */
  toolInput(callId: string, name: string, input: unknown, providerExecuted = false): void {
    this.toolStart(callId, name, providerExecuted);
    const tool = this.#tools.get(callId);
    if (tool === undefined || tool.phase !== 'streaming') return;
    tool.phase = 'input';
    this.#emit({
      type: 'tool-input-available',
      toolCallId: callId,
      toolName: tool.name,
      input,
      ...executed(tool.providerExecuted),
    });
  }

  /**
   * The output of a call, once: `tool-output-error` when `errorText` is given, else
   * `tool-output-available`. A call never shown is skipped (the reader has no part to put it in).
   */
  toolOutput(callId: string, output: unknown, errorText?: string): void {
    const tool = this.#tools.get(callId);
    if (tool === undefined || tool.phase === 'output') return;
    if (tool.phase === 'streaming') this.toolInput(callId, tool.name, parseJson(tool.args));
    tool.phase = 'output';
    const flag = executed(tool.providerExecuted);
    this.#emit(
      errorText === undefined
        ? { type: 'tool-output-available', toolCallId: callId, output, ...flag }
        : { type: 'tool-output-error', toolCallId: callId, errorText, ...flag },
    );
  }

  /** The output a tool operator submitted for a function call (JSON text, or an error string). */
  submitted(callId: string, output: string): void {
    if (this.#isToolError(output)) this.toolOutput(callId, output, output);
    else this.toolOutput(callId, output === '' ? '' : parseJson(output));
  }

  /** `true` once the call's output was written. */
  answered(callId: string): boolean {
    return this.#tools.get(callId)?.phase === 'output';
  }

  /** A source (citation), once per `sourceId`. */
  source(chunk: UIMessageStreamChunkOf<'source-url' | 'source-document'>): void {
    if (this.#sources.has(chunk.sourceId)) return;
    this.#sources.add(chunk.sourceId);
    this.#emit(chunk);
  }

  /** A chunk written at most once per `key` (an image of a message, a stream error). */
  once(key: string, chunk: UIMessageStreamChunk): void {
    if (this.#once.has(key)) return;
    this.#once.add(key);
    this.#emit(chunk);
  }

  /** `data-run-status` for a run or response (`id`), when its status changed. */
  status(id: string, data: RunStatusData): void {
    if (this.#statuses.get(id) === data.status) return;
    this.#statuses.set(id, data.status);
    this.#emit({ type: 'data-run-status', id, data });
  }

  /** The last chunks: every part ended, the open step finished, then `abort`, or `error` and `finish`. */
  end(outcome: Outcome): void {
    for (const [callId, tool] of this.#tools) {
      if (tool.phase === 'streaming') this.toolInput(callId, tool.name, parseJson(tool.args));
    }
    if (this.#openStep === undefined) this.#closeParts();
    else this.finishStep(this.#openStep);
    if ('abortReason' in outcome) {
      this.#emit({ type: 'abort', reason: outcome.abortReason });
      return;
    }
    if (outcome.errorText !== undefined) this.#emit({ type: 'error', errorText: outcome.errorText });
    this.#emit({ type: 'finish', finishReason: outcome.finishReason });
  }

  #closeParts(): void {
    for (const [key, part] of this.#parts) if (part.open) this.#end(key, part);
  }

  #end(key: string, part: Part): void {
    part.open = false;
    this.#emit({ type: part.kind === 'text' ? 'text-end' : 'reasoning-end', id: partId(key, part) });
  }
}

/** A part's id: its key, suffixed by how often a step boundary closed it. */
const partId = (key: string, part: Part): string => (part.segment === 0 ? key : `${key}~${part.segment}`);

/** `{ providerExecuted: true }` for a built-in tool, nothing for the caller's own functions. */
const executed = (providerExecuted: boolean): { providerExecuted?: boolean } =>
  providerExecuted ? { providerExecuted: true } : {};

/** JSON text as a value: `''` as `{}` (a call without parameters), text that is not JSON as is. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
