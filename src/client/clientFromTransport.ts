import { map, type Observable } from 'rxjs';
import type { AssistantsClient, PolledRun } from './AssistantsClient';
import type { ApiRequest, QueryValue, Transport } from './Transport';

const seg = encodeURIComponent;

/** Builds every typed endpoint of {@link AssistantsClient} on a transport. Internal. */
export function clientFromTransport(transport: Transport): AssistantsClient {
  const call = <T>(
    method: ApiRequest['method'],
    path: string,
    body?: unknown,
    query?: object,
  ): Observable<T> =>
    transport
      .request<T>({ method, path, body, query: query as Record<string, QueryValue> | undefined })
      .pipe(map((response) => response.data));
  const stream = (path: string, body: object, query?: object) =>
    transport.stream({ method: 'POST', path, body, query: query as Record<string, QueryValue> | undefined });
  const thread = (threadId: string) => `/threads/${seg(threadId)}`;
  const run = (threadId: string, runId: string) => `${thread(threadId)}/runs/${seg(runId)}`;

  return {
    assistants: {
      create: (body) => call('POST', '/assistants', body),
      retrieve: (id) => call('GET', `/assistants/${seg(id)}`),
      list: (query) => call('GET', '/assistants', undefined, query),
      update: (id, body) => call('POST', `/assistants/${seg(id)}`, body),
      delete: (id) => call('DELETE', `/assistants/${seg(id)}`),
    },
    threads: {
      create: (body) => call('POST', '/threads', body ?? {}),
      retrieve: (threadId) => call('GET', thread(threadId)),
      update: (threadId, body) => call('POST', thread(threadId), body),
      delete: (threadId) => call('DELETE', thread(threadId)),
      createAndRun: (body) => call('POST', '/threads/runs', body),
      createAndRunStream: (body) => stream('/threads/runs', body),
    },
    messages: {
      create: (threadId, body) => call('POST', `${thread(threadId)}/messages`, body),
      retrieve: (threadId, id) => call('GET', `${thread(threadId)}/messages/${seg(id)}`),
      list: (threadId, query) => call('GET', `${thread(threadId)}/messages`, undefined, query),
      update: (threadId, id, body) => call('POST', `${thread(threadId)}/messages/${seg(id)}`, body),
      delete: (threadId, id) => call('DELETE', `${thread(threadId)}/messages/${seg(id)}`),
    },
    runs: {
      create: (threadId, body, query) => call('POST', `${thread(threadId)}/runs`, body, query),
      createStream: (threadId, body, query) => stream(`${thread(threadId)}/runs`, body, query),
      retrieve: (threadId, runId) => call('GET', run(threadId, runId)),
      poll: (threadId, runId) =>
        transport.request<PolledRun['run']>({ method: 'GET', path: run(threadId, runId) }).pipe(
          map(({ data, headers }): PolledRun => {
            const hint = Number(headers['openai-poll-after-ms']);
            return headers['openai-poll-after-ms'] !== undefined && Number.isFinite(hint) && hint >= 0
              ? { run: data, pollAfterMs: hint }
              : { run: data };
          }),
        ),
      list: (threadId, query) => call('GET', `${thread(threadId)}/runs`, undefined, query),
      update: (threadId, runId, body) => call('POST', run(threadId, runId), body),
      submitToolOutputs: (threadId, runId, body) =>
        call('POST', `${run(threadId, runId)}/submit_tool_outputs`, body),
      submitToolOutputsStream: (threadId, runId, body) =>
        stream(`${run(threadId, runId)}/submit_tool_outputs`, body),
      cancel: (threadId, runId) => call('POST', `${run(threadId, runId)}/cancel`, {}),
    },
    steps: {
      list: (threadId, runId, query) => call('GET', `${run(threadId, runId)}/steps`, undefined, query),
      retrieve: (threadId, runId, stepId, query) =>
        call('GET', `${run(threadId, runId)}/steps/${seg(stepId)}`, undefined, query),
    },
  };
}
