import { map, type Observable } from 'rxjs';
import {
  deletedProblem,
  idProblem,
  messageProblem,
  pageOf,
  runProblem,
  type ShapeCheck,
  stepProblem,
} from '../events/shapes';
import type { AssistantsClient, PolledRun } from './AssistantsClient';
import { CANCEL_POLICY } from './RequestPolicy';
import type { ApiRequest, QueryValue, Transport } from './Transport';

const seg = encodeURIComponent;

const runPage = pageOf(runProblem);
const stepPage = pageOf(stepProblem);
const messagePage = pageOf(messageProblem);
const assistantPage = pageOf(idProblem);

/** What a request adds to method and path: body, query, and how it is treated. */
type Extra = Pick<ApiRequest, 'body' | 'creates' | 'policy'> & { query?: object | undefined };

/**
 * Builds every typed endpoint of {@link AssistantsClient} on a transport. Every answer is checked
 * with the shape of its endpoint before anyone sees it; every POST that creates something is
 * marked `creates` (never retried once it may have reached the server); `runs.cancel` carries
 * {@link CANCEL_POLICY}. Internal.
 */
export function clientFromTransport(transport: Transport): AssistantsClient {
  const request = (method: ApiRequest['method'], path: string, shape: ShapeCheck, extra: Extra = {}) => ({
    method,
    path,
    shape,
    ...extra,
    query: extra.query as Record<string, QueryValue> | undefined,
  });
  const call = <T>(
    method: ApiRequest['method'],
    path: string,
    shape: ShapeCheck,
    extra?: Extra,
  ): Observable<T> =>
    transport.request<T>(request(method, path, shape, extra)).pipe(map((response) => response.data));
  const get = <T>(path: string, shape: ShapeCheck, query?: object) => call<T>('GET', path, shape, { query });
  const post = <T>(path: string, shape: ShapeCheck, body: unknown) => call<T>('POST', path, shape, { body });
  const create = <T>(path: string, shape: ShapeCheck, body: unknown, query?: object) =>
    call<T>('POST', path, shape, { body, query, creates: true });
  const stream = (path: string, body: object, creates: boolean, query?: object) =>
    transport.stream({
      method: 'POST',
      path,
      body,
      creates,
      query: query as Record<string, QueryValue> | undefined,
    });
  const thread = (threadId: string) => `/threads/${seg(threadId)}`;
  const run = (threadId: string, runId: string) => `${thread(threadId)}/runs/${seg(runId)}`;

  return {
    assistants: {
      create: (body) => create('/assistants', idProblem, body),
      retrieve: (id) => get(`/assistants/${seg(id)}`, idProblem),
      list: (query) => get('/assistants', assistantPage, query),
      update: (id, body) => post(`/assistants/${seg(id)}`, idProblem, body),
      delete: (id) => call('DELETE', `/assistants/${seg(id)}`, deletedProblem),
    },
    threads: {
      create: (body) => create('/threads', idProblem, body ?? {}),
      retrieve: (threadId) => get(thread(threadId), idProblem),
      update: (threadId, body) => post(thread(threadId), idProblem, body),
      delete: (threadId) => call('DELETE', thread(threadId), deletedProblem),
      createAndRun: (body) => create('/threads/runs', runProblem, body),
      createAndRunStream: (body) => stream('/threads/runs', body, true),
    },
    messages: {
      create: (threadId, body) => create(`${thread(threadId)}/messages`, messageProblem, body),
      retrieve: (threadId, id) => get(`${thread(threadId)}/messages/${seg(id)}`, messageProblem),
      list: (threadId, query) => get(`${thread(threadId)}/messages`, messagePage, query),
      update: (threadId, id, body) => post(`${thread(threadId)}/messages/${seg(id)}`, messageProblem, body),
      delete: (threadId, id) => call('DELETE', `${thread(threadId)}/messages/${seg(id)}`, deletedProblem),
    },
    runs: {
      create: (threadId, body, query) => create(`${thread(threadId)}/runs`, runProblem, body, query),
      createStream: (threadId, body, query) => stream(`${thread(threadId)}/runs`, body, true, query),
      retrieve: (threadId, runId) => get(run(threadId, runId), runProblem),
      poll: (threadId, runId) =>
        transport.request<PolledRun['run']>(request('GET', run(threadId, runId), runProblem)).pipe(
          map(({ data, headers }): PolledRun => {
            const hint = Number(headers['openai-poll-after-ms']);
            return headers['openai-poll-after-ms'] !== undefined && Number.isFinite(hint) && hint >= 0
              ? { run: data, pollAfterMs: hint }
              : { run: data };
          }),
        ),
      list: (threadId, query) => get(`${thread(threadId)}/runs`, runPage, query),
      update: (threadId, runId, body) => post(run(threadId, runId), runProblem, body),
      submitToolOutputs: (threadId, runId, body) =>
        post(`${run(threadId, runId)}/submit_tool_outputs`, runProblem, body),
      submitToolOutputsStream: (threadId, runId, body) =>
        stream(`${run(threadId, runId)}/submit_tool_outputs`, body, false),
      cancel: (threadId, runId) =>
        call('POST', `${run(threadId, runId)}/cancel`, runProblem, { body: {}, policy: CANCEL_POLICY }),
    },
    steps: {
      list: (threadId, runId, query) => get(`${run(threadId, runId)}/steps`, stepPage, query),
      retrieve: (threadId, runId, stepId, query) =>
        get(`${run(threadId, runId)}/steps/${seg(stepId)}`, stepProblem, query),
    },
  };
}
