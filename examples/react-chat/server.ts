import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { lastValueFrom } from 'rxjs';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index';
import { fetchClient } from '../../src/index';
import { chatBrain } from './brain';
import { createChatApi } from './chat';
import { buildPage } from './page';
import { weatherTool } from './tools';

/**
 * A React chat page on `useChat` (`@ai-sdk/react`), served by a small `node:http` server that
 * answers each message with an Assistants run or a Responses response (a switch on the page)
 * against the library's emulator, with a function tool run on the server. The UI message stream
 * comes from `pipeUIMessageStreamToNodeResponse`. Start it with `npm run example:react`.
 */

/** Options of {@link startReactChatServer}. */
export interface ReactChatServerOptions {
  /** Port to listen on; `0` picks a free one. @default 0 */
  port?: number;
  /** Options of the emulator it starts. @default { latencyMs: 40, brain: chatBrain } */
  emulator?: EmulatorOptions;
  /** Where the server reports failures. @default console.error */
  log?: (line: string) => void;
}

/** A running example server. */
export interface ReactChatServer {
  /** The page: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly emulator: Emulator;
  /** Closes every connection, then the emulator. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' https: data:; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export async function startReactChatServer(options: ReactChatServerOptions = {}): Promise<ReactChatServer> {
  const { port = 0, log = (line) => console.error(line) } = options;
  const files = await buildPage();
  const emulator = await startEmulator({ latencyMs: 40, brain: chatBrain, ...options.emulator });
  const client = fetchClient({ baseURL: emulator.url, apiKey: 'emulator' });
  const model = 'gpt-4o-mini';
  const assistant = await lastValueFrom(
    client.assistants.create({
      model,
      name: 'rxjs-assistants react-chat example',
      instructions: 'You are a concise assistant. Use get_weather for questions about the weather.',
      tools: [weatherTool],
    }),
  );
  const chat = createChatApi({ client, assistantId: assistant.id, model, log });
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const path = new URL(req.url ?? '/', 'http://example').pathname;
    if (path === '/api/chat' && req.method === 'POST') {
      chat(req, res).catch((error: unknown) => {
        log(`POST /api/chat: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    const file = req.method === 'GET' ? files.get(path) : undefined;
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found.');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' });
    res.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    emulator,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await emulator.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env['PORT'] ?? 3000);
  const running = await startReactChatServer({ port });
  console.log(`react-chat example: ${running.url}  (Ctrl+C to stop)`);
  process.once('SIGINT', () => {
    void running.close().then(() => process.exit(0));
  });
}
