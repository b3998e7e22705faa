import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import { longTimer } from '../core/limits';
import { type AccessPolicy, createAccessPolicy } from './access';
import type { App, DeferredReply } from './app';
import { describeError } from './askBrain';
import { nowMs } from './clock';
import type { EmulatorRequest } from './EmulatorOptions';
import { matchEndpoint } from './endpoints';
import type { FaultDecision, FaultInjector } from './faults';
import { HANDLERS } from './handlers';
import { ApiError, readJsonBody, sendJson } from './http';
import { newId } from './ids';
import { openSse } from './sse';

/** What the request listener works with. */
export interface ServeContext {
  app: App;
  apiKey: string | undefined;
  faults: FaultInjector;
  /** Which hosts and origins may call (DNS rebinding, CORS). @default loopback hosts, no CORS */
  access?: AccessPolicy;
  /** The request log: the newest `requestLogSize` entries. */
  requests: EmulatorRequest[];
  /** @default 1000 */
  requestLogSize?: number;
  /** Holds every timer and stream of a request; `close()` unsubscribes it. */
  lifetime: Subscription;
  /** Told of each request once its answer has ended (see `EmulatorOptions.onRequest`). */
  onRequest?: ((request: Readonly<EmulatorRequest>, durationMs: number) => void) | undefined;
}

const LOOPBACK_ONLY = createAccessPolicy(false, [], '127.0.0.1');

/** The `node:http` request listener: auth, routing, faults, then the endpoint's handler. */
export function createRequestListener(
  ctx: ServeContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(req, res, ctx);
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: ServeContext): Promise<void> {
  const { access = LOOPBACK_ONLY, requestLogSize = 1_000 } = ctx;
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://emulator');
  const log: EmulatorRequest = {
    method,
    path: url.pathname,
    endpoint: undefined,
    stream: false,
    status: 0,
    faults: [],
  };
  // A ring of the newest entries: a long-running emulator must not keep every request.
  ctx.requests.push(log);
  if (ctx.onRequest) reportWhenClosed(res, log, ctx.onRequest);
  if (ctx.requests.length > requestLogSize) ctx.requests.splice(0, ctx.requests.length - requestLogSize);
  const headers: Record<string, string> = { 'x-request-id': newId('req'), 'openai-version': '2020-10-01' };
  const answer = (status: number, body: unknown, extra: Record<string, string> = {}) => {
    log.status = status;
    if (!res.headersSent && !res.destroyed) sendJson(res, status, body, { ...headers, ...extra });
  };
  try {
    access.checkHost(req.headers);
    if (method === 'OPTIONS') {
      // A CORS preflight, answered only for an allowed origin.
      const preflight = access.preflightHeaders(req.headers);
      log.status = 204;
      res.writeHead(204, { ...headers, ...preflight });
      res.end();
      return;
    }
    Object.assign(headers, access.corsHeaders(req.headers));
    checkAuth(req, ctx.apiKey);
    const match = matchEndpoint(method, url.pathname);
    if (!match) throw new ApiError(404, `Invalid URL (${method} ${url.pathname})`);
    log.endpoint = match.endpoint;
    const body = await readJsonBody(req);
    log.stream =
      match.streamable === 'query'
        ? url.searchParams.get('stream') === 'true'
        : match.streamable === 'body' && body['stream'] === true;
    const decision = ctx.faults(match.endpoint, log.stream);
    if (decision.latencyMs > 0) {
      log.faults.push('latency');
      await wait(decision.latencyMs, ctx.lifetime);
    }
    if (decision.status) {
      log.faults.push('status');
      throw faultError(decision.status);
    }
    const reply = HANDLERS[match.endpoint]({ ids: match.ids, body, query: url.searchParams }, ctx.app);
    if ('later' in reply) return answerLater(reply, res, ctx, answer);
    if (!('stream' in reply)) return answer(200, reply.body, reply.headers);
    log.status = 200;
    if (decision.dropAfterBytes !== undefined) log.faults.push('drop');
    if (decision.errorAfterEvents !== undefined) log.faults.push('error_event');
    const sink = openSse(
      res,
      headers,
      { dropAfterBytes: decision.dropAfterBytes, errorAfterEvents: decision.errorAfterEvents },
      reply.framing,
    );
    let subscription: Subscription;
    try {
      subscription = reply.stream(sink);
    } catch (error) {
      // The 200 is out: the failure can only be told in the stream, which must still end.
      sink.fail(failureMessage(error));
      return;
    }
    holdUntilClosed(subscription, res, ctx);
  } catch (error) {
    answerError(answer, error);
  }
}

