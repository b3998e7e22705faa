import { ERROR_BODY_BYTES } from '../../src/client/httpAnswer';
import { InvalidResponseError } from '../../src/client/InvalidResponseError';
import type { EndpointName } from '../../src/emulator';
import { matchEndpoint } from '../../src/emulator/endpoints';
import { AssistantsApiError } from '../../src/errors/AssistantsApiError';
import { UnexpectedRedirectError } from '../../src/errors/UnexpectedRedirectError';
import { isTerminalStatus } from '../../src/events/guards';
import type { RunEvent } from '../../src/events/RunEvent';
import { PaginationError } from '../../src/sources/collectPages';
import {
  type AttackWorld,
  attackRow,
  cancelsOf,
  nameOf,
  openAttackWorld,
  refusedCancelReported,
  releaseRuns,
  seedIn,
} from './attackKit';
import { type AttackProxy, type ProxiedRequest, type Sink, startSink, type Tampering } from './attackProxy';
import { type Driven, drive, lastStatus, runIdOf } from './drive';
import { check, type Rng, rngFor, type SeedOutcome, waitFor } from './harness';
import { judgeEmissions, OPEN_BUGS, withBug } from './knownBugs';
import { drawSeed, type HandlerLedger, type Plan, planFor } from './plan';
import { collect, comparable } from './probes';
import type { RowContext, RowSpec } from './row';
import { serverMessages, settledRuns, threadAcceptsMessages, type World } from './world';

/**
 * The attack rows on the answers of a run's requests, tampered with by the seed's proxy: a
 * redirect to another origin (attack-redirects), a body that never ends (attack-endless-bodies)
 * and a list that never advances (attack-stuck-cursors). File: attackAnswers.test.ts.
 */

const FILE = 'test/chaos/attackAnswers.test.ts';

/** One request of a run, by endpoint and how many requests to it came before. */
interface Aim {
  on: EndpointName;
  nth: number;
}

const aimed = (aim: Aim, request: ProxiedRequest, times = 1): boolean =>
  request.endpoint === aim.on && request.nth >= aim.nth && request.nth < aim.nth + times;

/** The answer of a server without run steps: an empty, final page. */
const NO_STEPS: Tampering = {
  kind: 'answer',
  what: 'no steps',
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ object: 'list', data: [], first_id: null, last_id: null, has_more: false }),
};

/** The run was known and had not ended when the pipeline stopped: its source cancels it. */
const cancelExpected = (events: readonly RunEvent[]): boolean =>
  runIdOf(events) !== undefined && !isTerminalStatus(lastStatus(events));

/** The client was sent an answer saying the run had ended (a poll that read it completed …). */
const readEnd = (proxy: AttackProxy): string | undefined =>
  proxy.runAnswers.find((a) => isTerminalStatus(a.status))?.status;

/** Label suffix of a seed that only open bug 3 broke. */
const BUG_3 = ' — KNOWN BUG 3: cancelled a run it had read ended';

/**
 * The end of an errored seed: exactly one cancel when the run was known and had not ended, as far
 * as the client had read (none otherwise), every run terminal (a refused cancel reported), the
 * thread free. Returns the cancels, the run's final status (or `not created`) and the label suffix
 * of open bug 3 when only it explains a cancel.
 */
async function erroredEnd(
  { world, proxy }: AttackWorld,
  result: Driven,
  created: boolean,
): Promise<{ cancels: number; status: string; bug: string }> {
  const ended = readEnd(proxy);
  const expected = cancelExpected(result.events) && ended === undefined ? 1 : 0;
  const cancels = cancelsOf(world);
  // Bug 3: the source errored after a poll read the end, and cancelled all the same.
  const bug = OPEN_BUGS[3] && ended !== undefined && expected === 0 && cancels === 1 ? BUG_3 : '';
  check(
    cancels === expected || bug !== '',
    `${cancels} cancel requests, expected ${expected}${ended ? ` (the client had read the run ${ended})` : ''}`,
  );
  const statuses = await releaseRuns(world);
  check(
    statuses.length === (created ? 1 : 0),
    `${statuses.length} runs on the thread, expected ${created ? 1 : 0}`,
  );
  const status = statuses[0] ?? 'not created';
  if (cancels === 1 && status !== 'cancelled') await refusedCancelReported(result.cancelErrors, status);
  return { cancels, status, bug };
}

