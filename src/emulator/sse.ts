import type { ServerResponse } from 'node:http';

/** An open `text/event-stream` answer. */
export interface SseSink {
  /** Writes one frame, `event: <name>\ndata: <data>\n\n`, flushed at once. */
  send(event: string, data: string): void;
  /** Writes `event: done\ndata: [DONE]\n\n` and ends the answer. */
  end(): void;
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

const ERROR_FRAME = JSON.stringify({
  code: 'server_error',
  message: 'The server had an error while processing your request. Sorry about that! (emulated fault)',
  param: null,
  type: 'server_error',
});

/**
 * Starts an SSE answer. A drop destroys the socket as a flaky network would: nothing more is
 * written, and the client sees the connection end without `done`. An error event ends the answer
 * with an `error` frame instead of the rest of the events.
 */
export function openSse(
  res: ServerResponse,
  headers: Record<string, string>,
  faults: SseFaults = {},
): SseSink {
  const { dropAfterBytes, errorAfterEvents } = faults;
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
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
  };

  return {
    send: (event, data) => {
      if (events++ === errorAfterEvents) {
        write(`event: error\ndata: ${ERROR_FRAME}\n\n`);
        if (!closed) res.end();
        closed = true;
        return;
      }
      write(`event: ${event}\ndata: ${data}\n\n`);
    },
    end: () => {
      write('event: done\ndata: [DONE]\n\n');
      if (closed) return;
      closed = true;
      res.end();
    },
    get closed() {
      return closed;
    },
  };
}
