import { describe, expect, it } from 'vitest';
import { createResponse } from '../../src/responses/sources/createResponse';
import { createRun } from '../../src/sources/createRun';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import { mockClient } from '../../src/testing/mockClient';

/** Run config passed inside the request params is a type error, and in JavaScript a TypeError that says where it goes. */
describe('run config in the request params', () => {
  const client = mockClient({});

  it('is a type error in every source that takes an open request body', () => {
    // @ts-expect-error mode is source config
    expect(() => createRun(client, { threadId: 't', assistant_id: 'a', mode: 'poll' })).toThrow(
      'createRun: "mode" is source config, not a request parameter: pass it as the third argument, e.g. createRun(client, params, { mode: … }).',
    );
    // @ts-expect-error cancelOnUnsubscribe is source config
    expect(() => createThreadAndRun(client, { assistant_id: 'a', cancelOnUnsubscribe: false })).toThrow(
      /"cancelOnUnsubscribe" is source config/,
    );
    // @ts-expect-error poll is source config
    expect(() => createResponse(client, { model: 'm', input: 'x', poll: { intervalMs: 5 } })).toThrow(
      /createResponse: "poll" is source config/,
    );
  });

  it('leaves other unknown request parameters alone (new API parameters need no release)', () => {
    expect(() =>
      createRun(client, { threadId: 't', assistant_id: 'a', reasoning_effort: 'low' }),
    ).not.toThrow();
    expect(() => createResponse(client, { model: 'm', input: 'x', agent: { name: 'a' } })).not.toThrow();
  });
});
