import { describe, expectTypeOf, it } from 'vitest';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import type { Message, Run } from '../../src/events/types';
import { type CompleteResponseResult, completeResponse } from '../../src/promises/completeResponse';
import { type CompleteRunResult, completeRun } from '../../src/promises/completeRun';
import type { ResponseObject } from '../../src/responses/types';

// Checked by `npm run typecheck` (tsc includes the test files); the bodies never run a request.
declare const client: AssistantsClient;
const never = false as boolean;

describe('promise helpers: types', () => {
  it('completeRun resolves { run, messages }', () => {
    expectTypeOf(completeRun).returns.resolves.toEqualTypeOf<CompleteRunResult>();
    expectTypeOf<CompleteRunResult>().toEqualTypeOf<{ run: Run; messages: Message[] }>();
  });

  it('completeResponse resolves { response, text }', () => {
    expectTypeOf(completeResponse).returns.resolves.toEqualTypeOf<CompleteResponseResult>();
    expectTypeOf<CompleteResponseResult>().toEqualTypeOf<{ response: ResponseObject; text: string }>();
  });

  it('takes a run on a thread or a new thread and run', () => {
    if (never) {
      void completeRun(client, { threadId: 'thread_abc', assistant_id: 'asst_abc' });
      void completeRun(client, {
        assistant_id: 'asst_abc',
        thread: { messages: [{ role: 'user', content: 'Hi' }] },
      });
      // @ts-expect-error assistant_id is required
      void completeRun(client, { threadId: 'thread_abc' });
    }
  });

  it('source config belongs in the options, never in the params', () => {
    if (never) {
      void completeRun(
        client,
        { assistant_id: 'asst_abc' },
        { mode: 'poll', signal: AbortSignal.timeout(1) },
      );
      // @ts-expect-error mode is config: the third argument
      void completeRun(client, { assistant_id: 'asst_abc', mode: 'poll' });
      void completeResponse(client, { model: 'gpt-4o-mini', input: 'Hi' }, { mode: 'poll' });
      // @ts-expect-error mode is config: the third argument
      void completeResponse(client, { model: 'gpt-4o-mini', input: 'Hi', mode: 'poll' });
    }
  });

  it('handler arguments are unknown unless typed, never any', () => {
    if (never) {
      void completeRun(
        client,
        { assistant_id: 'asst_abc' },
        {
          handlers: {
            get_weather: (args) => {
              expectTypeOf(args.city).toBeUnknown();
              return '';
            },
            get_time: ({ zone }: { zone: string }) => zone.toUpperCase(),
          },
        },
      );
      void completeResponse(
        client,
        { model: 'gpt-4o-mini' },
        {
          handlers: {
            get_weather: (args, call) => {
              expectTypeOf(args.city).toBeUnknown();
              expectTypeOf(call.call_id).toBeString();
              return '';
            },
          },
        },
      );
    }
  });
});
