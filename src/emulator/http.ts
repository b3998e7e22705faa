import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './jsonText';

/** An OpenAI-shaped error answer: `{ error: { message, type, param, code } }` with its status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly options: {
      type?: string;
      param?: string | null;
      code?: string | null;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
  }

  get body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    const { type = 'invalid_request_error', param = null, code = null } = this.options;
    return { error: { message: this.message, type, param, code } };
  }
}

/** 400 `invalid_request_error`. */
export const badRequest = (
  message: string,
  param: string | null = null,
  code: string | null = null,
): ApiError => new ApiError(400, message, { param, code });

/** 404 in the service's words: "No thread found with id 'thread_x'." */
export const notFound = (what: string, id: string): ApiError =>
  new ApiError(404, `No ${what} found with id '${id}'.`);

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Reads and parses a JSON request body; an empty body is `{}`. A body nested deeper than
 * {@link MAX_JSON_DEPTH} is refused before it is parsed: nothing downstream (serialising a run,
 * cloning it) has to cope with a value that would overflow the stack.
 */
export function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return reject(badRequest('The request body is too large.'));
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({});
      if (nestsDeeperThan(text, MAX_JSON_DEPTH))
        return reject(
          badRequest(
            `The JSON body of your request is nested too deeply: at most ${MAX_JSON_DEPTH} levels of objects and arrays are allowed.`,
            null,
            'nesting_too_deep',
          ),
        );
      try {
        const body: unknown = JSON.parse(text);
        if (body !== null && typeof body === 'object' && !Array.isArray(body))
          return resolve(body as Record<string, unknown>);
      } catch {
        // answered below
      }
      reject(
        badRequest(
          'We could not parse the JSON body of your request. The body must be one JSON object; check that it is valid JSON.',
        ),
      );
    });
  });
}

/** Writes a JSON answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
