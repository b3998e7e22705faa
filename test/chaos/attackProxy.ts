import { once } from 'node:events';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { EndpointName } from '../../src/emulator';
import { matchEndpoint } from '../../src/emulator/endpoints';

/**
 * The hostile server of the attack rows: a `node:http` proxy on 127.0.0.1 in front of a seed's
 * emulator that forwards every request (streaming the answer through) and tampers with the answers
 * the seed's `tamper` function picks: SSE frames rewritten or injected, a JSON page rewritten, a
 * canned answer (a redirect) instead of the emulator's, or a body that never ends. And a second
 * loopback server, another origin, that records whatever reaches it.
 */

/** A request as the proxy received it. */
export interface ProxiedRequest {
  method: string;
  /** The path without the query, e.g. `/v1/threads/thread_abc/runs`. */
  path: string;
  /** The query without `?`. */
  query: string;
  endpoint: EndpointName | undefined;
  /** The ids in the path, in order (thread, run, …). */
  ids: string[];
  /** How many requests to the same endpoint came before this one. */
  nth: number;
  /** The body asked for an event stream (`stream: true`). */
  stream: boolean;
  headers: IncomingHttpHeaders;
}

/** One SSE frame of an upstream answer. */
export interface Frame {
  /** The `event:` name (`done` for the end frame), `''` when the frame has none. */
  event: string;
  data: string;
  /** The frame as written, blank line included. */
  raw: string;
}

/**
 * What to write in place of frame `index` (0-based, the `done` frame included): the frame itself
 * (`frame.raw`), other text, `''` to drop it, or `null` to end the answer there, cleanly and
 * without the rest.
 */
export type FrameEdit = (frame: Frame, index: number) => string | null;

/** How the proxy answers one request. */
export type Tampering =
  /** Forwarded; the event stream's frames rewritten. */
  | { kind: 'frames'; what: string; edit: FrameEdit }
  /** Forwarded; the JSON answer rewritten. */
  | { kind: 'json'; what: string; edit: (body: unknown, status: number) => unknown }
  /** Not forwarded: this answer instead. */
  | { kind: 'answer'; what: string; status: number; headers: Record<string, string>; body: string }
  /**
   * A body that never ends: `head`, then `filler` over and over until the client closes the
   * connection. `forward`: the request still reaches the emulator (and takes effect there).
   */
  | {
      kind: 'endless';
      what: string;
      status: number;
      contentType: string;
      head: string;
      filler: string;
      forward: boolean;
    };

/** An endless answer, as far as the proxy wrote it (8 KiB per turn of the event loop). */
export interface EndlessAnswer {
  request: ProxiedRequest;
  /** Bytes handed to the socket before the client closed it. */
  bytes: number;
  /** The client closed the connection (the proxy stopped writing then). */
  closed: boolean;
}

/** The frames of one event-stream answer, as the proxy wrote them to the client. */
export interface ProxiedStream {
  request: ProxiedRequest;
  /** Each frame's text as written (after any edit), in order. */
  written: string[];
}

/** A seed's proxy. */
export interface AttackProxy {
  /** The `baseURL` for the client under test: `http://127.0.0.1:<port>/v1`. */
  url: string;
  /** Every request received, in order. */
  requests: ProxiedRequest[];
  /** The requests whose answer was tampered with, and how. */
  tampered: { request: ProxiedRequest; what: string }[];
  endless: EndlessAnswer[];
  /** Every event-stream answer, frame by frame, as written. */
  streams: ProxiedStream[];
  /** The run statuses the client was sent in JSON answers (polls, poll-mode creates and submits), in order. */
  runAnswers: { request: ProxiedRequest; status: string }[];
  close(): Promise<void>;
}

