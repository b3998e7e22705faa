import type { EmulatorRequest } from './EmulatorOptions';

// `--log`: a line per request, written at once and kept nowhere.

/** A path longer than this is cut in the log (a URL can be as long as the header limit allows). */
const MAX_PATH_CHARS = 512;

/**
 * One request as a log line: `POST /v1/threads/thread_abc/runs 200 12ms stream faults=drop`.
 * `closed` in place of the status when the client left before any answer.
 */
export function formatRequestLine(request: Readonly<EmulatorRequest>, durationMs: number): string {
  const path =
    request.path.length > MAX_PATH_CHARS ? `${request.path.slice(0, MAX_PATH_CHARS)}…` : request.path;
  const status = request.status === 0 ? 'closed' : String(request.status);
  const stream = request.stream ? ' stream' : '';
  const faults = request.faults.length > 0 ? ` faults=${request.faults.join(',')}` : '';
  return `${request.method} ${path} ${status} ${Math.round(durationMs)}ms${stream}${faults}`;
}

/** The part of a writable stream a line writer needs (`process.stdout` is one). */
export interface LineSink {
  readonly writableLength: number;
  write(text: string): unknown;
}

/**
 * Writes lines to `sink` without ever buffering more than `maxBacklogBytes` in it: while the
 * reader of the sink (a pipe, a terminal) lags that far behind, lines are dropped and counted, and
 * the next line written says how many were. So a stalled stdout costs bounded memory.
 */
export function boundedLineWriter(sink: LineSink, maxBacklogBytes = 1024 * 1024): (line: string) => void {
  let dropped = 0;
  return (line) => {
    if (sink.writableLength > maxBacklogBytes) {
      dropped++;
      return;
    }
    if (dropped > 0) {
      sink.write(`(${dropped} log line${dropped === 1 ? '' : 's'} dropped: stdout was not keeping up)\n`);
      dropped = 0;
    }
    sink.write(`${line}\n`);
  };
}