/** A completed seed: the server's run completed, the final messages are the server's, no cancel. */
async function completedEnd(
  plan: Plan,
  world: World,
  result: Driven,
): Promise<ReturnType<typeof judgeEmissions>> {
  check(lastStatus(result.events) === 'completed', `ended ${lastStatus(result.events)}`);
  const cancels = cancelsOf(world);
  check(cancels === 0, `${cancels} cancels for a completed run`);
  const got = await collect(result.events);
  const bug = judgeEmissions({
    plan,
    events: result.events,
    collected: got,
    exchanges: world.exchanges,
    complete: true,
  });
  const runs = await settledRuns(world);
  check(runs.length === 1 && runs[0]?.status === 'completed', `server runs: ${runs.map((r) => r.status)}`);
  const stored = (await serverMessages(world, runs[0]?.id ?? '')).filter((m) => m.role === 'assistant');
  check(
    JSON.stringify(got.messages.map((m) => [m.id, comparable([m])])) ===
      JSON.stringify(stored.map((m) => [m.id, comparable([m])])),
    "final messages differ from the server's",
  );
  const locked = await threadAcceptsMessages(world);
  check(locked === undefined, `thread locked: ${locked}`);
  return bug;
}

// ---------------------------------------------------------------------------------------------
// attack-redirects

/** A redirected request: which one, and whether the seed leaves the run to make a cancel. */
interface RedirectAim extends Aim {
  /** The client leaves after this many events, so that the cancel is what gets redirected. */
  leaveAfter?: number;
  /** Steps are listed as empty (a server without steps), so that the run's messages are listed. */
  noSteps?: boolean;
}

function drawRedirectAim(rng: Rng, plan: Plan, mode: 'stream' | 'poll'): RedirectAim {
  const aims: (() => RedirectAim)[] = [
    () => ({ on: 'runs.create', nth: 0 }),
    () => ({ on: 'runs.cancel', nth: 0, leaveAfter: rng.int(1, 2) }),
  ];
  if (plan.shape === 'tools')
    aims.push(() => ({ on: 'runs.submitToolOutputs', nth: rng.int(0, plan.rounds.length - 1) }));
  if (mode === 'poll') {
    aims.push(
      () => ({ on: 'runs.retrieve', nth: rng.int(0, 2) }),
      () => ({ on: 'steps.list', nth: rng.int(0, 1) }),
      () => ({ on: 'messages.retrieve', nth: 0 }),
      () => ({ on: 'messages.list', nth: 0, noSteps: true }),
    );
  }
  return rng.pick(aims)();
}

const REDIRECTS = [301, 302, 303, 307, 308] as const;
const SECRET = 'sk-secret';

