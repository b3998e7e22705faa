import type { IncomingMessage, ServerResponse } from 'node:http';
import { lastValueFrom, map, timer } from 'rxjs';
import {
  type AssistantsClient,
  cancelRun,
  createRun,
  handleRequiresAction,
  pipeToNodeResponse,
} from '../../src/index';
import { describe, HttpError, httpError, json, messageText, notFound } from './http';
import { createRuns, poll } from './runs';
import type { Sessions } from './sessions';
import { getWeather } from './weather';

/** What the API endpoints work with. */
export interface ApiContext {
  client: AssistantsClient;
  assistantId: string;
  sessions: Sessions;
  log: (line: string) => void;
  /** How long `get_weather` takes. */
  toolDelayMs: number;
  /** Cut each event stream after this long, as a proxy with a response timeout does. */
  maxStreamMs: number | undefined;
}

/** The `/api/*` endpoints, and the runs they drive. */
export interface Api {
  /** Answers an `/api/*` request (404 for anything it does not know). */
  handle(req: IncomingMessage, res: ServerResponse, session: string): Promise<void>;
  /** Runs still driven by this server (started and not yet ended). */
  activeRuns(): number;
  /** Stops driving runs and cancels those still active on the backend. */
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse, session: string, ids: string[]) => Promise<void>;

const ID = '([A-Za-z0-9_-]{1,64})';

/**
 * The example's API. Every thread and run is checked against the caller's session first; one that
 * is not theirs answers 404, like one that does not exist.
 * - `POST /api/threads` → `{ id }`
 * - `POST /api/threads/:id/messages` `{ text }` → adds the message, starts a run, relays its events
 *   as SSE; `get_weather` runs here, on the server
 * - `GET /api/threads/:id/runs/:runId/events` → the run's events as SSE, from now on (after a reload)
 * - `POST /api/threads/:id/runs/:runId/cancel` → `{ id, status }` once the run has ended
 */
export function createApi({ client, assistantId, sessions, log, toolDelayMs, maxStreamMs }: ApiContext): Api {
  const runs = createRuns(client, log);
  // Not cancelled when the browser goes away (see `Runs.drive`); Stop and `close` cancel.
  const config = { cancelOnUnsubscribe: false, poll };
  // An Observable handler: when the server stops driving the run (`close`), its timer is cancelled.
  const tools = {
    get_weather: (args: { city?: unknown }) => timer(toolDelayMs).pipe(map(() => getWeather(args))),
  };

  /** Relays a run's events as SSE; with `maxStreamMs`, drops the connection then, mid-run. */
  const relay = (events$: Parameters<typeof pipeToNodeResponse>[0], res: ServerResponse): void => {
    pipeToNodeResponse(events$, res);
    if (maxStreamMs === undefined) return;
    const cut = setTimeout(() => res.destroy(), maxStreamMs);
    res.once('close', () => clearTimeout(cut));
  };

  const routes: [method: string, path: RegExp, answer: Route][] = [
    [
      'POST',
      /^\/api\/threads$/,
      async (_req, res, session) => {
        const thread = await lastValueFrom(client.threads.create({}));
        sessions.addThread(session, thread.id);
        json(res, 201, { id: thread.id });
      },
    ],
    [
      'POST',
      new RegExp(`^/api/threads/${ID}/messages$`),
      async (req, res, session, [threadId = '']) => {
        if (!sessions.ownsThread(session, threadId)) throw notFound();
        const text = await messageText(req);
        await lastValueFrom(client.messages.create(threadId, { role: 'user', content: text }));
        const run$ = createRun(client, { threadId, assistant_id: assistantId }, config).pipe(
          handleRequiresAction(client, tools, { ...config, timeoutMs: 10_000 }),
        );
        const events$ = runs.drive(run$, (ref) => sessions.addRun(threadId, ref.runId));
        relay(events$, res);
      },
    ],
    [
      'GET',
      new RegExp(`^/api/threads/${ID}/runs/${ID}/events$`),
      async (_req, res, session, [threadId = '', runId = '']) => {
        if (!sessions.ownsRun(session, threadId, runId)) throw notFound();
        relay(runs.follow({ threadId, runId }), res);
      },
    ],
    [
      'POST',
      new RegExp(`^/api/threads/${ID}/runs/${ID}/cancel$`),
      async (_req, res, session, [threadId = '', runId = '']) => {
        if (!sessions.ownsRun(session, threadId, runId)) throw notFound();
        const run = await lastValueFrom(cancelRun(client, { threadId, runId }, { poll }));
        json(res, 200, { id: run.id, status: run.status });
      },
    ],
  ];

  return {
    async handle(req, res, session) {
      const path = new URL(req.url ?? '/', 'http://relay').pathname;
      try {
        const route = routes.find(([, pattern]) => pattern.test(path));
        if (route === undefined) throw notFound();
        const [method, pattern, answer] = route;
        if (req.method !== method) throw new HttpError(405, `Use ${method} for ${path}.`);
        await answer(req, res, session, pattern.exec(path)?.slice(1) ?? []);
      } catch (error) {
        if (res.headersSent) return;
        const { status, message } = httpError(error);
        if (status >= 500) log(`${req.method} ${path} failed: ${describe(error)}`);
        const type = status === 404 ? 'not_found' : 'invalid_request_error';
        json(res, status, { error: { message, type } });
      }
    },
    activeRuns: runs.active,
    close: runs.close,
  };
}
