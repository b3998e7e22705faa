import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const COOKIE = 'relay_session';
/** 128 random bits, base64url: 22 characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * Who may read what: each browser gets an HttpOnly random session cookie, and a thread (with the
 * runs started on it) belongs to the session that created it. Everything else answers 404, so a
 * client cannot even learn that a thread id exists. In memory: a restart forgets every session.
 */
export class Sessions {
  private readonly known = new Set<string>();
  private readonly threads = new Map<string, { owner: string; runs: Set<string> }>();

  /** The request's session, issuing a new cookie when it has none we know. */
  of(req: IncomingMessage, res: ServerResponse): string {
    const sent = cookieValue(req.headers.cookie, COOKIE);
    if (sent !== undefined && this.known.has(sent)) return sent;
    const session = randomBytes(16).toString('base64url');
    this.known.add(session);
    res.setHeader('set-cookie', `${COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict`);
    return session;
  }

  addThread(session: string, threadId: string): void {
    this.threads.set(threadId, { owner: session, runs: new Set() });
  }

  ownsThread(session: string, threadId: string): boolean {
    return this.threads.get(threadId)?.owner === session;
  }

  /** Records a run this server started on a thread it created. */
  addRun(threadId: string, runId: string): void {
    this.threads.get(threadId)?.runs.add(runId);
  }

  ownsRun(session: string, threadId: string, runId: string): boolean {
    const thread = this.threads.get(threadId);
    return thread?.owner === session && thread.runs.has(runId);
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, value] = part.trim().split('=', 2);
    if (key === name && value !== undefined && SESSION_ID.test(value)) return value;
  }
  return undefined;
}
