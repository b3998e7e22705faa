import type { IncomingMessage, ServerResponse } from 'node:http';
import { AssistantsApiError } from '../../src/index';

/** An error answer of the example's own, with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The same answer for a thread or run that does not exist and one that is someone else's. */
export const notFound = () => new HttpError(404, 'No such thread or run.');

/** The status and message to answer: ours, or the backend's (its 4xx kept, anything else a 502). */
export function httpError(error: unknown): { status: number; message: string } {
  if (error instanceof HttpError) return { status: error.status, message: error.message };
  if (error instanceof AssistantsApiError) {
    const body = error.body as { error?: { message?: unknown } } | undefined;
    const message = typeof body?.error?.message === 'string' ? body.error.message : 'The backend refused.';
    const ours = error.status >= 500 || error.status === 401 || error.status === 403;
    return { status: ours ? 502 : error.status, message };
  }
  return { status: 502, message: 'The backend could not be reached.' };
}

/** Reads `{ "text": "…" }`: at most 4,000 characters, in a body of at most 16 KiB. */
export async function messageText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16_384) throw new HttpError(413, 'The request body is limited to 16 KiB.');
    chunks.push(chunk);
  }
  let text: unknown;
  try {
    text = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: unknown } | null)?.text;
  } catch {
    throw new HttpError(400, 'Send JSON: { "text": "your message" }.');
  }
  if (typeof text !== 'string' || text.trim() === '' || text.length > 4000) {
    throw new HttpError(400, '"text" must be a non-empty string of at most 4,000 characters.');
  }
  return text;
}

/** A JSON answer, in the API's error shape when it is one: `{ error: { message, type } }`. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
