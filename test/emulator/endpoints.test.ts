import { describe, expect, expectTypeOf, it } from 'vitest';
import { ENDPOINT_ENTRIES } from '../../src/client/endpoints';
import { type EndpointName, matchEndpoint } from '../../src/emulator/endpoints';

/** The emulator's routes come from the client's endpoint table: one route per JSON endpoint. */

/** The union as it was written by hand before the table, with the Responses family since. */
type HandWrittenEndpointName =
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
  | 'steps.retrieve'
  | 'responses.create'
  | 'responses.retrieve'
  | 'responses.cancel'
  | 'responses.delete'
  | 'responses.inputItems'
  | 'conversations.create'
  | 'conversations.retrieve'
  | 'conversations.update'
  | 'conversations.delete'
  | 'conversationItems.create'
  | 'conversationItems.list'
  | 'conversationItems.retrieve'
  | 'conversationItems.delete';

/** A concrete `/v1` path for a table path, with ids `id0`, `id1` … */
const concrete = (path: string): string => {
  let n = 0;
  return `/v1${path.replace(/\{[^}]*\}/g, () => `id${n++}`)}`;
};

describe('emulator routes', () => {
  it('names the same endpoints as before the table (checked by tsc)', () => {
    expectTypeOf<EndpointName>().toEqualTypeOf<HandWrittenEndpointName>();
  });

  it.each(ENDPOINT_ENTRIES.map(([name, e]) => [name, e] as const))(
    'serves %s at its method and path, with its ids in order',
    (name, { method, path, streams, pollHint }) => {
      const ids = [...path.matchAll(/\{[^}]*\}/g)].map((_, i) => `id${i}`);
      const match = matchEndpoint(method, concrete(path));
      // A streamed variant is its JSON twin's route; runs.poll is runs.retrieve's.
      const route = streams
        ? name.replace(/Stream$/, '')
        : pollHint
          ? name.replace(/\.poll$/, '.retrieve')
          : name;
      expect(match).toEqual({ endpoint: route, ids, streamable: expect.anything() });
      // A POST asks for its stream in the body; a GET (re-attach) in the query.
      if (streams) expect(match?.streamable).toBe(method === 'GET' ? 'query' : 'body');
    },
  );

  it('streams exactly the run- and response-creating endpoints, submit_tool_outputs and the re-attach', () => {
    const streamable = ENDPOINT_ENTRIES.filter(([, e]) => !e.streams && !e.pollHint)
      .map(([name, e]) => [name, matchEndpoint(e.method, concrete(e.path))?.streamable])
      .filter(([, flag]) => flag);
    expect(streamable).toEqual([
      ['threads.createAndRun', 'body'],
      ['runs.create', 'body'],
      ['runs.submitToolOutputs', 'body'],
      ['responses.create', 'body'],
      ['responses.retrieve', 'query'],
    ]);
  });

  it('prefers a literal segment over an id where both match, whatever the table order', () => {
    expect(matchEndpoint('POST', '/v1/threads/runs')?.endpoint).toBe('threads.createAndRun');
    expect(matchEndpoint('POST', '/v1/threads/thread_1')?.endpoint).toBe('threads.update');
    expect(matchEndpoint('GET', '/v1/threads/runs')).toEqual({
      endpoint: 'threads.retrieve',
      ids: ['runs'],
      streamable: false,
    });
  });

  it('takes a trailing slash, decodes ids, keeps a malformed escape, and knows no other URL', () => {
    expect(matchEndpoint('GET', '/v1/threads/a%2Fb/runs/')).toMatchObject({
      endpoint: 'runs.list',
      ids: ['a/b'],
    });
    expect(matchEndpoint('GET', '/v1/threads/%E0%A4%A')?.ids).toEqual(['%E0%A4%A']);
    expect(matchEndpoint('GET', '/v1/threads')).toBeUndefined();
    expect(matchEndpoint('PATCH', '/v1/threads/t')).toBeUndefined();
    expect(matchEndpoint('GET', '/threads/t')).toBeUndefined();
    expect(matchEndpoint('GET', '/v1/threads/t/runs/r/steps/s/extra')).toBeUndefined();
  });
});
