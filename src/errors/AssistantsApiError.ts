import { AssistantsError } from './AssistantsError';

/** The facts of an HTTP error answer. */
export interface AssistantsApiErrorInit {
  status: number;
  method: string;
  url: string;
  message?: string | undefined;
  code?: string | null | undefined;
  type?: string | undefined;
  param?: string | null | undefined;
  requestId?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: unknown;
}

/**
 * The server answered with an HTTP error status. Carries the status, OpenAI's `error.code`,
 * `error.type`, `error.param`, the request id and the server's own message.
 */
export class AssistantsApiError extends AssistantsError {
  override readonly name: string = 'AssistantsApiError';
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly code: string | null;
  readonly type: string | undefined;
  readonly param: string | null;
  readonly requestId: string | undefined;
  readonly headers: Record<string, string>;
  readonly body: unknown;

  constructor(init: AssistantsApiErrorInit) {
    const detail = init.message ?? 'no message in the answer';
    super(`${init.method} ${init.url} failed with HTTP ${init.status}: ${detail}`);
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.code = init.code ?? null;
    this.type = init.type;
    this.param = init.param ?? null;
    this.requestId = init.requestId;
    this.headers = init.headers ?? {};
    this.body = init.body;
  }
}
