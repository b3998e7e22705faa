import type {
  Message,
  MessageContent,
  RunState,
  RunStep,
  TextContentBlock,
  ToolCall,
} from '../../../src/index';

/** The view of one run: a card that follows its `RunState`. */
export interface RunView {
  readonly element: HTMLElement;
  render(state: RunState): void;
  /** Shows an error that ended the stream (not the run's own `last_error`, which `render` shows). */
  fail(message: string): void;
  /** Shows a passing remark (a lost connection being recovered); the next render clears it. */
  notice(message: string): void;
}

/** `h('p', { class: 'x' }, 'text', child)`: a small element builder; text goes in as text, never as HTML. */
function h(
  tag: string,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/**
 * A card for one run. Rendering is keyed by step and message id and skips whatever `runState()`
 * left untouched (its snapshots keep unchanged steps and messages `===`), so a text delta re-renders
 * one message and nothing else.
 */
export function createRunView(caption: string, userText?: string): RunView {
  const status = h(
    'span',
    { class: 'status', 'data-testid': 'run-status', 'data-status': 'pending' },
    'pending',
  );
  const runId = h('code', { 'data-testid': 'run-id' }, '…');
  const steps = h('ul', { class: 'steps', 'data-testid': 'steps' });
  const messages = h('div', { 'data-testid': 'messages' });
  const error = h('p', { class: 'error', 'data-testid': 'run-error', role: 'alert' });
  const remark = h('p', { class: 'notice', 'data-testid': 'run-notice', role: 'status' });
  const element = h(
    'article',
    { 'data-testid': 'run' },
    h('header', {}, `${caption} · run `, runId, ' · ', status),
    ...(userText === undefined ? [] : [h('p', { class: 'user', 'data-testid': 'user-text' }, userText)]),
    steps,
    messages,
    remark,
    error,
  );
  const shownSteps = new Map<string, { element: HTMLElement; step: RunStep }>();
  const shownMessages = new Map<string, { element: HTMLElement; message: Message }>();
  let streamError = '';

  return {
    element,
    render(state) {
      remark.textContent = '';
      if (status.dataset['status'] !== state.status) {
        status.dataset['status'] = state.status;
        status.textContent = state.status;
      }
      runId.textContent = state.runId ?? '…';
      for (const step of state.steps) {
        if (step.step_details.type !== 'tool_calls') continue;
        const shown = shownSteps.get(step.id);
        if (shown?.step === step) continue;
        const next = h('li', { 'data-testid': 'step', 'data-step-status': step.status }, ...toolCalls(step));
        if (shown) shown.element.replaceWith(next);
        else steps.append(next);
        shownSteps.set(step.id, { element: next, step });
      }
      for (const message of state.messages) {
        if (message.role !== 'assistant') continue;
        const shown = shownMessages.get(message.id);
        if (shown?.message === message) continue;
        const next = h(
          'div',
          { class: 'message', 'data-testid': 'message', 'data-message-status': message.status ?? '' },
          ...message.content.map(contentBlock),
        );
        if (shown) shown.element.replaceWith(next);
        else messages.append(next);
        shownMessages.set(message.id, { element: next, message });
      }
      const lastError = state.lastError ? `${state.lastError.code}: ${state.lastError.message}` : '';
      error.textContent = [lastError, streamError].filter(Boolean).join(' · ');
    },
    notice(message) {
      remark.textContent = message;
    },
    fail(message) {
      streamError = message;
      error.textContent = [error.textContent, message].filter(Boolean).join(' · ');
    },
  };
}

function toolCalls(step: RunStep): HTMLElement[] {
  if (step.step_details.type !== 'tool_calls') return [];
  return step.step_details.tool_calls.map((call: ToolCall) => {
    const attributes = { class: 'tool-call', 'data-testid': 'tool-call', 'data-tool-type': call.type };
    switch (call.type) {
      case 'function':
        return h(
          'div',
          attributes,
          h('strong', { 'data-testid': 'tool-name' }, call.function.name),
          ' ',
          h('code', { 'data-testid': 'tool-arguments' }, call.function.arguments),
          ' → ',
          h('code', { 'data-testid': 'tool-output' }, call.function.output ?? '…'),
        );
      case 'code_interpreter': {
        const logs = call.code_interpreter.outputs.flatMap((out) => (out.type === 'logs' ? [out.logs] : []));
        return h(
          'div',
          attributes,
          h('strong', { 'data-testid': 'tool-name' }, 'code_interpreter'),
          ' ',
          h('code', { 'data-testid': 'tool-arguments' }, call.code_interpreter.input),
          ' → ',
          h('code', { 'data-testid': 'tool-output' }, logs.join('\n') || '…'),
        );
      }
      case 'file_search': {
        const results = call.file_search.results ?? [];
        const names = results.map((result) => result.file_name).join(', ');
        return h(
          'div',
          attributes,
          h('strong', { 'data-testid': 'tool-name' }, 'file_search'),
          ' → ',
          h(
            'span',
            { 'data-testid': 'tool-output' },
            `${results.length} result(s)${names ? `: ${names}` : ''}`,
          ),
        );
      }
      default:
        return h('div', attributes, `tool call ${(call as { type?: string }).type ?? ''}`);
    }
  });
}

function contentBlock(block: MessageContent): HTMLElement {
  switch (block.type) {
    case 'text':
      return textBlock(block);
    case 'refusal':
      return h('p', { class: 'error', 'data-testid': 'refusal' }, block.refusal);
    case 'image_file':
      return h('p', {}, `[image ${block.image_file.file_id}]`);
    case 'image_url':
      return h('p', {}, `[image ${block.image_url.url}]`);
    default:
      return h('p', {}, '[unsupported content]');
  }
}

/**
 * Text with its citations: each annotated span (e.g. `【4:0†source】`) becomes a numbered marker,
 * and the sources are listed below. Spans that do not fit the text received so far are left as text,
 * and a citation still streaming in may lack its file (hence the optional chaining).
 */
function textBlock(block: TextContentBlock): HTMLElement {
  const { value, annotations } = block.text;
  const paragraph = h('p', { 'data-testid': 'message-text' });
  const sources = h('ol', { class: 'citations', 'data-testid': 'citations' });
  let at = 0;
  const spans = [...annotations].sort((a, b) => a.start_index - b.start_index);
  for (const annotation of spans) {
    const { start_index: start, end_index: end } = annotation;
    if (
      !(Number.isInteger(start) && Number.isInteger(end) && start >= at && end > start && end <= value.length)
    )
      continue;
    paragraph.append(value.slice(at, start));
    const n = sources.childElementCount + 1;
    paragraph.append(h('sup', { 'data-testid': 'citation', title: annotation.text }, `[${n}]`));
    const source =
      annotation.type === 'file_citation'
        ? `${annotation.file_citation?.file_id ?? '?'}${annotation.file_citation?.quote ? ` — “${annotation.file_citation.quote}”` : ''}`
        : `file ${annotation.file_path?.file_id ?? '?'}`;
    sources.append(h('li', { 'data-testid': 'citation-source' }, `${annotation.type}: ${source}`));
    at = end;
  }
  paragraph.append(value.slice(at));
  return sources.childElementCount === 0 ? paragraph : h('div', {}, paragraph, sources);
}