async function redirectSeed(
  row: string,
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
): Promise<SeedOutcome> {
  const { plan, rng, mode } = drawSeed(row, seed);
  const aim = drawRedirectAim(rng, plan, mode);
  const status = rng.pick(REDIRECTS);
  const where = `${plan.shape} run (${mode}), ${aim.on} #${aim.nth} answered ${status}${aim.leaveAfter ? ` (client leaves after ${aim.leaveAfter} events)` : ''}${aim.noSteps ? ', server without steps' : ''}`;
  const sink: Sink = await startSink();
  let fired = false;
  const tamper = (request: ProxiedRequest): Tampering | undefined => {
    if (aim.noSteps && request.endpoint === 'steps.list') return NO_STEPS;
    if (!aimed(aim, request)) return undefined;
    fired = true;
    return {
      kind: 'answer',
      what: `${status} to another origin`,
      status,
      headers: {
        location: `${sink.url}${request.path}${request.query ? `?${request.query}` : ''}`,
        'content-type': 'text/html',
      },
      body: `<html><body>Moved to <a href="${sink.url}">${sink.url}</a></body></html>`,
    };
  };
  const opened = await openAttackWorld(plan, context, tamper, {
    fetchOptions: { headers: { 'api-key': SECRET } },
  }).catch(async (error: unknown) => {
    await sink.close();
    throw error;
  });
  // Credentials never leave the origin: nothing reaches the other server.
  const sinkEmpty = (): void =>
    check(
      sink.requests.length === 0,
      () =>
        `${sink.requests.length} request(s) reached the other origin: ${sink.requests
          .map(
            (r) =>
              `${r.method} ${r.url}${r.headers['api-key'] ? ' with api-key' : ''}${r.headers.authorization ? ' with Authorization' : ''}`,
          )
          .join(', ')}`,
    );
  const { world } = opened;
  try {
    return await seedIn(
      () => where,
      opened,
      async () => {
        const outcome = await (async (): Promise<SeedOutcome> => {
          const leave = aim.leaveAfter;
          const result = await drive(world, ledger, context.pipelines, {
            run: { mode },
            ...(leave === undefined ? {} : { onEvent: (_e, i, stop) => i + 1 === leave && stop() }),
          });
          sinkEmpty();
          // No request changed method: each one is a method the API has for its path.
          const odd = world.exchanges.filter((e) => matchEndpoint(e.method, e.path) === undefined);
          check(
            odd.length === 0,
            () => `requests no endpoint takes: ${odd.map((e) => `${e.method} ${e.path}`).join(', ')}`,
          );
          const metrics = { [`answered${status}`]: fired ? 1 : 0 };
          if (leave !== undefined) {
            if (!result.unsubscribed) {
              const bug = await completedEnd(plan, world, result);
              return { outcome: withBug('completed before the client left: no cancel to redirect', bug) };
            }
            const expected = cancelExpected(result.events) ? 1 : 0;
            const cancels = cancelsOf(world);
            check(cancels === expected, `${cancels} cancel requests, expected ${expected}`);
            if (expected === 0) {
              await releaseRuns(world);
              return { outcome: 'left after the end: no cancel' };
            }
            await waitFor('the redirected cancel to reach onCancelError', () =>
              result.cancelErrors.length > 0 ? true : undefined,
            );
            sinkEmpty();
            check(fired, 'the cancel was not redirected');
            const error = result.cancelErrors[0]?.error;
            check(
              result.cancelErrors.length === 1 &&
                error instanceof UnexpectedRedirectError &&
                error.status === status,
              () => `onCancelError saw ${result.cancelErrors.map((c) => String(c.error)).join('; ')}`,
            );
            // Not cancelled: the run ends on its own (a paused one is cancelled by id, as a user would).
            const [final] = await releaseRuns(world);
            return {
              outcome: `cancel redirected: UnexpectedRedirectError to onCancelError, not followed, ${final === 'cancelled' ? 'run paused, then cancelled by id' : `run ${final} on its own`}`,
              metrics,
            };
          }
          if (result.error === undefined) {
            const bug = await completedEnd(plan, world, result);
            return {
              outcome: withBug(
                fired
                  ? `${aim.on} redirected: recovered, completed`
                  : `${aim.on} #${aim.nth} not reached: completed`,
                bug,
              ),
              metrics,
            };
          }
          check(fired, () => `errored without the redirect: ${String(result.error)}`);
          check(
            result.error instanceof UnexpectedRedirectError,
            () => `expected UnexpectedRedirectError, got ${nameOf(result.error)}: ${String(result.error)}`,
          );
          check(
            result.error.status === status,
            `UnexpectedRedirectError status ${result.error.status}, answered ${status}`,
          );
          check(
            result.error.location?.startsWith(sink.url) === true,
            `UnexpectedRedirectError location ${result.error.location}, answered ${sink.url}/…`,
          );
          const end = await erroredEnd(opened, result, aim.on !== 'runs.create');
          return {
            outcome: `${aim.on} redirected: UnexpectedRedirectError, ${end.cancels} cancel, run ${end.status}${end.bug}`,
            metrics,
          };
        })();
        // Again at the end: a cancel sent after the client left goes out late.
        sinkEmpty();
        return outcome;
      },
    );
  } finally {
    await sink.close();
  }
}