/** Headers that belong to one connection, never copied from one to the other. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

const copyHeaders = (headers: IncomingHttpHeaders): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
};

const noop = (): void => {};

/** Splits a frame's lines into its name and data. */
export function parseFrame(raw: string): Frame {
  let event = '';
  const data: string[] = [];
  for (const line of raw.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return { event, data: data.join('\n'), raw };
}

/** Writes an SSE frame. */
export const frame = (event: string, data: string): string => `event: ${event}\ndata: ${data}\n\n`;

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeServer = (server: Server): Promise<void> =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/**
 * Starts a proxy in front of `upstream` (the emulator's URL, `http://127.0.0.1:<port>/v1`). Each
 * request is shown to `tamper` once its body arrived; `undefined` forwards it untouched.
 */
export async function startProxy(
  upstream: string,
  tamper: (request: ProxiedRequest) => Tampering | undefined,
): Promise<AttackProxy> {
  const origin = new URL(upstream).origin;
  const counts = new Map<string, number>();
  const proxy: Omit<AttackProxy, 'url' | 'close'> = {
    requests: [],
    tampered: [],
    endless: [],
    streams: [],
    runAnswers: [],
  };

  const endless = (
    request: ProxiedRequest,
    res: ServerResponse,
    t: Extract<Tampering, { kind: 'endless' }>,
  ) => {
    const answer: EndlessAnswer = { request, bytes: 0, closed: false };
    proxy.endless.push(answer);
    res.writeHead(t.status, { 'content-type': t.contentType });
    // Below the socket's high-water mark (16 KiB), so that a write is not at once a `drain` wait.
    const chunk = Buffer.from(t.filler.repeat(Math.max(1, Math.floor(8_192 / t.filler.length))), 'utf8');
    let stopped = false;
    res.once('close', () => {
      stopped = true;
      answer.closed = true;
    });
    const head = Buffer.from(t.head, 'utf8');
    answer.bytes += head.length;
    res.write(head);
    // One chunk per turn of the event loop, and none while the socket's buffer is full: the
    // client (in this process) reads between turns, so what is in flight stays small and the
    // count says how far the client read, not how much the loopback buffers hold (megabytes).
    const pump = (): void => {
      if (stopped) return;
      answer.bytes += chunk.length;
      if (res.write(chunk)) setImmediate(pump);
      else res.once('drain', () => setImmediate(pump));
    };
    pump();
  };

  /** Records the status of a run that a JSON answer carries (read alongside the pipe). */
  const noteRun = (request: ProxiedRequest, upRes: IncomingMessage): void => {
    if (!(upRes.headers['content-type'] ?? '').includes('json')) return;
    const chunks: Buffer[] = [];
    upRes.on('data', (c: Buffer) => chunks.push(c));
    upRes.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          object?: unknown;
          status?: unknown;
        };
        if (body.object === 'thread.run' && typeof body.status === 'string')
          proxy.runAnswers.push({ request, status: body.status });
      } catch {
        // not JSON after all: nothing to note
      }
    });
  };

  const forward = (
    request: ProxiedRequest,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    t: Tampering | undefined,
  ) => {
    const up = httpRequest(
      `${origin}${req.url ?? '/'}`,
      {
        method: request.method,
        headers: { ...copyHeaders(req.headers), 'content-length': String(body.length) },
        agent: false,
      },
      (upRes) => {
        upRes.on('error', noop);
        const status = upRes.statusCode ?? 502;
        if (t?.kind === 'endless') {
          upRes.resume();
          endless(request, res, t);
          return;
        }
        if (t?.kind === 'json') {
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => {
            const text = JSON.stringify(t.edit(JSON.parse(Buffer.concat(chunks).toString('utf8')), status));
            res.writeHead(status, {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(text),
            });
            res.end(text);
          });
          return;
        }
        const isStream = (upRes.headers['content-type'] ?? '').startsWith('text/event-stream');
        if (!isStream) {
          const headers = copyHeaders(upRes.headers);
          if (upRes.headers['content-length'] !== undefined)
            headers['content-length'] = upRes.headers['content-length'];
          res.writeHead(status, headers);
          upRes.pipe(res);
          noteRun(request, upRes);
          return;
        }
        // Every stream goes frame by frame, so that what the client was sent is on record.
        const edit: FrameEdit = t?.kind === 'frames' ? t.edit : (f) => f.raw;
        const written: string[] = [];
        proxy.streams.push({ request, written });
        res.writeHead(status, copyHeaders(upRes.headers));
        const decoder = new StringDecoder('utf8');
        let buffer = '';
        let index = 0;
        let ended = false;
        upRes.on('data', (chunk: Buffer) => {
          if (ended) return;
          buffer += decoder.write(chunk);
          for (let cut = buffer.indexOf('\n\n'); cut >= 0 && !ended; cut = buffer.indexOf('\n\n')) {
            const raw = buffer.slice(0, cut + 2);
            buffer = buffer.slice(cut + 2);
            const out = edit(parseFrame(raw), index++);
            if (out === null) {
              ended = true;
              res.end();
              up.destroy();
            } else if (out !== '') {
              written.push(out);
              res.write(out);
            }
          }
        });
        upRes.on('end', () => {
          if (ended) return;
          ended = true;
          res.end(buffer + decoder.end());
        });
      },
    );
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    // The client left: so does the proxy's request (the emulator sees its client go).
    res.once('close', () => up.destroy());
    up.end(body);
  };

  const server = createServer((req, res) => {
    req.on('error', noop);
    res.on('error', noop);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://proxy');
      const method = req.method ?? 'GET';
      const match = matchEndpoint(method, url.pathname);
      const key = match?.endpoint ?? 'unknown';
      const nth = counts.get(key) ?? 0;
      counts.set(key, nth + 1);
      let stream = false;
      try {
        stream = (JSON.parse(body.toString('utf8') || '{}') as { stream?: unknown }).stream === true;
      } catch {
        // not JSON: not a stream request
      }
      const request: ProxiedRequest = {
        method,
        path: url.pathname,
        query: url.search.slice(1),
        endpoint: match?.endpoint,
        ids: match?.ids ?? [],
        nth,
        stream,
        headers: req.headers,
      };
      proxy.requests.push(request);
      const t = tamper(request);
      if (t !== undefined) proxy.tampered.push({ request, what: t.what });
      if (t?.kind === 'answer') {
        res.writeHead(t.status, { ...t.headers, 'content-length': String(Buffer.byteLength(t.body)) });
        res.end(t.body);
      } else if (t?.kind === 'endless' && !t.forward) {
        endless(request, res, t);
      } else {
        forward(request, req, res, body, t);
      }
    });
  });
  const base = await listen(server);
  return {
    ...proxy,
    url: `${base}${new URL(upstream).pathname}`,
    close: () => closeServer(server),
  };
}

/** A request that reached the other origin. */
export interface SinkRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A second loopback server (another origin) that records every request and answers `{}`. */
export interface Sink {
  url: string;
  requests: SinkRequest[];
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const requests: SinkRequest[] = [];
  const server = createServer((req, res) => {
    req.on('error', noop);
    res.on('error', noop);
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  const url = await listen(server);
  return { url, requests, close: () => closeServer(server) };
}
