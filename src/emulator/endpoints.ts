/** Names of the endpoints the emulator serves, as `<group>.<operation>` (the `AssistantsClient` names). */
export type EndpointName =
  | 'assistants.create'
  | 'assistants.list'
  | 'assistants.retrieve'
  | 'assistants.update'
  | 'assistants.delete'
  | 'threads.create'
  | 'threads.createAndRun'
  | 'threads.retrieve'
  | 'threads.update'
  | 'threads.delete'
  | 'messages.create'
  | 'messages.list'
  | 'messages.retrieve'
  | 'messages.update'
  | 'messages.delete'
  | 'runs.create'
  | 'runs.list'
  | 'runs.retrieve'
  | 'runs.update'
  | 'runs.cancel'
  | 'runs.submitToolOutputs'
  | 'steps.list'
  | 'steps.retrieve';

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  endpoint: EndpointName;
}

const ID = '([^/]+)';
const route = (method: Route['method'], path: string, endpoint: EndpointName): Route => ({
  method,
  pattern: new RegExp(`^/v1${path.replaceAll('{id}', ID)}/?$`),
  endpoint,
});

/** Every route, most specific first where patterns overlap (`/threads/runs` before `/threads/{id}`). */
const ROUTES: readonly Route[] = [
  route('POST', '/assistants', 'assistants.create'),
  route('GET', '/assistants', 'assistants.list'),
  route('GET', '/assistants/{id}', 'assistants.retrieve'),
  route('POST', '/assistants/{id}', 'assistants.update'),
  route('DELETE', '/assistants/{id}', 'assistants.delete'),
  route('POST', '/threads', 'threads.create'),
  route('POST', '/threads/runs', 'threads.createAndRun'),
  route('GET', '/threads/{id}', 'threads.retrieve'),
  route('POST', '/threads/{id}', 'threads.update'),
  route('DELETE', '/threads/{id}', 'threads.delete'),
  route('POST', '/threads/{id}/messages', 'messages.create'),
  route('GET', '/threads/{id}/messages', 'messages.list'),
  route('GET', '/threads/{id}/messages/{id}', 'messages.retrieve'),
  route('POST', '/threads/{id}/messages/{id}', 'messages.update'),
  route('DELETE', '/threads/{id}/messages/{id}', 'messages.delete'),
  route('POST', '/threads/{id}/runs', 'runs.create'),
  route('GET', '/threads/{id}/runs', 'runs.list'),
  route('GET', '/threads/{id}/runs/{id}', 'runs.retrieve'),
  route('POST', '/threads/{id}/runs/{id}', 'runs.update'),
  route('POST', '/threads/{id}/runs/{id}/cancel', 'runs.cancel'),
  route('POST', '/threads/{id}/runs/{id}/submit_tool_outputs', 'runs.submitToolOutputs'),
  route('GET', '/threads/{id}/runs/{id}/steps', 'steps.list'),
  route('GET', '/threads/{id}/runs/{id}/steps/{id}', 'steps.retrieve'),
];

/** The endpoint a method and path name, with the path's ids in order; `undefined` when none. */
export function matchEndpoint(
  method: string,
  path: string,
): { endpoint: EndpointName; ids: string[] } | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const match = r.pattern.exec(path);
    if (match) return { endpoint: r.endpoint, ids: match.slice(1).map(safeDecode) };
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
