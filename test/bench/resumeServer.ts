import type { ResponsesBody } from './responsesBody';
import { CHUNK_BYTES, type FetchLike } from './sseBody';
import { now } from './stats';

/**
 * A fake Responses server for the resume benchmark, as a `fetch`: `POST /responses` answers the
 * body's first `cutAt` bytes, then breaks the connection (the body errors with `TypeError:
 * terminated`, as undici reports a reset); `GET /responses/{id}?stream=true[&starting_after=N]`
 * answers the stored events after N (all of them without N), as the API replays a background
 * response's event log. Counts the bytes each request delivers and notes when the cut happened.
 */

export interface ServedRequest {
  method: string;
  /** Path and query. */
  target: string;
  /** Bytes the client pulled from the answer's body. */
  bytes: number;
}

export interface ResumeServer {
  fetch: FetchLike;
  requests: ServedRequest[];
  /** `performance.now()` when the first stream broke; `NaN` before. */
  cutAt(): number;
}

export function resumeServer(body: ResponsesBody, cutAt: number): ResumeServer {
  const requests: ServedRequest[] = [];
  let cutTime = Number.NaN;

  /** A stream of `bytes` in 16 KiB chunks, counted into `served`; `broken`: errors at its end. */
  const answer = (bytes: Uint8Array, served: ServedRequest, broken: boolean): Response => {
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.byteLength) {
          if (!broken) {
            controller.close();
            return;
          }
          cutTime = now();
          controller.error(new TypeError('terminated'));
          return;
        }
        const chunk = bytes.subarray(at, at + CHUNK_BYTES);
        at += chunk.byteLength;
        served.bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };

  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const served: ServedRequest = { method, target: `${url.pathname}${url.search}`, bytes: 0 };
    requests.push(served);
    if (method === 'POST' && url.pathname.endsWith('/responses'))
      return answer(body.bytes.subarray(0, cutAt), served, true);
    if (
      method === 'GET' &&
      url.pathname.endsWith(`/responses/${body.responseId}`) &&
      url.searchParams.get('stream') === 'true'
    ) {
      const after = url.searchParams.get('starting_after');
      // Frame i carries sequence_number i, so the events after N start where frame N ends.
      const from = after === null ? 0 : (body.frameEnds[Number(after)] ?? body.bytes.byteLength);
      return answer(body.bytes.subarray(from), served, false);
    }
    return new Response(
      JSON.stringify({ error: { message: `bench: no route for ${method} ${served.target}` } }),
      {
        status: 404,
        headers: { 'content-type': 'application/json' },
      },
    );
  };
  return { fetch, requests, cutAt: () => cutTime };
}
