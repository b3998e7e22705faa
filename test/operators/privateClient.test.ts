import { lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import type { RunEvent } from '../../src/events/RunEvent';
import { handleRequiresAction } from '../../src/operators/handleRequiresAction';
import { createRun } from '../../src/sources/createRun';
import { aPage, aRequiredAction, aRun, mockClient, requiresActionEvents, runEvents } from '../../src/testing';

// The library never wraps the user's client to observe it (a proxy made with Object.create breaks
// `this` and `#private` fields): the sources report what the operators need themselves.

/** A client written as classes that keep their transport in `#private` fields. */
class Runs {
  readonly #inner: AssistantsClient['runs'];
  constructor(inner: AssistantsClient['runs']) {
    this.#inner = inner;
  }
  create = (...args: Parameters<AssistantsClient['runs']['create']>) => this.#inner.create(...args);
  createStream = (...args: Parameters<AssistantsClient['runs']['createStream']>) =>
    this.#inner.createStream(...args);
  retrieve(threadId: string, runId: string) {
    return this.#inner.retrieve(threadId, runId);
  }
  poll(threadId: string, runId: string) {
    return this.#inner.poll(threadId, runId);
  }
  list(...args: Parameters<AssistantsClient['runs']['list']>) {
    return this.#inner.list(...args);
  }
  update(...args: Parameters<AssistantsClient['runs']['update']>) {
    return this.#inner.update(...args);
  }
  submitToolOutputs(...args: Parameters<AssistantsClient['runs']['submitToolOutputs']>) {
    return this.#inner.submitToolOutputs(...args);
  }
  submitToolOutputsStream(...args: Parameters<AssistantsClient['runs']['submitToolOutputsStream']>) {
    return this.#inner.submitToolOutputsStream(...args);
  }
  cancel(threadId: string, runId: string) {
    return this.#inner.cancel(threadId, runId);
  }
}

class PrivateClient implements AssistantsClient {
  readonly #transport: AssistantsClient;
  readonly runs: Runs;
  constructor(transport: AssistantsClient) {
    this.#transport = transport;
    this.runs = new Runs(transport.runs);
  }
  get assistants() {
    return this.#transport.assistants;
  }
  get threads() {
    return this.#transport.threads;
  }
  get messages() {
    return this.#transport.messages;
  }
  get steps() {
    return this.#transport.steps;
  }
  // The Responses family is part of the interface: a client that does not use it still passes the
  // inner client's namespaces on (a getter keeps `this` and the #private field intact).
  get responses() {
    return this.#transport.responses;
  }
  get conversations() {
    return this.#transport.conversations;
  }
  get conversationItems() {
    return this.#transport.conversationItems;
  }
}

const calls = [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } }];
const submitted = [
  {
    id: 'call_1',
    type: 'function' as const,
    function: { name: 'get_weather', arguments: '{"city":"Oslo"}', output: 'sunny' },
  },
];

describe('a client class with #private fields', () => {
  it.each(['stream', 'poll'] as const)(
    'drives a tool round (%s mode): nothing calls it with another `this`',
    async (mode) => {
      let submits = 0;
      const inner = mockClient({
        runs: {
          createStream: () => of(...requiresActionEvents({ calls })),
          create: () => of(aRun({ status: 'queued' })),
          poll: () =>
            of({
              run:
                submits === 0
                  ? aRun({
                      status: 'requires_action',
                      required_action: aRequiredAction(calls),
                      expires_at: null,
                    })
                  : aRun({ status: 'completed' }),
            }),
          submitToolOutputsStream: () => {
            submits++;
            return of(...runEvents({ continuation: true, toolCalls: submitted, text: 'Sunny in Oslo.' }));
          },
          submitToolOutputs: () => {
            submits++;
            return of(aRun({ status: 'queued' }));
          },
        },
        steps: { list: () => of(aPage([])) },
        messages: { list: () => of(aPage([])) },
      });
      const client = new PrivateClient(inner);
      const events: RunEvent[] = await lastValueFrom(
        createRun(
          client,
          { threadId: 'thread_1', assistant_id: 'asst_1' },
          { mode, poll: { intervalMs: 0 } },
        ).pipe(
          handleRequiresAction(client, { get_weather: () => 'sunny' }, { mode, poll: { intervalMs: 0 } }),
          toArray(),
        ),
      );
      expect(events.at(-1)?.event).toBe('thread.run.completed');
      expect(submits).toBe(1);
    },
  );
});