type Answer = (status: number, body: unknown, extra?: Record<string, string>) => void;

function answerError(answer: Answer, error: unknown): void {
  if (error instanceof ApiError) answer(error.status, error.body, error.options.headers);
  else
    answer(500, { error: { message: failureMessage(error), type: 'server_error', param: null, code: null } });
}

/** Answers a deferred reply with its first value (or its error), unless the client goes first. */
function answerLater(reply: DeferredReply, res: ServerResponse, ctx: ServeContext, answer: Answer): void {
  const subscription = reply.later.subscribe({
    next: (value) => answer(200, value.body, value.headers),
    error: (error: unknown) => answerError(answer, error),
  });
  holdUntilClosed(subscription, res, ctx);
}

/** Keeps a request's work in the emulator's lifetime until the connection closes. */
function holdUntilClosed(subscription: Subscription, res: ServerResponse, ctx: ServeContext): void {
  ctx.lifetime.add(subscription);
  res.on('close', () => {
    subscription.unsubscribe();
    ctx.lifetime.remove(subscription);
  });
}

/** Tells `onRequest` of the request once its answer has ended, however it ended. */
function reportWhenClosed(
  res: ServerResponse,
  log: EmulatorRequest,
  onRequest: NonNullable<ServeContext['onRequest']>,
): void {
  const startedMs = nowMs();
  res.once('close', () => {
    try {
      onRequest(log, nowMs() - startedMs);
    } catch (error) {
      // A logger that fails must not take the server down, nor go unnoticed.
      console.error(`rxjs-assistants emulator: onRequest threw: ${describeError(error)}`);
    }
  });
}

const failureMessage = (error: unknown): string =>
  `The emulator failed: ${error instanceof Error ? error.message : String(error)}`;

function checkAuth(req: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const authorization = req.headers.authorization ?? '';
  const bearer = /^bearer\s/i.test(authorization) ? authorization.slice(7).trim() : undefined;
  const given = bearer ?? (typeof req.headers['api-key'] === 'string' ? req.headers['api-key'] : undefined);
  if (given === undefined || given === '')
    throw new ApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    );
  if (given !== apiKey) {
    const masked = given.length > 8 ? `${given.slice(0, 3)}*****${given.slice(-4)}` : '*****';
    throw new ApiError(401, `Incorrect API key provided: ${masked}.`, { code: 'invalid_api_key' });
  }
}

function faultError({ status, retryAfterMs }: NonNullable<FaultDecision['status']>): ApiError {
  const headers: Record<string, string> =
    retryAfterMs === undefined
      ? {}
      : { 'retry-after-ms': String(retryAfterMs), 'retry-after': String(Math.ceil(retryAfterMs / 1000)) };
  if (status === 429)
    return new ApiError(429, 'Rate limit reached for requests (emulated fault). Please try again later.', {
      type: 'requests',
      code: 'rate_limit_exceeded',
      headers,
    });
  if (status >= 500)
    return new ApiError(
      status,
      'The server had an error while processing your request. Sorry about that! (emulated fault)',
      {
        type: 'server_error',
        headers,
      },
    );
  return new ApiError(status, `Emulated fault: HTTP ${status}.`, { headers });
}

/**
 * A pause held by `lifetime`: if the emulator closes first, it never ends (its socket is gone
 * anyway). Latencies of several rules add up past what a timer holds: longTimer never fires early.
 */
const wait = (ms: number, lifetime: Subscription): Promise<void> =>
  new Promise((resolve) => {
    const subscription = longTimer(ms).subscribe(() => {
      lifetime.remove(subscription);
      resolve();
    });
    lifetime.add(subscription);
  });