export function redirectsRow(): RowSpec {
  const row = 'attack-redirects';
  return attackRow({
    row,
    scenario:
      'Hostile server: one request of the run answered 301/302/303/307/308 to another origin (fetchClient with an `api-key` header and apiKey)',
    file: FILE,
    concurrency: 30,
    seed: (seed, context, ledger) => redirectSeed(row, seed, context, ledger),
  });
}

// ---------------------------------------------------------------------------------------------
// attack-endless-bodies

/** The client's body limit in this row. */
const MAX_BODY_BYTES = 1024 * 1024;
/** What may be in flight (socket buffers) when the client stops reading. */
const SLACK_BYTES = 256 * 1024;

/** The largest number of bytes an endless answer got past the client's limit, over a row. */
interface Overshoot {
  bytes: number;
}

/** Starts of endless JSON answers, per endpoint: each reads as the answer it pretends to be. */
const JSON_HEADS: Partial<Record<EndpointName, string>> = {
  'runs.create': '{"id":"run_endless","object":"thread.run","status":"queued","metadata":{"pad":"',
  'runs.retrieve': '{"id":"run_endless","object":"thread.run","status":"in_progress","metadata":{"pad":"',
  'steps.list': '{"object":"list","has_more":false,"data":[',
  'messages.retrieve':
    '{"id":"msg_endless","object":"thread.message","content":[{"type":"text","text":{"value":"',
};
const JSON_FILLERS: Partial<Record<EndpointName, string>> = {
  'steps.list': '{"id":"step_pad","object":"thread.run.step","status":"completed"},',
};

