import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { lastValueFrom } from 'rxjs';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index';
import { fetchClient } from '../../src/index';
import { createApi } from './api';
import { buildPage } from './page';
import { Sessions } from './sessions';
import { weatherTool } from './weather';

/** Options of {@link startRelayServer}. */
export interface RelayServerOptions {
  /** Port to listen on; `0` picks a free one. @default 0 */
  port?: number;
  /** An Assistants-compatible backend. When absent, an emulator is started and used. */
  backend?: { baseURL?: string; apiKey?: string; model?: string };
  /** Options of the emulator started when there is no `backend`. @default { latencyMs: 30 } */
  emulator?: EmulatorOptions;
  /** Where the server reports failures. @default console.error */
  log?: (line: string) => void;
  /** How long `get_weather` takes, like a call to a real weather service. @default 300 */
  toolDelayMs?: number;
  /**
   * Drop each event stream's connection after this long, as a proxy with a response timeout does
   * (many cut SSE answers after 30 to 100 s); the page re-attaches and carries on. To try out
   * that recovery. @default no limit
   */
  maxStreamMs?: number;
}

/** A running relay example. */
export interface RelayServer {
  /** The page: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** The emulator this server started, when it was not given a backend. */
  readonly emulator: Emulator | undefined;
  readonly assistantId: string;
  /** Runs this server is still driving. */
  activeRuns(): number;
  /** Stops driving runs, closes every connection, then the emulator. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The relay example: holds the API key, creates an assistant with a `get_weather` tool, serves the
 * page, and relays runs to it as Server-Sent Events (see `api.ts` for the endpoints).
 */
export async function startRelayServer(options: RelayServerOptions = {}): Promise<RelayServer> {
  const { port = 0, backend, log = (line) => console.error(line), toolDelayMs = 300, maxStreamMs } = options;
  const files = await buildPage();
  const emulator = backend ? undefined : await startEmulator({ latencyMs: 30, ...options.emulator });
  try {
    const client = emulator
      ? fetchClient({ baseURL: emulator.url, apiKey: 'emulator' })
      : fetchClient({
          ...(backend?.baseURL && { baseURL: backend.baseURL }),
          ...(backend?.apiKey && { apiKey: backend.apiKey }),
        });
    const assistant = await lastValueFrom(
      client.assistants.create({
        model: backend?.model ?? 'gpt-4o-mini',
        name: 'rxjs-assistants relay example',
        instructions: 'You are a concise assistant. Use get_weather for questions about the weather.',
        tools: [weatherTool],
      }),
    );
    const sessions = new Sessions();
    const api = createApi({ client, assistantId: assistant.id, sessions, log, toolDelayMs, maxStreamMs });
    const server = createServer((req, res) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      const session = sessions.of(req, res);
      const path = new URL(req.url ?? '/', 'http://relay').pathname;
      if (path.startsWith('/api/')) {
        void api.handle(req, res, session);
        return;
      }
      const file = req.method === 'GET' || req.method === 'HEAD' ? files.get(path) : undefined;
      if (file === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found.\n');
        return;
      }
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    });
    const bound = await listen(server, port);
    let closing: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${bound}/`,
      emulator,
      assistantId: assistant.id,
      activeRuns: api.activeRuns,
      close: () => {
        closing ??= (async () => {
          await api.close();
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          await emulator?.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await emulator?.close();
    throw error;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

// `npm run example:relay`: a real backend when OPENAI_API_KEY or OPENAI_BASE_URL is set, else the emulator.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, PORT, RELAY_MAX_STREAM_MS } = process.env;
  const backend =
    OPENAI_API_KEY || OPENAI_BASE_URL
      ? {
          ...(OPENAI_API_KEY && { apiKey: OPENAI_API_KEY }),
          ...(OPENAI_BASE_URL && { baseURL: OPENAI_BASE_URL }),
          ...(OPENAI_MODEL && { model: OPENAI_MODEL }),
        }
      : undefined;
  const server = await startRelayServer({
    port: Number(PORT ?? 0),
    ...(backend && { backend }),
    ...(RELAY_MAX_STREAM_MS && { maxStreamMs: Number(RELAY_MAX_STREAM_MS) }),
  });
  console.log(`Relay example on ${server.url}`);
  console.log(
    backend
      ? `Backend: ${OPENAI_BASE_URL ?? 'https://api.openai.com/v1'}`
      : `Backend: emulator at ${server.emulator?.url}`,
  );
  const stop = () => void server.close().then(() => console.log('Closed.'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
