import { createServer } from 'node:net';
import { defer, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { AssistantsConnectionError } from '../../src/errors/AssistantsConnectionError';
import { retryRun } from '../../src/operators/retryRun';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Connection errors name the host and the system error code; retries compose (issue 15, item 3). */
describe('a server that is not there', () => {
  it('errors with the host and ECONNREFUSED in the message, and as fields', async () => {
    const port = await closedPort();
    const client = fetchClient({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'k', maxRetries: 0 });
    const error = await lastValueFrom(client.threads.retrieve('thread_1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssistantsConnectionError);
    expect(error).toMatchObject({ host: `127.0.0.1:${port}`, code: 'ECONNREFUSED' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^GET http://127\\.0\\.0\\.1:${port}/v1/threads/thread_1 failed before any answer \\(ECONNREFUSED from 127\\.0\\.0\\.1:${port}\\)`,
      ),
    );
  });

  it("retryRun does not multiply the client's retries: maxRetries 2 under retryRun() is 3 requests, not 9", async () => {
    const port = await closedPort();
    let requests = 0;
    const counting = (url: string, init: RequestInit) => {
      requests++;
      return fetch(url, init);
    };
    const client = fetchClient({
      baseURL: `http://127.0.0.1:${port}/v1`,
      apiKey: 'k',
      fetch: counting,
      maxRetries: 2,
    });
    const run$ = defer(() => createThreadAndRun(client, { assistant_id: 'asst_1' })).pipe(
      retryRun({ count: 2, delay: 0 }),
    );
    await expect(lastValueFrom(run$)).rejects.toBeInstanceOf(AssistantsConnectionError);
    expect(requests).toBe(3);

    // Without client retries, retryRun's own count applies.
    requests = 0;
    const bare = fetchClient({
      baseURL: `http://127.0.0.1:${port}/v1`,
      apiKey: 'k',
      fetch: counting,
      maxRetries: 0,
    });
    await expect(
      lastValueFrom(
        createThreadAndRun(bare, { assistant_id: 'asst_1' }).pipe(retryRun({ count: 2, delay: 0 })),
      ),
    ).rejects.toBeInstanceOf(AssistantsConnectionError);
    expect(requests).toBe(3);
  });
});
