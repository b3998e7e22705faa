import OpenAI from 'openai';
import { firstValueFrom } from 'rxjs';
import type { AssistantsClient } from '../../src/client/AssistantsClient';
import { type FetchClientOptions, fetchClient } from '../../src/client/fetchClient';
import { openaiClient } from '../../src/client/openaiClient';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator';
import { isTerminalStatus } from '../../src/events/guards';
import type { Message, Run } from '../../src/events/types';
import { monotonicMs, sleep, waitFor } from './harness';
import { chaosBrain, type Plan, promptOf, TOOLS } from './plan';
import { countingClient, type Exchange, recordingFetch, type SubscriptionCount } from './probes';
import type { RowContext } from './row';

/**
 * One seed's world: an emulator, a recorded and counted client on it, an assistant with the
 * chaos tools and a thread holding the plan's prompt. Fault rules should name run endpoints only,
 * so that this setup is never faulted.
 */
export interface World {
  emulator: Emulator;
  /** The client under test, on the recording fetch, every endpoint counted. */
  client: AssistantsClient;
  /** How often the client under test retries a request on its own (0 for `openaiClient`). */
  maxRetries: number;
  /** An unfaulted-path client for checks (plain fetch, retries on), not counted. */
  admin: AssistantsClient;
  exchanges: Exchange[];
  /** This world's client subscriptions, with the ones still open by endpoint. */
  subscriptions: SubscriptionCount;
  assistantId: string;
  threadId: string;
  close(): Promise<void>;
}

/** The adapters a world can put under test. */
export type ClientKind = 'fetchClient' | 'openaiClient';

/** Options of {@link openWorld}. */
export interface WorldOptions extends EmulatorOptions {
  /**
   * The client under test. `openaiClient` wraps the official SDK with its own retries off
   * (`maxRetries: 0`): the SDK would otherwise absorb every 429/5xx before the library saw it, so
   * the rows would exercise the SDK's retry loop (its own backoff, its sleeps not cancelled by an
   * unsubscribe, and `retryRun`'s attempts multiplied by its own) instead of the library's rules
   * (`retryRun`, resuming by polling, resending a submit).
   * @default 'fetchClient'
   */
  client?: ClientKind;
  /** `maxRetries` of `fetchClient` (the SDK's are always 0, see `client`). @default 2 */
  maxRetries?: number;
  /** Keep the bodies of event streams in the exchanges. */
  keepStreams?: boolean;
  /**
   * The client under test's `baseURL`, e.g. a proxy in front of the emulator; the admin client
   * always talks to the emulator itself. @default the emulator's URL
   */
  baseURL?: string;
  /** More options of the `fetchClient` under test (its credential headers, its body limit). */
  fetchOptions?: Pick<FetchClientOptions, 'headers' | 'maxBodyBytes'>;
  /** The row: where the client's subscriptions are counted and its exchanges kept. */
  row: Pick<RowContext, 'requests' | 'exchanges'>;
}

