import { lastValueFrom } from 'rxjs';
import { type Emulator, startEmulator } from '../../src/emulator';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { isTerminalStatus } from '../../src/events/guards';
import { cancelRun } from '../../src/sources/cancelRun';
import { type AttackProxy, type ProxiedRequest, startProxy, type Tampering } from './attackProxy';
import { type CancelErrors, FAST_POLL } from './drive';
import { check, SeedError, type SeedOutcome, waitFor } from './harness';
import { chaosBrain, definePlans, type HandlerLedger, type Plan, type PlanOptions } from './plan';
import type { RowCheck, RowContext, RowSpec } from './row';
import {
  exchangesTo,
  openWorld,
  PATHS,
  settledRuns,
  threadAcceptsMessages,
  threadRuns,
  type World,
  type WorldOptions,
} from './world';

/**
 * What the attack rows share: a seed's world behind its hostile proxy, the count of errors that
 * escaped every Observable (uncaught exceptions, unhandled rejections), and the clean-up checks.
 */

/** Errors that escaped the error channel while a row ran. */
export class StrayErrors {
  readonly seen: string[] = [];
  private readonly onError = (error: unknown): void => {
    this.seen.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  };

  install(): void {
    process.on('uncaughtException', this.onError);
    process.on('unhandledRejection', this.onError);
  }

  remove(): void {
    process.off('uncaughtException', this.onError);
    process.off('unhandledRejection', this.onError);
  }
}

/** A seed's world, its client under test on the proxy. */
export interface AttackWorld {
  world: World;
  proxy: AttackProxy;
  close(): Promise<void>;
}

/**
 * Starts the seed's emulator, the proxy in front of it (answering as `tamper` says) and the world
 * whose client under test talks to the proxy; the admin client talks to the emulator.
 */
export async function openAttackWorld(
  plan: Plan,
  context: RowContext,
  tamper: (request: ProxiedRequest) => Tampering | undefined,
  options: Omit<WorldOptions, 'row' | 'baseURL' | 'client'> = {},
): Promise<AttackWorld> {
  const { latencyMs = 1, expiresAfterMs, ...worldOptions } = options;
  const emulator = await startEmulator({
    latencyMs,
    brain: chaosBrain,
    ...(expiresAfterMs === undefined ? {} : { expiresAfterMs }),
  });
  const proxy = await startProxy(emulator.url, tamper);
  const world = await openWorld(plan, { ...worldOptions, row: context, baseURL: proxy.url }, emulator);
  return {
    world,
    proxy,
    close: async () => {
      try {
        await world.close();
      } finally {
        await proxy.close();
        await emulator.close();
      }
    },
  };
}

/** Cancel requests the client under test sent. */
export const cancelsOf = (world: World): number => exchangesTo(world, 'POST', PATHS.cancel).length;

/**
 * Cleans up after a run that nobody follows any more (created before the client knew its id, or
 * whose cancel was refused): waits for every run of the thread to pause or end, cancels a paused
 * one as a user would, and checks that every run ends terminal and the thread takes a new message.
 * Returns the final status of each run.
 */
export async function releaseRuns(world: World): Promise<string[]> {
  for (const run of threadRuns(world)) {
    const now = await waitFor(`run ${run.id} to pause or end`, () =>
      threadRuns(world).find(
        (r) => r.id === run.id && (r.status === 'requires_action' || isTerminalStatus(r.status)),
      ),
    );
    if (now.status === 'requires_action') {
      await lastValueFrom(
        cancelRun(world.admin, { threadId: world.threadId, runId: now.id }, { poll: FAST_POLL }),
      );
    }
  }
  const runs = await settledRuns(world);
  const locked = await threadAcceptsMessages(world);
  check(locked === undefined, `thread locked: ${locked}`);
  return runs.map((r) => r.status);
}

/**
 * A run that ended before its cancel arrived: the refusal (HTTP 400) reaches `onCancelError`, once.
 * Waits for it: the server has answered, but the answer may still be on its way through the proxy.
 */
export async function refusedCancelReported(
  cancelErrors: CancelErrors,
  status: string | undefined,
): Promise<void> {
  await waitFor(
    'the refused cancel to reach onCancelError',
    () => (cancelErrors.length > 0 ? true : undefined),
    3_000,
  ).catch(() => undefined);
  check(
    cancelErrors.length === 1 &&
      cancelErrors[0]?.error instanceof AssistantsApiError &&
      cancelErrors[0].error.status === 400,
    () =>
      `run ${status} before its cancel, but onCancelError saw ${cancelErrors.length} error(s): ${cancelErrors.map((c) => String(c.error)).join('; ')}`,
  );
}

/** The name of an error for outcome labels. */
export const nameOf = (error: unknown): string =>
  error instanceof Error ? error.name : error === undefined ? 'no error' : String(error);

/** How one attack row is built. */
export interface AttackRowSpec {
  row: string;
  scenario: string;
  file: string;
  concurrency: number;
  plans?: PlanOptions;
  /** Start a shared reference emulator for unfaulted runs. */
  reference?: boolean;
  /** Row-wide checks of the row's own, besides the uncaught-error count. */
  rowChecks?: () => RowCheck[];
  seed: (
    seed: number,
    context: RowContext,
    ledger: HandlerLedger,
    reference: Emulator | undefined,
  ) => Promise<SeedOutcome>;
}

/**
 * An attack row: the seeds, with errors escaping every Observable counted for the whole row (there
 * may be none), besides the checks every row makes.
 */
export function attackRow(spec: AttackRowSpec): RowSpec {
  definePlans(spec.row, spec.plans ?? {});
  const strays = new StrayErrors();
  let reference: Emulator | undefined;
  return {
    row: spec.row,
    scenario: spec.scenario,
    file: spec.file,
    concurrency: spec.concurrency,
    around: async () => {
      strays.install();
      if (spec.reference) reference = await startEmulator({ latencyMs: 1, brain: chaosBrain });
      return async () => {
        await reference?.close();
        // Late rejections of the last seeds surface before the handlers go.
        await new Promise((resolve) => setImmediate(resolve));
        strays.remove();
      };
    },
    seed: (seed, context, ledger) => spec.seed(seed, context, ledger, reference),
    rowChecks: () => [
      {
        name: 'uncaught exceptions / unhandled rejections',
        value:
          strays.seen.length === 0 ? '0' : `${strays.seen.length}: ${strays.seen.slice(0, 3).join('; ')}`,
        ok: strays.seen.length === 0,
      },
      ...(spec.rowChecks?.() ?? []),
    ],
  };
}

/** Runs a seed's checks, naming its scenario in any failure, and closes its world. */
export async function seedIn<T>(where: () => string, opened: AttackWorld, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw SeedError.of(where(), error);
  } finally {
    await opened.close();
  }
}
