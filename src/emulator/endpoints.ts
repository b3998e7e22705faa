import { ENDPOINT_ENTRIES, type Endpoints } from '../client/endpoints';

/**
 * Names of the endpoints the emulator serves, as `<group>.<operation>` (the `AssistantsClient`
 * names): one per route of the client's endpoint table. A client's streamed variant
 * (`runs.createStream`, `responses.retrieveStream`) is its JSON twin's route asked to stream, and
 * `runs.poll` is `runs.retrieve`'s route.
 */
export type EndpointName = {
  [N in keyof Endpoints]: {
    [M in keyof Endpoints[N]]: Endpoints[N][M] extends { streams: true } | { pollHint: true }
      ? never
      : `${N}.${M & string}`;
  }[keyof Endpoints[N]];
}[keyof Endpoints];

/**
 * Where a request asks a streamable route for an event stream: `stream: true` in the JSON body
 * (a `POST` that creates a run or a response), or `stream=true` in the query (a `GET` that
 * re-attaches to a response's events). `false`: the route never streams.
 */
export type StreamFlag = 'body' | 'query' | false;

interface Route {
  method: string;
  pattern: RegExp;
  endpoint: EndpointName;
  streamable: StreamFlag;
  /** Literal path segments: where two patterns match a path, the one with more wins. */
  literals: number;
}

const ID = '([^/]+)';
const PLACEHOLDER = /^\{[^}]*\}$/;
const literal = (text: string): string => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/** A streamed variant of a `GET` carries its flag in the query (it has no body); of a `POST`, in the body. */
const streamFlag = (method: string, path: string): StreamFlag =>
  ENDPOINT_ENTRIES.some(([, e]) => e.streams && e.method === method && e.path === path)
    ? method === 'GET'
      ? 'query'
      : 'body'
    : false;

/** Every route of the endpoint table, most specific first (`/threads/runs` before `/threads/{id}`). */
const ROUTES: readonly Route[] = ENDPOINT_ENTRIES.filter(([, e]) => !e.streams && !e.pollHint)
  .map(([name, { method, path }]): Route => {
    const segments = path.split('/').slice(1);
    const source = segments.map((s) => (PLACEHOLDER.test(s) ? ID : literal(s))).join('/');
    return {
      method,
      pattern: new RegExp(`^/v1/${source}/?$`),
      endpoint: name as EndpointName,
      streamable: streamFlag(method, path),
      literals: segments.filter((s) => !PLACEHOLDER.test(s)).length,
    };
  })
  .sort((a, b) => b.literals - a.literals);

/** Every endpoint name, as fault rules may name them (`on`). */
export const ENDPOINT_NAMES: ReadonlySet<string> = new Set(ROUTES.map((route) => route.endpoint));

/**
 * The endpoint a method and path name, with the path's ids in order and where a request to it
 * asks for a stream; `undefined` when none.
 */
export function matchEndpoint(
  method: string,
  path: string,
): { endpoint: EndpointName; ids: string[]; streamable: StreamFlag } | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const match = r.pattern.exec(path);
    if (match) return { endpoint: r.endpoint, ids: match.slice(1).map(safeDecode), streamable: r.streamable };
  }
  return undefined;
}

// A malformed escape is kept as written: it names no object, so the lookup answers 404.
const safeDecode = (id: string): string => {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
};
