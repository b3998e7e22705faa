import OpenAI from 'openai';
import OpenAIv5 from 'openai-v5';
import OpenAIv7 from 'openai-v7';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import { fetchClient } from '../../src/client/fetchClient';
import { openaiClient } from '../../src/client/openaiClient';
import { UnexpectedRedirectError } from '../../src/errors/UnexpectedRedirectError';
import { fakeFetch } from './fakeFetch';
import { closeAll, loopback, sendJson } from './loopback';

/**
 * Issue 11, class 1: a redirect must never carry the credentials to another origin, nor turn a
 * POST into a GET. Real servers on loopback: the API answers a redirect to a second server on
 * another port, which records whether anything reached it.
 */

const run = { id: 'run_1', object: 'thread.run', thread_id: 'thread_1', status: 'cancelling' };
const SDKS = { 'openai@5': OpenAIv5, 'openai@6': OpenAI, 'openai@7': OpenAIv7 };

type Make = (baseURL: string) => AssistantsClient;
const clients: Record<string, Make> = {
  fetchClient: (baseURL) =>
    fetchClient({ apiKey: 'sk-secret', baseURL, headers: { 'api-key': 'azure-secret' }, maxRetries: 2 }),
};
for (const [name, SDK] of Object.entries(SDKS)) {
  clients[`openaiClient on ${name}`] = (baseURL) =>
    openaiClient(
      new SDK({ apiKey: 'sk-secret', baseURL, defaultHeaders: { 'api-key': 'azure-secret' }, maxRetries: 2 }),
    );
}

afterEach(closeAll);

describe.each(Object.keys(clients))('%s and redirects', (clientName) => {
  const make = clients[clientName]!;

  it.each([301, 302, 303, 307, 308])(
    'a %i to another origin reaches nothing there and errors with UnexpectedRedirectError',
    async (status) => {
      const elsewhere = await loopback((_req, res) => sendJson(res, 200, run));
      const api = await loopback((req, res) => {
        res.writeHead(status, { location: `${elsewhere.origin}${req.url}` });
        res.end();
      });
      const client = make(`${api.origin}/v1`);

      const calls = [
        { call: () => client.runs.cancel('thread_1', 'run_1'), method: 'POST', path: '/cancel' },
        { call: () => client.runs.retrieve('thread_1', 'run_1'), method: 'GET', path: '' },
      ];
      for (const { call, method, path } of calls) {
        const error = await firstValueFrom(call()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnexpectedRedirectError);
        expect(error).toMatchObject({
          status,
          method,
          location: `${elsewhere.origin}/v1/threads/thread_1/runs/run_1${path}`,
        });
        expect((error as Error).message).toContain('set baseURL to the final URL');
      }
      expect(elsewhere.seen).toEqual([]);
      // Not retried: one request per call.
      expect(api.seen.map((r) => r.method)).toEqual(['POST', 'GET']);
    },
  );
});

describe('fetchClient and a browser redirect', () => {
  it("treats an opaque redirect (fetch's redirect: 'manual' in a browser) as UnexpectedRedirectError", async () => {
    const { fetch } = fakeFetch(
      () =>
        ({ type: 'opaqueredirect', status: 0, ok: false, headers: new Headers(), body: null }) as Response,
    );
    const error = await firstValueFrom(
      fetchClient({ baseURL: 'https://api.example.test/v1', fetch }).runs.cancel('thread_1', 'run_1'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedRedirectError);
    expect(error).toMatchObject({ status: 0, method: 'POST', location: undefined });
  });
});
