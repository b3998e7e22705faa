import { ENDPOINT_ENTRIES, type Endpoints } from '../client/endpoints';

/**
 * Names of the endpoints the emulator serves, as `<group>.<operation>` (the `AssistantsClient`
 * names): one per route of the client's endpoint table. A client's streamed variant
 * (`runs.createStream`) is its JSON twin's route with `stream: true` in the body, and `runs.poll`
 * is `runs.retrieve`'s route.
 */
export type EndpointName = {
  [N in keyof Endpoints]: {
    [M in keyof Endpoints[N]]: Endpoints[N][M] extends { streams: true } | { pollHint: true }
      ? never
      : `${N}.${M & string}`;
  }[keyof Endpoints[N]];
}[keyof Endpoints];

interface Route {
  method: string;
  pattern: RegExp;
  endpoint: EndpointName;
  /** A client method streams it: `stream: true` in the body gets an SSE answer. */
  streamable: boolean;
  /** Literal path segments: where two patterns match a path, the one with more wins. */
  literals: number;
}

const ID = '([^/]+)';
const PLACEHOLDER = /^\{[^}]*\}$/;
const literal = (text: string): string => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/** Every route of the endpoint table, most specific first (`/threads/runs` before `/threads/{id}`). */
const ROUTES: readonly Route[] = ENDPOINT_ENTRIES.filter(([, e]) => !e.streams && !e.pollHint)
  .map(([name, { method, path }]): Route => {
    const segments = path.split('/').slice(1);
    const source = segments.map((s) => (PLACEHOLDER.test(s) ? ID : literal(s))).join('/');
    return {
      method,
      pattern: new RegExp(`^/v1/${source}/?$`),
      endpoint: name as EndpointName,
      streamable: ENDPOINT_ENTRIES.some(([, e]) => e.streams && e.method === method && e.path === path),
      literals: segments.filter((s) => !PLACEHOLDER.test(s)).length,
    };
  })
  .sort((a, b) => b.literals - a.literals);

/**
 * The endpoint a method and path name, with the path's ids in order and whether the endpoint can
 * stream; `undefined` when none.
 */
export function matchEndpoint(
  method: string,
  path: string,
): { endpoint: EndpointName; ids: string[]; streamable: boolean } | undefined {
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
