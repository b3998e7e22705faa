import type { MonoTypeOperatorFunction, Observable, Subscription } from 'rxjs';
import type { RunEvent } from '../../src/events/RunEvent';
import type { RequiredActionFunctionToolCall } from '../../src/events/types';
import {
  type HandleRequiresActionConfig,
  handleRequiresAction,
} from '../../src/operators/handleRequiresAction';
import { createRun } from '../../src/sources/createRun';
import type { RunConfig, RunRef } from '../../src/sources/RunConfig';
import type { HandlerBehaviour, HandlerLedger } from './plan';
import { counted, type SubscriptionCount } from './probes';
import type { World } from './world';

/** Polls fast: the emulator answers in a millisecond, and the suite must stay quick. */
export const FAST_POLL = { intervalMs: 5 } as const;

/** How one seed's run pipeline is built. */
export interface PipelineOptions {
  /** The source's config. @default fast polling, failures of the cancel recorded in `cancelErrors` */
  run?: RunConfig;
  /** How each handler behaves. @default 'ok' */
  behaviour?: (call: RequiredActionFunctionToolCall) => HandlerBehaviour;
  /** `handleRequiresAction`'s config (besides the run config). */
  tools?: Omit<HandleRequiresActionConfig, keyof RunConfig>;
  /** Operators after `handleRequiresAction` (`runTimeout`, `retryRun` …). */
  after?: readonly MonoTypeOperatorFunction<RunEvent>[];
  /** Called as each handler starts (before it runs). */
  onHandler?: (call: RequiredActionFunctionToolCall) => void;
}

/** When a driven pipeline (of events `E`, whose handlers take calls `C`) is unsubscribed early. */
export interface StopOptions<E, C> {
  /** Called with each event and the subscription, to unsubscribe at a chosen moment. */
  onEvent?: (event: E, index: number, stop: () => void) => void;
  /** Unsubscribe this many ms after subscribing; `0`: at once, synchronously. */
  stopAfterMs?: number;
  /** Called as each handler starts (before it runs), with the same `stop`. */
  onHandler?: (call: C, stop: () => void) => void;
}

/** How one seed's run is driven. */
export interface DriveOptions
  extends Omit<PipelineOptions, 'onHandler'>,
    StopOptions<RunEvent, RequiredActionFunctionToolCall> {}

/** Failures of cancel requests reported through `onCancelError`. */
export type CancelErrors = { error: unknown; run: RunRef }[];

/** What a driven pipeline gave, with the failed cancels `X` it reported. */
export interface Collected<E, X> {
  events: E[];
  /** The error the pipeline ended with, if any. */
  error: unknown;
  /** `true` when the test unsubscribed before the pipeline ended. */
  unsubscribed: boolean;
  cancelErrors: X;
}

/** What a driven run gave. */
export type Driven = Collected<RunEvent, CancelErrors>;

/**
 * A seed's run pipeline, `createRun → handleRequiresAction → after…` on the world's client,
 * counted in `pipelines`, with the failed cancels it reports.
 */
export function runPipeline(
  world: World,
  ledger: HandlerLedger,
  pipelines: SubscriptionCount,
  options: PipelineOptions = {},
): { events$: Observable<RunEvent>; cancelErrors: CancelErrors } {
  const cancelErrors: CancelErrors = [];
  const runConfig: RunConfig = {
    poll: FAST_POLL,
    onCancelError: (error, run) => cancelErrors.push({ error, run }),
    ...options.run,
  };
  const behaviour = options.behaviour ?? (() => 'ok');
  const handlers = ledger.handlers((call) => {
    options.onHandler?.(call);
    return behaviour(call);
  });
  let events$ = createRun(
    world.client,
    { threadId: world.threadId, assistant_id: world.assistantId },
    runConfig,
  ).pipe(handleRequiresAction(world.client, handlers, { ...runConfig, ...options.tools }));
  for (const operator of options.after ?? []) events$ = events$.pipe(operator);
  return { events$: events$.pipe(counted(pipelines)), cancelErrors };
}

/**
 * Runs {@link runPipeline} and resolves when it completes, errors, or is unsubscribed by
 * `onEvent`, `stopAfterMs` or `onHandler`.
 */
export function drive(
  world: World,
  ledger: HandlerLedger,
  pipelines: SubscriptionCount,
  options: DriveOptions = {},
): Promise<Driven> {
  let stopRun = (): void => {};
  const { onEvent, stopAfterMs, onHandler, ...pipeline } = options;
  const { events$: run$, cancelErrors } = runPipeline(world, ledger, pipelines, {
    ...pipeline,
    ...(onHandler && { onHandler: (call) => onHandler(call, () => stopRun()) }),
  });
  return collectEvents(run$, options, cancelErrors, (stop) => {
    stopRun = stop;
  });
}

/**
 * Subscribes to a pipeline and resolves with its events when it completes, errors, or is
 * unsubscribed by `onEvent`, `stopAfterMs` or the `stop` handed to `bindStop` (before subscribing,
 * for the handlers).
 */
export function collectEvents<E, X>(
  pipeline$: Observable<E>,
  { onEvent, stopAfterMs }: Pick<StopOptions<E, never>, 'onEvent' | 'stopAfterMs'>,
  cancelErrors: X,
  bindStop: (stop: () => void) => void,
): Promise<Collected<E, X>> {
  return new Promise((resolve) => {
    const events: E[] = [];
    let subscription: Subscription | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      subscription?.unsubscribe();
      resolve({ events, error: undefined, unsubscribed: true, cancelErrors });
    };
    bindStop(stop);
    const end = (error: unknown) => {
      clearTimeout(timer);
      stopped = true;
      resolve({ events, error, unsubscribed: false, cancelErrors });
    };
    subscription = pipeline$.subscribe({
      next: (event) => {
        events.push(event);
        onEvent?.(event, events.length - 1, stop);
      },
      error: (error: unknown) => end(error),
      complete: () => end(undefined),
    });
    if (stopped) subscription.unsubscribe();
    else if (stopAfterMs === 0) stop();
    else if (stopAfterMs !== undefined) timer = setTimeout(stop, stopAfterMs);
  });
}

/** The run status of the last run status event, if any. */
export const lastStatus = (events: readonly RunEvent[]): string | undefined => {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event?.event.startsWith('thread.run.') && !event.event.startsWith('thread.run.step.')) {
      return (event.data as { status?: string }).status;
    }
  }
  return undefined;
};

/** The run id of the first run event, if any. */
export const runIdOf = (events: readonly RunEvent[]): string | undefined => {
  for (const event of events) {
    if (event.event.startsWith('thread.run.') && !event.event.startsWith('thread.run.step.')) {
      return (event.data as { id?: string }).id;
    }
  }
  return undefined;
};
