import fc from 'fast-check';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fetchClient } from '../../../src/client/fetchClient';
import { StreamDisconnectedError } from '../../../src/errors/StreamErrors';
import type { ResponseEvent } from '../../../src/responses/ResponseEvent';
import { createResponse } from '../../../src/responses/sources/createResponse';
import { fakeFetch, json, sse } from '../../client/fakeFetch';
import { finalOf, framesOf, recording, STREAMED_RECORDINGS, sseBody } from '../../helpers/responsesFixtures';

/**
 * Every shared Responses recording, served over fetch at random chunkings and cut at random points
 * after `response.created` (at a frame boundary or in the middle of a frame): the source re-attaches
 * from the cursor and shows the same response as the uncut stream.
 */

const encoder = new TextEncoder();

/** `bytes` split at the given (sorted, deduplicated) offsets. */
const split = (bytes: Uint8Array, cuts: number[]): Uint8Array[] => {
  const offsets = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const at of offsets) {
    if (at > from) chunks.push(bytes.slice(from, at));
    from = at;
  }
  if (from < bytes.length) chunks.push(bytes.slice(from));
  return chunks;
};

/** A server for one recorded stream: the create's body cut after `cut` bytes, re-attaches from the log. */
function server(body: string, cut: number, chunkAt: number[]) {
  const events = framesOf(body);
  const final = finalOf(events);
  const frames = body.split(/(?<=\n\n)/);
  const bytes = encoder.encode(body).slice(0, cut);
  return fakeFetch((request) => {
    if (request.method === 'POST' && request.url.pathname.endsWith('/cancel'))
      return json({ ...final, status: 'cancelled' });
    if (request.method === 'POST') return sse(split(bytes, chunkAt));
    if (request.url.searchParams.get('stream') === 'true') {
      const after = Number(request.url.searchParams.get('starting_after') ?? -1);
      const rest = frames.filter((_, i) => (events[i]?.sequence_number ?? -1) > after).join('');
      return sse(split(encoder.encode(rest), chunkAt));
    }
    return json(final);
  });
}

const textOf = (events: readonly ResponseEvent[]) =>
  events.map((e) => (e.type === 'response.output_text.delta' ? e.delta : '')).join('');

describe.each(STREAMED_RECORDINGS)(
  'the recorded %s stream through fetchClient and createResponse',
  (name) => {
    const entry = recording(name).find((e) => Array.isArray(e.ResponseBody));
    if (entry === undefined) throw new Error(`${name} has no stream`);
    const body = sseBody(entry);
    const events = framesOf(body);
    // Cuts are in bytes (the reasoning recording is not all ASCII).
    const bytes = encoder.encode(body);
    const size = bytes.length;
    const createdEnd = encoder.encode(body.slice(0, body.indexOf('\n\n') + 2)).length;
    /** The frames complete in the first `cut` bytes. */
    const completeIn = (cut: number) => {
      const text = new TextDecoder().decode(bytes.slice(0, cut));
      return framesOf(text.slice(0, text.lastIndexOf('\n\n') + 2));
    };

    const run = async (cut: number, chunkAt: number[]) => {
      const { fetch, calls } = server(body, cut, chunkAt);
      const client = fetchClient({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', fetch, maxRetries: 0 });
      const got = await lastValueFrom(createResponse(client, { model: 'm', input: 'hi' }).pipe(toArray()));
      return { got, calls };
    };

    it('at any chunking, uncut: exactly the recorded events', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.nat(size), { maxLength: 40 }), async (chunkAt) => {
          const { got, calls } = await run(size, chunkAt);
          expect(got).toEqual(events);
          expect(calls).toHaveLength(1);
        }),
        { numRuns: 40 },
      );
    });

    it('cut anywhere after response.created: the same response, deltas add up, no sequence number twice, the right cursor', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: createdEnd, max: size - 1 }),
          fc.array(fc.nat(size), { maxLength: 20 }),
          async (cut, chunkAt) => {
            const { got, calls } = await run(cut, chunkAt);
            expect(finalOf(got)).toEqual(finalOf(events));
            expect(textOf(got)).toBe(textOf(events));
            const numbers = got.map((e) => e.sequence_number);
            expect(new Set(numbers).size).toBe(numbers.length);
            // The cursor is the last complete frame's number.
            const complete = completeIn(cut);
            const reattach = calls.find((c) => c.method === 'GET');
            expect(reattach?.url.searchParams.get('starting_after')).toBe(
              String(complete.at(-1)?.sequence_number),
            );
            expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('cut at every frame boundary after response.created', async () => {
      for (let at = body.indexOf('\n\n') + 2; at < body.length; at = body.indexOf('\n\n', at) + 2) {
        const { got } = await run(encoder.encode(body.slice(0, at)).length, []);
        expect(got).toEqual(events);
      }
    });

    it('cut before response.created is complete: a typed error, nothing re-created', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: createdEnd - 1 }), async (cut) => {
          const { fetch, calls } = server(body, cut, []);
          const client = fetchClient({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', fetch, maxRetries: 0 });
          await expect(
            lastValueFrom(createResponse(client, { model: 'm', input: 'hi' })),
          ).rejects.toBeInstanceOf(StreamDisconnectedError);
          expect(calls).toHaveLength(1);
        }),
        { numRuns: 20 },
      );
    });
  },
);
