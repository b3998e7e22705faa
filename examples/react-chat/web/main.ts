import { type UIMessage, useChat } from '@ai-sdk/react';
import { type FormEvent, createElement as h, type ReactNode, StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { RunStatusData } from '../../../src/index';

/**
 * The chat page: `useChat` from `@ai-sdk/react` with its default transport (`POST /api/chat`),
 * reading the UI message stream the server writes with `pipeUIMessageStreamToNodeResponse`.
 * Plain `createElement` (as `h`), so the page needs no JSX step: esbuild bundles it as is.
 */

/** The parts this server's messages carry beyond the standard ones: the library's data parts. */
type ChatMessage = UIMessage<unknown, { 'run-status': RunStatusData; 'image-file': { fileId: string } }>;
type Part = ChatMessage['parts'][number];
type Backend = 'assistants' | 'responses';

function App(): ReactNode {
  const [backend, setBackend] = useState<Backend>('assistants');
  const [input, setInput] = useState('');
  // Messages whose request Stop aborted: the server cancelled their run, but the stream that would
  // have said so was cut by the abort itself, so the page says it.
  const [stopped, setStopped] = useState<ReadonlySet<string>>(new Set());
  const { messages, sendMessage, status, stop, error } = useChat<ChatMessage>({
    onFinish: ({ message, isAbort }) => {
      if (isAbort) setStopped((ids) => new Set(ids).add(message.id));
    },
  });
  const busy = status === 'submitted' || status === 'streaming';
  useEffect(() => {
    document.body.dataset['ready'] = 'true';
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = input.trim();
    if (text === '' || busy) return;
    setInput('');
    void sendMessage({ text }, { body: { backend } });
  };

  return h(
    'main',
    null,
    h(
      'header',
      null,
      h('h1', null, 'rxjs-assistants × useChat'),
      h(
        'label',
        null,
        'Backend ',
        h(
          'select',
          {
            'data-testid': 'backend',
            value: backend,
            disabled: busy,
            onChange: (event: { target: { value: string } }) => setBackend(event.target.value as Backend),
          },
          h('option', { value: 'assistants' }, 'Assistants run'),
          h('option', { value: 'responses' }, 'Responses'),
        ),
      ),
      h('span', { className: 'chat-status', 'data-testid': 'chat-status', 'data-status': status }, status),
    ),
    h(
      'ol',
      { className: 'messages', 'data-testid': 'messages' },
      messages.map((message) =>
        h(
          'li',
          {
            key: message.id,
            className: `message ${message.role}`,
            'data-testid': 'message',
            'data-role': message.role,
          },
          message.parts.map((part, index) => h(PartView, { key: index, part, first: index === 0 })),
          stopped.has(message.id)
            ? h(
                'p',
                { className: 'run-status cancelled', 'data-testid': 'stopped' },
                'Stopped: the run is cancelled.',
              )
            : null,
        ),
      ),
    ),
    error && h('p', { className: 'error', 'data-testid': 'error' }, error.message),
    h(
      'form',
      { onSubmit: submit },
      h('input', {
        'data-testid': 'input',
        value: input,
        placeholder: 'Ask about the weather in Oslo, search the docs, or ask for a story…',
        onChange: (event: { target: { value: string } }) => setInput(event.target.value),
      }),
      h('button', { type: 'submit', 'data-testid': 'send', disabled: busy }, 'Send'),
      h(
        'button',
        { type: 'button', 'data-testid': 'stop', disabled: !busy, onClick: () => void stop() },
        'Stop',
      ),
    ),
  );
}

function PartView({ part, first }: { part: Part; first: boolean }): ReactNode {
  switch (part.type) {
    case 'text':
      return h('p', { className: 'text', 'data-testid': 'text', 'data-state': part.state }, part.text);
    case 'reasoning':
      return h('details', { className: 'reasoning' }, h('summary', null, 'Reasoning'), part.text);
    case 'step-start':
      return first ? null : h('hr', { className: 'step' });
    case 'data-run-status': {
      const id = 'runId' in part.data ? part.data.runId : part.data.responseId;
      return h(
        'p',
        {
          className: `run-status ${part.data.status}`,
          'data-testid': 'run-status',
          'data-status': part.data.status,
          'data-id': id,
        },
        `${'runId' in part.data ? 'run' : 'response'} ${id}: ${part.data.status}`,
      );
    }
    case 'source-document':
      return h('p', { className: 'source', 'data-testid': 'source' }, `Source: ${part.title}`);
    case 'source-url':
      return h(
        'p',
        { className: 'source', 'data-testid': 'source' },
        h('a', { href: part.url, rel: 'noreferrer' }, part.title ?? part.url),
      );
    case 'data-image-file':
      return h('p', { className: 'source' }, `Image file ${part.data.fileId}`);
    default:
      return part.type.startsWith('tool-') ? h(ToolCard, { part: part as ToolPart }) : null;
  }
}

/** What the card reads of a tool part (`tool-<name>`), whatever its state. */
interface ToolPart {
  type: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
  providerExecuted?: boolean;
}

function ToolCard({ part }: { part: ToolPart }): ReactNode {
  const name = part.type.slice('tool-'.length);
  return h(
    'div',
    { className: `tool ${part.state}`, 'data-testid': 'tool', 'data-tool': name, 'data-state': part.state },
    h(
      'div',
      { className: 'tool-head' },
      `Tool ${name}`,
      part.providerExecuted ? ' (built-in)' : '',
      h('span', null, part.state),
    ),
    part.input === undefined
      ? null
      : h('pre', { 'data-testid': 'tool-input' }, JSON.stringify(part.input, null, 2)),
    part.state === 'output-available'
      ? h('pre', { 'data-testid': 'tool-output' }, JSON.stringify(part.output, null, 2))
      : null,
    part.state === 'output-error' ? h('pre', { className: 'error' }, part.errorText) : null,
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(h(StrictMode, null, h(App)));