async function endlessSeed(
  row: string,
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
  overshoot: Overshoot,
): Promise<SeedOutcome> {
  const plan = planFor(row, seed);
  const rng = rngFor(row, seed);
  const html = rng.chance(0.3);
  const mode = html ? rng.pick(['stream', 'poll'] as const) : 'poll';
  const aims: Aim[] =
    mode === 'stream'
      ? [{ on: 'runs.create', nth: 0 }]
      : [
          { on: 'runs.create', nth: 0 },
          { on: 'runs.retrieve', nth: rng.int(0, 2) },
          { on: 'steps.list', nth: rng.int(0, 1) },
          { on: 'messages.retrieve', nth: 0 },
        ];
  const aim = rng.pick(aims);
  // A 500 may come again on the client's retries: once (absorbed), or on all three attempts.
  const times = html ? rng.pick([1, 3]) : 1;
  const limit = html ? ERROR_BODY_BYTES : MAX_BODY_BYTES;
  const where = `${plan.shape} run (${mode}), ${aim.on} #${aim.nth}: ${html ? `endless HTML 500 ×${times}` : 'endless JSON 200'}`;
  const tamper = (request: ProxiedRequest): Tampering | undefined => {
    if (!aimed(aim, request, times)) return undefined;
    return html
      ? {
          kind: 'endless',
          what: 'endless HTML 500',
          status: 500,
          contentType: 'text/html; charset=utf-8',
          head: '<!DOCTYPE html><html><head><title>502 upstream overloaded</title></head><body>',
          filler: '<p>upstream overloaded, retry later</p>\n',
          forward: false,
        }
      : {
          kind: 'endless',
          what: 'endless JSON',
          status: 200,
          contentType: 'application/json',
          head: JSON_HEADS[aim.on] ?? '{"pad":"',
          filler: JSON_FILLERS[aim.on] ?? 'x',
          // The request takes effect (a run is created); only its answer never ends.
          forward: true,
        };
  };
  const opened = await openAttackWorld(plan, context, tamper, {
    fetchOptions: { maxBodyBytes: MAX_BODY_BYTES },
  });
  const { world, proxy } = opened;
  return seedIn(
    () => where,
    opened,
    async () => {
      const result = await drive(world, ledger, context.pipelines, { run: { mode } });
      const answers = proxy.endless;
      // The proxy writes until the client hangs up; the client must hang up near its limit.
      await waitFor('the client to close every endless answer', () =>
        answers.every((a) => a.closed) ? true : undefined,
      ).catch(() => undefined);
      const open = answers.filter((a) => !a.closed);
      check(open.length === 0, `${open.length} endless answer(s) still being read`);
      const most = Math.max(0, ...answers.map((a) => a.bytes));
      check(
        most <= limit + SLACK_BYTES,
        `the proxy wrote ${most} bytes of one endless answer before the client stopped (limit ${limit} + ${SLACK_BYTES})`,
      );
      overshoot.bytes = Math.max(overshoot.bytes, most - limit);
      const metrics = {
        endlessAnswers: answers.length,
        endlessBytes: answers.reduce((n, a) => n + a.bytes, 0),
      };
      if (result.error === undefined) {
        check(
          answers.length === 0 || (html && times === 1 && aim.on !== 'runs.create'),
          'completed after an endless answer',
        );
        const bug = await completedEnd(plan, world, result);
        return {
          outcome: withBug(
            answers.length === 0
              ? `${aim.on} #${aim.nth} not reached: completed`
              : 'one endless 500: retried, completed',
            bug,
          ),
          metrics,
        };
      }
      check(answers.length > 0, () => `errored without an endless answer: ${String(result.error)}`);
      if (html) {
        check(
          result.error instanceof AssistantsApiError && result.error.status === 500,
          () => `expected AssistantsApiError 500, got ${nameOf(result.error)}: ${String(result.error)}`,
        );
        check(result.error.message.includes('upstream overloaded'), "the error lost the server's message");
        const attempts = aim.on === 'runs.create' ? 1 : world.maxRetries + 1;
        check(
          answers.length === attempts,
          `${answers.length} endless answers, expected ${attempts} attempts`,
        );
      } else {
        check(
          result.error instanceof InvalidResponseError && result.error.message.includes('maxBodyBytes'),
          () =>
            `expected InvalidResponseError (maxBodyBytes), got ${nameOf(result.error)}: ${String(result.error)}`,
        );
        check(answers.length === 1, `${answers.length} endless answers: an unusable answer was retried`);
      }
      const end = await erroredEnd(opened, result, !(html && aim.on === 'runs.create'));
      const what = html
        ? `endless HTML 500 on ${aim.on}: AssistantsApiError 500`
        : `endless JSON on ${aim.on}: InvalidResponseError`;
      return {
        outcome: `${what} within the limit, ${end.cancels} cancel, run ${end.status}${aim.on === 'runs.create' && !html ? ' (id never known, released by id)' : ''}${end.bug}`,
        metrics,
      };
    },
  );
}

