import { map, type Observable } from 'rxjs';
import type { AssistantsClient, PolledRun } from './AssistantsClient';
import { type AnyEndpointMethod, clientFromTable, type Endpoint } from './endpoints';
import type { ApiRequest, QueryValue, Transport } from './Transport';

/**
 * Builds every typed endpoint of {@link AssistantsClient} on a transport, one method per entry of
 * the endpoint table. Every answer is checked with the shape of its endpoint before anyone sees
 * it; every POST that creates something is marked `creates` (never retried once it may have
 * reached the server); an endpoint with a request policy (`runs.cancel`) carries it. Internal.
 */
export function clientFromTransport(transport: Transport): AssistantsClient {
  return clientFromTable((_key, endpoint) => endpointMethod(transport, endpoint));
}

/** The method of one endpoint: its arguments mapped to path, body and query, then sent. */
function endpointMethod(transport: Transport, endpoint: Endpoint): AnyEndpointMethod {
  const { method, body: bodySlot, query: querySlot, streams, creates, shape, policy, pollHint } = endpoint;
  // Only requests of the Responses family carry a `family` key.
  const family = endpoint.family && { family: endpoint.family };
  // The path between its placeholders: `/threads/{thread_id}/runs` → ['/threads/', '/runs'].
  const pieces = endpoint.path.split(/\{[^}]*\}/);
  const ids = pieces.length - 1;
  const takesBody = bodySlot !== undefined && !('always' in bodySlot);

  return (...args: unknown[]): Observable<unknown> => {
    let path = pieces[0] ?? '';
    for (let i = 0; i < ids; i++) path += encodeURIComponent(args[i] as string) + (pieces[i + 1] ?? '');
    let next = ids;
    // Objects in the table are copied per request: what one request's body becomes is its own.
    const body =
      bodySlot === undefined
        ? undefined
        : 'always' in bodySlot
          ? { ...bodySlot.always }
          : bodySlot.fallback === undefined
            ? args[next]
            : (args[next] ?? { ...bodySlot.fallback });
    if (takesBody) next++;
    const query =
      querySlot === undefined ? undefined : (args[next] as Record<string, QueryValue> | undefined);

    if (streams) return transport.stream({ method, path, body, creates: creates === true, query, ...family });
    const request: ApiRequest = {
      method,
      path,
      shape,
      ...(bodySlot !== undefined && { body }),
      ...(creates && { creates }),
      ...(policy && { policy }),
      ...family,
      query,
    };
    if (!pollHint) return transport.request(request).pipe(map((response) => response.data));
    return transport.request<PolledRun['run']>(request).pipe(
      map(({ data, headers }): PolledRun => {
        const hint = Number(headers['openai-poll-after-ms']);
        return headers['openai-poll-after-ms'] !== undefined && Number.isFinite(hint) && hint >= 0
          ? { run: data, pollAfterMs: hint }
          : { run: data };
      }),
    );
  };
}