/** Starts a world for `plan` (or reuses `emulator`, for a shared one). */
export async function openWorld(plan: Plan, options: WorldOptions, shared?: Emulator): Promise<World> {
  const {
    client = 'fetchClient',
    maxRetries: fetchRetries,
    keepStreams = false,
    baseURL,
    fetchOptions = {},
    row,
    ...emulatorOptions
  } = options;
  if (client === 'openaiClient' && fetchRetries !== undefined)
    throw new TypeError(
      'openWorld: maxRetries is for fetchClient; the SDK under openaiClient retries 0 times.',
    );
  if (client === 'openaiClient' && options.fetchOptions !== undefined)
    throw new TypeError('openWorld: fetchOptions are for fetchClient.');
  const maxRetries = client === 'openaiClient' ? 0 : (fetchRetries ?? 2);
  const emulator = shared ?? (await startEmulator({ latencyMs: 1, brain: chaosBrain, ...emulatorOptions }));
  const http = recordingFetch({ keepStreams });
  row.exchanges.push(http.exchanges);
  const raw =
    client === 'openaiClient'
      ? openaiClient(
          new OpenAI({
            baseURL: baseURL ?? emulator.url,
            apiKey: 'sk-chaos',
            maxRetries: 0,
            // The SDK calls fetch with the URL as a string.
            fetch: (url, init) => http.fetch(String(url), init ?? {}),
          }),
        )
      : fetchClient({
          ...fetchOptions,
          baseURL: baseURL ?? emulator.url,
          apiKey: 'sk-chaos',
          maxRetries,
          fetch: http.fetch,
        });
  const admin = fetchClient({ baseURL: emulator.url, apiKey: 'sk-chaos', maxRetries: 6 });
  const assistant = await firstValueFrom(admin.assistants.create({ model: 'gpt-4o', tools: TOOLS }));
  const thread = await firstValueFrom(
    admin.threads.create({ messages: [{ role: 'user', content: promptOf(plan) }] }),
  );
  const subscriptions: SubscriptionCount = { opened: 0, closed: 0, open: new Map() };
  return {
    emulator,
    client: countingClient(raw, row.requests, subscriptions),
    maxRetries,
    subscriptions,
    admin,
    exchanges: http.exchanges,
    assistantId: assistant.id,
    threadId: thread.id,
    close: async () => {
      if (!shared) await emulator.close();
      // Whatever the seed did, once its emulator is gone no request of its client may stay open.
      const open = await waitFor(
        'the client subscriptions to close',
        () => (subscriptions.opened === subscriptions.closed ? [] : undefined),
        2_000,
      ).catch(() => [...(subscriptions.open ?? [])]);
      if (open.length > 0) throw new Error(`client subscriptions left open: ${JSON.stringify(open)}`);
    },
  };
}

/** The runs of the world's thread, as the server has them now. */
export const threadRuns = (world: World): Run[] =>
  world.emulator.runs().filter((run) => run.thread_id === world.threadId);

/**
 * Waits until the emulator has answered every request it received and no new one arrived for a
 * while: a request the client aborted may still reach the server and create a run.
 */
export async function quiet(world: World, limitMs = 10_000): Promise<void> {
  const start = monotonicMs();
  for (;;) {
    // The newest entry, not the count: the log keeps only the newest `limits.requestLog`.
    const seen = world.emulator.requests.at(-1);
    const pending = world.emulator.requests.some((r) => r.status === 0);
    await sleep(pending ? 5 : 30);
    if (
      !pending &&
      world.emulator.requests.at(-1) === seen &&
      world.emulator.requests.every((r) => r.status !== 0)
    )
      return;
    if (monotonicMs() - start > limitMs)
      throw new Error(`the emulator still has requests in flight after ${limitMs} ms`);
  }
}

/** Waits until every run of the thread is terminal on the server (requests in flight included), and returns them. */
export async function settledRuns(world: World, limitMs = 10_000): Promise<Run[]> {
  await quiet(world, limitMs);
  return waitFor(
    `every run of ${world.threadId} to end`,
    () => {
      const runs = threadRuns(world);
      return runs.every((run) => isTerminalStatus(run.status)) ? runs : undefined;
    },
    limitMs,
  );
}

/**
 * The thread is not locked: a user message can be added at once. (Only call this once every run
 * of the thread is terminal.) Returns the error text when it is refused.
 */
export async function threadAcceptsMessages(world: World): Promise<string | undefined> {
  try {
    await firstValueFrom(
      world.admin.messages.create(world.threadId, { role: 'user', content: 'still there?' }),
    );
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The messages the server holds for a run, oldest first. */
export async function serverMessages(world: World, runId: string): Promise<Message[]> {
  const page = await firstValueFrom(
    world.admin.messages.list(world.threadId, { run_id: runId, order: 'asc', limit: 100 }),
  );
  return page.data;
}

/** Exchanges with the given endpoint suffix (`/cancel`, `/submit_tool_outputs`, `/runs` …). */
export const exchangesTo = (world: World, method: string, pattern: RegExp): Exchange[] =>
  world.exchanges.filter((e) => e.method === method && pattern.test(e.path));

/** Path patterns of the run endpoints. */
export const PATHS = {
  createRun: /^\/v1\/threads\/[^/]+\/runs$/,
  retrieveRun: /^\/v1\/threads\/[^/]+\/runs\/[^/]+$/,
  cancel: /\/cancel$/,
  submit: /\/submit_tool_outputs$/,
  steps: /\/steps$/,
  messages: /\/messages(\/[^/]+)?$/,
};