export function endlessBodiesRow(): RowSpec {
  const row = 'attack-endless-bodies';
  const overshoot: Overshoot = { bytes: 0 };
  return attackRow({
    row,
    scenario:
      'Hostile server: one answer of the run (poll-mode create, a poll, steps list, message retrieve) streams JSON forever, or a 500 streams HTML forever (fetchClient maxBodyBytes 1 MiB)',
    file: FILE,
    concurrency: 16,
    seed: (seed, context, ledger) => endlessSeed(row, seed, context, ledger, overshoot),
    rowChecks: () => [
      {
        name: 'most bytes written past the limit before the client hung up',
        value: `${Math.round(overshoot.bytes / 1024)} KiB (allowed ${SLACK_BYTES / 1024} KiB)`,
        ok: overshoot.bytes <= SLACK_BYTES,
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// attack-stuck-cursors

async function stuckSeed(
  row: string,
  seed: number,
  context: RowContext,
  ledger: HandlerLedger,
): Promise<SeedOutcome> {
  const plan = planFor(row, seed);
  const rng = rngFor(row, seed);
  const list = rng.pick(['steps', 'steps', 'messages'] as const);
  const variant = rng.pick(['same page', 'empty page'] as const);
  // The steps are listed by every poll mode; the messages only by a run without steps, at its end.
  const mode = list === 'steps' ? rng.pick(['poll', 'resume'] as const) : 'poll';
  const cutAfter = rng.int(1, 5);
  const aim: Aim =
    list === 'steps' ? { on: 'steps.list', nth: rng.int(0, 1) } : { on: 'messages.list', nth: 0 };
  const fixed = `${list === 'steps' ? 'step' : 'msg'}_stuck${seed}`;
  let page: string | undefined;
  let stuck = 0;
  const answer = (body: string): Tampering => ({
    kind: 'answer',
    what: variant,
    status: 200,
    headers: { 'content-type': 'application/json' },
    body,
  });
  const tamper = (request: ProxiedRequest): Tampering | undefined => {
    if (mode === 'resume' && request.endpoint === 'runs.create' && request.stream) {
      // The stream ends cleanly after a few frames, without `done`: the source resumes by polling.
      return {
        kind: 'frames',
        what: `stream ended after ${cutAfter} frames`,
        edit: (f, i) => (i < cutAfter ? f.raw : null),
      };
    }
    if (list === 'messages' && request.endpoint === 'steps.list') return NO_STEPS;
    if (!aimed(aim, request, Number.POSITIVE_INFINITY)) return undefined;
    stuck++;
    if (variant === 'empty page')
      return answer(
        JSON.stringify({ object: 'list', data: [], first_id: null, last_id: fixed, has_more: true }),
      );
    if (page !== undefined) return answer(page);
    // The first page as the server has it, saying there is more after it; the same page ever after.
    return {
      kind: 'json',
      what: variant,
      edit: (body) => {
        const real = body as { data: { id: string }[]; last_id?: string | null };
        const stuckPage = { ...real, has_more: true, last_id: real.last_id ?? real.data.at(-1)?.id ?? fixed };
        page = JSON.stringify(stuckPage);
        return stuckPage;
      },
    };
  };
  const where = `${plan.shape} run (${mode === 'resume' ? `stream ended after ${cutAfter} frames, resumed by polling` : 'poll'}), ${list} list #${aim.nth} on: ${variant}${list === 'messages' ? ', server without steps' : ''}`;
  const opened = await openAttackWorld(plan, context, tamper);
  const { world } = opened;
  return seedIn(
    () => where,
    opened,
    async () => {
      const result = await drive(world, ledger, context.pipelines, {
        run: { mode: mode === 'poll' ? 'poll' : 'stream' },
      });
      if (result.error === undefined) {
        check(stuck === 0, () => `completed after ${stuck} stuck list answers`);
        const bug = await completedEnd(plan, world, result);
        return { outcome: withBug(`${list} list #${aim.nth} not reached: completed`, bug) };
      }
      check(
        result.error instanceof PaginationError,
        () => `expected PaginationError, got ${nameOf(result.error)}: ${String(result.error)}`,
      );
      check(stuck >= 1 && stuck <= 3, `${stuck} requests of the stuck list (at most 3)`);
      const end = await erroredEnd(opened, result, true);
      return {
        outcome: `${list} list, ${variant} (${mode === 'resume' ? 'after a resume' : 'poll mode'}): PaginationError after ${stuck} requests, ${end.cancels} cancel, run ${end.status}${end.bug}`,
        metrics: { stuckListRequests: stuck },
      };
    },
  );
}

export function stuckCursorsRow(): RowSpec {
  const row = 'attack-stuck-cursors';
  return attackRow({
    row,
    scenario:
      'Hostile server: the steps or messages list (poll mode, or after a resume) answers pages that never advance',
    file: FILE,
    concurrency: 30,
    seed: (seed, context, ledger) => stuckSeed(row, seed, context, ledger),
  });
}
