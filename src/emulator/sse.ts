import type { ServerResponse } from 'node:http';
import { NODE_SSE_HEADERS, SSE_DONE_FRAME, sseFrame } from '../relay/sseFrame';

/** An open `text/event-stream` answer. */
export interface SseSink {
  /** Writes one frame, `event: <name>\ndata: <data>\n\n`, flushed at once. */
  send(event: string, data: string): void;
  /** Writes the wire's closing frame, if it has one (Assistants: `event: done` / `data: [DONE]`), and ends the answer. */
  end(): void;
  /** Writes an `error` frame with this message (`server_error`) and ends the answer, without a closing frame. */
  fail(message: string): void;
  /** `true` once ended, dropped, or closed by the client. */
  readonly closed: boolean;
}

/** Faults of one streamed answer. */
export interface SseFaults {
  /** Destroy the socket once this many body bytes are out (mid-frame if it falls there). */
  dropAfterBytes?: number | undefined;
  /** After this many events, send an `error` frame and end the answer. */
  errorAfterEvents?: number | undefined;
}

/** How a wire closes a stream and tells a failure in it. */
export interface SseFraming {
  /** The frame `end()` writes before ending the answer; none when absent (Responses streams). */
  readonly done?: string | undefined;
  /** The frame of a failure told in the stream (`fail`, an injected `error_event` fault). */
  error(message: string): string;
}

/** Assistants streams: `event: done` / `data: [DONE]` at the end, the spec's `ErrorEvent` data on failure. */
export const ASSISTANTS_FRAMING: SseFraming = {
  done: SSE_DONE_FRAME,
  error: (message) =>
    sseFrame('error', JSON.stringify({ code: 'server_error', message, param: null, type: 'server_error' })),
};

const FAULT_MESSAGE =
  'The server had an error while processing your request. Sorry about that! (emulated fault)';

/** How far a stream's reader may fall behind (bytes written, not yet taken by the socket). */
export const MAX_SSE_BACKLOG_BYTES = 8 * 1024 * 1024;

/**
 * Starts an SSE answer. A drop destroys the socket as a flaky network would: nothing more is
 * written, and the client sees the connection end without `done`. An error event ends the answer
 * with an `error` frame instead of the rest of the events. A reader that falls more than
 * {@link MAX_SSE_BACKLOG_BYTES} behind is cut off the same way as a drop (the run goes on; it can
 * be polled), so a stalled client cannot make the emulator buffer a whole long run.
 */
export function openSse(
  res: ServerResponse,
  headers: Record<string, string>,
  faults: SseFaults = {},
  framing: SseFraming = ASSISTANTS_FRAMING,
): SseSink {
  const { dropAfterBytes, errorAfterEvents } = faults;
  // The relay's header set: a proxy between the emulator and its client must not buffer frames either.
  res.writeHead(200, { ...headers, ...NODE_SSE_HEADERS });
  res.flushHeaders();
  let closed = false;
  let written = 0;
  let events = 0;
  res.on('close', () => {
    closed = true;
  });

  // Destroying the socket at once would throw away bytes written before but still corked or
  // buffered (frames written in the same tick), cutting the body short of `dropAfterBytes`: an
  // empty write on the socket calls back once everything before it is out.
  const destroyAfterFlush = (): void => {
    const socket = res.socket;
    if (socket && !socket.destroyed) socket.write(Buffer.alloc(0), () => res.destroy());
    else res.destroy();
  };

  const write = (text: string): void => {
    if (closed) return;
    const bytes = Buffer.from(text, 'utf8');
    if (dropAfterBytes !== undefined && written + bytes.length > dropAfterBytes) {
      closed = true;
      const part = bytes.subarray(0, Math.max(0, dropAfterBytes - written));
      if (part.length > 0) res.write(part);
      destroyAfterFlush();
      return;
    }
    written += bytes.length;
    res.write(bytes);
    if (res.writableLength > MAX_SSE_BACKLOG_BYTES) {
      closed = true;
      res.destroy();
    }
  };

  const fail = (message: string): void => {
    write(framing.error(message));
    if (!closed) res.end();
    closed = true;
  };

  return {
    send: (event, data) => {
      if (events++ === errorAfterEvents) return fail(FAULT_MESSAGE);
      write(sseFrame(event, data));
    },
    fail,
    end: () => {
      if (framing.done !== undefined) write(framing.done);
      if (closed) return;
      closed = true;
      res.end();
    },
    get closed() {
      return closed;
    },
  };
}
