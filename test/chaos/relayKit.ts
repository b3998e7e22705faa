import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { map, merge, share, tap } from 'rxjs';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Message } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import { runState } from '../../src/operators/runState';
import { fromServerSentEvents } from '../../src/relay/fromServerSentEvents';
import { pipeToNodeResponse } from '../../src/relay/pipeToNodeResponse';
import type { RunState } from '../../src/state/RunState';
import { type CancelErrors, type PipelineOptions, runPipeline } from './drive';
import type { HandlerLedger } from './plan';
import { counted, type SubscriptionCount } from './probes';
import type { World } from './world';

/**
 * The relay of the chaos suite: a small `node:http` server on 127.0.0.1 that answers a request with
 * the seed's run pipeline (`createRun → handleRequiresAction` on the world's client) through
 * `pipeToNodeResponse`, and a browser side that reads it with `fetch` + `fromServerSentEvents`,
 * rendering `runState()` and collecting `finalMessages()`.
 */

/** How the relay's pipeline went, as the server saw it. */
export interface RelayedRun {
  /** Every event the pipeline emitted, before the relay wrote it. */
  events: RunEvent[];
  subscribed: boolean;
  /** How the pipeline ended: `unsubscribed` when the relay stopped it; `undefined` while it runs. */
  end: 'complete' | 'error' | 'unsubscribed' | undefined;
  error: unknown;
  /**
   * The answer closed while the pipeline still ran. `pipeToNodeResponse` unsubscribes in its own
   * `close` listener, which runs before the one that sets this, so it stays `false` unless the relay
   * went on after the browser left.
   */
  runningAtClose: boolean;
  cancelErrors: CancelErrors;
}

/** A seed's relay server. */
export interface Relay {
  url: string;
  run: RelayedRun;
  /** Requests the relay answered. */
  requests: number;
  /** Connections that carried a request and are still open on the server side. */
  answering(): number;
  /** Stops the server, cutting the connections still open (a browser's idle keep-alive socket). */
  close(): Promise<void>;
}

/** Starts a relay of the world's run pipeline, counted in `pipelines`. */
export async function startRelay(
  world: World,
  ledger: HandlerLedger,
  pipelines: SubscriptionCount,
  options: PipelineOptions = {},
): Promise<Relay> {
  const pipeline = runPipeline(world, ledger, pipelines, options);
  const run: RelayedRun = {
    events: [],
    subscribed: false,
    end: undefined,
    error: undefined,
    runningAtClose: false,
    cancelErrors: pipeline.cancelErrors,
  };
  const events$ = pipeline.events$.pipe(
    tap({
      subscribe: () => {
        run.subscribed = true;
      },
      next: (event) => run.events.push(event),
      error: (error: unknown) => {
        run.end = 'error';
        run.error = error;
      },
      complete: () => {
        run.end = 'complete';
      },
      unsubscribe: () => {
        run.end = 'unsubscribed';
      },
    }),
  );
  const answering = new Set<Socket>();
  const server = createServer((req, res) => {
    relay.requests++;
    const { socket } = req;
    if (!socket.destroyed && !answering.has(socket)) {
      answering.add(socket);
      socket.once('close', () => answering.delete(socket));
    }
    pipeToNodeResponse(events$, res);
    res.once('close', () => {
      if (run.subscribed && run.end === undefined) run.runningAtClose = true;
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const relay: Relay = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/run`,
    run,
    requests: 0,
    answering: () => answering.size,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  return relay;
}

/** What the browser side got. */
export interface Browsed {
  events: RunEvent[];
  /** The last `runState()` snapshot. */
  state: RunState | undefined;
  /** What `finalMessages()` gave, when the stream ended with `done`. */
  messages: Message[] | undefined;
  /** The error the stream (or the fetch) ended with, if any. */
  error: unknown;
}

/** Moments of the browser side, to leave at (abort the fetch). */
export interface BrowseHooks {
  /** The answer's head arrived; nothing is read yet. */
  onHead?: () => void;
  /** The event of this index arrived. */
  onEvent?: (index: number) => void;
}

/**
 * POSTs to the relay and reads the answer as a browser page would, until it ends. `abort` is the
 * fetch's controller: aborting it is the page leaving.
 */
export async function browse(
  url: string,
  pipelines: SubscriptionCount,
  abort: AbortController,
  { onHead, onEvent }: BrowseHooks = {},
): Promise<Browsed> {
  const browsed: Browsed = { events: [], state: undefined, messages: undefined, error: undefined };
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', signal: abort.signal });
  } catch (error) {
    return { ...browsed, error };
  }
  onHead?.();
  const events$ = fromServerSentEvents(response, { method: 'POST' }).pipe(
    tap((event) => {
      browsed.events.push(event);
      onEvent?.(browsed.events.length - 1);
    }),
    counted(pipelines),
    share(),
  );
  return new Promise<Browsed>((resolve) => {
    merge(
      events$.pipe(
        runState(),
        map((state) => ({ state })),
      ),
      events$.pipe(
        finalMessages(),
        map((messages) => ({ messages })),
      ),
    ).subscribe({
      next: (value) => Object.assign(browsed, value),
      error: (error: unknown) => resolve({ ...browsed, error }),
      complete: () => resolve(browsed),
    });
  });
}
