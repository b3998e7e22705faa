import { checkDuration } from '../core/limits';
import { ENDPOINT_NAMES, type EndpointName } from './endpoints';
import { createPrng } from './prng';

/** Which requests a fault rule applies to, and how often. */
export interface FaultRuleBase {
  /** Endpoints the rule applies to. @default every endpoint */
  on?: EndpointName | readonly EndpointName[];
  /** `true`: only streamed (`stream: true`) requests; `false`: only JSON ones. @default both */
  stream?: boolean;
  /** Chance that a matching request gets the fault, drawn from the seeded PRNG. @default 1 */
  probability?: number;
  /** Matching requests to let through before the rule starts firing. @default 0 */
  skip?: number;
  /** How many times the rule fires at most. @default Infinity */
  times?: number;
}

/** Answer with an HTTP error instead of handling the request (nothing changes on the server). */
export interface StatusFault extends FaultRuleBase {
  type: 'status';
  /** e.g. `429`, `500`, `502`, `503`. */
  status: number;
  /**
   * Sent as `retry-after-ms` and (rounded up to seconds) `retry-after`, in ms (`0` to 2^31-1).
   * @default none for 5xx, 1000 for 429
   */
  retryAfterMs?: number;
}

/** Wait this long before handling the request. Latencies of several matching rules add up. */
export interface LatencyFault extends FaultRuleBase {
  type: 'latency';
  /** In ms, `0` to 2^31-1 (about 24.8 days, the longest a timer holds). */
  ms: number;
}

/**
 * Destroy the socket of a streamed answer after this many bytes of its body. The run goes on
 * server-side, so a client can read its outcome by polling; so does a response created with
 * `background: true`, which can also be streamed again from its log
 * (`GET /responses/{id}?stream=true&starting_after=N`). A response created without `background`
 * stops (`cancelled`), as when its client goes away. Only streamed answers are dropped.
 */
export interface DropFault extends FaultRuleBase {
  type: 'drop';
  /** @default a seeded random offset within the first 4 KiB */
  afterBytes?: number;
}

/**
 * End a streamed answer with an SSE `error` frame after this many events, instead of the rest of
 * the stream: on a run's stream `{ code: 'server_error', message, param, type }` (the spec's
 * `ErrorEvent`), on a response's `{ type: 'error', code: 'server_error', message, param,
 * sequence_number }` numbered like the last event sent (resume after it). As with a drop, the run
 * or response goes on server-side. Only streamed answers get it.
 */
export interface ErrorEventFault extends FaultRuleBase {
  type: 'error_event';
  /** @default a seeded random count from 0 to 7 */
  afterEvents?: number;
}

/** One fault rule. */
export type FaultRule = StatusFault | LatencyFault | DropFault | ErrorEventFault;

/** Seeded fault injection: the same seed and the same requests give the same faults. */
export interface EmulatorFaults {
  /** @default 1 */
  seed?: number;
  /** Checked in order for every request; each matching rule counts and may fire. */
  rules: readonly FaultRule[];
}

/** What to do to one request. */
export interface FaultDecision {
  latencyMs: number;
  status?: { status: number; retryAfterMs?: number };
  dropAfterBytes?: number;
  errorAfterEvents?: number;
}

/** Decides, request by request, which faults fire. */
export type FaultInjector = (endpoint: EndpointName, stream: boolean) => FaultDecision;

/** Builds the injector for `faults` (none: never fires). Throws a `TypeError` for a malformed rule. */
export function createFaultInjector(faults: EmulatorFaults | undefined): FaultInjector {
  if (faults !== undefined && (faults === null || typeof faults !== 'object' || !Array.isArray(faults.rules)))
    throw new TypeError("faults must be an object with a 'rules' array, e.g. { seed: 1, rules: [] }.");
  if (faults?.seed !== undefined && !Number.isSafeInteger(faults.seed))
    throw new TypeError(`faults.seed must be a whole number, got ${String(faults.seed)}.`);
  const rules = faults?.rules ?? [];
  rules.forEach(checkRule);
  const random = createPrng(faults?.seed ?? 1);
  const matched = rules.map(() => 0);
  const fired = rules.map(() => 0);
  return (endpoint, stream) => {
    const decision: FaultDecision = { latencyMs: 0 };
    rules.forEach((rule, i) => {
      if (!appliesTo(rule, endpoint, stream)) return;
      matched[i] = (matched[i] ?? 0) + 1;
      // One draw per matching request, fired or not, keeps the sequence a function of the requests.
      const draw = random();
      const extra = random();
      if ((matched[i] ?? 0) <= (rule.skip ?? 0)) return;
      if ((fired[i] ?? 0) >= (rule.times ?? Number.POSITIVE_INFINITY)) return;
      if (draw >= (rule.probability ?? 1)) return;
      fired[i] = (fired[i] ?? 0) + 1;
      if (rule.type === 'latency') decision.latencyMs += rule.ms;
      else if (rule.type === 'status') {
        const retryAfterMs = rule.retryAfterMs ?? (rule.status === 429 ? 1000 : undefined);
        decision.status ??=
          retryAfterMs === undefined ? { status: rule.status } : { status: rule.status, retryAfterMs };
      } else if (rule.type === 'drop')
        decision.dropAfterBytes ??= rule.afterBytes ?? Math.floor(extra * 4096);
      else decision.errorAfterEvents ??= rule.afterEvents ?? Math.floor(extra * 8);
    });
    return decision;
  };
}

const appliesTo = (rule: FaultRule, endpoint: EndpointName, stream: boolean): boolean => {
  if ((rule.type === 'drop' || rule.type === 'error_event') && !stream) return false;
  if (rule.stream !== undefined && rule.stream !== stream) return false;
  if (rule.on === undefined) return true;
  return typeof rule.on === 'string' ? rule.on === endpoint : rule.on.includes(endpoint);
};

function checkRule(rule: FaultRule, index: number): void {
  const where = `faults.rules[${index}]`;
  if (rule === null || typeof rule !== 'object')
    throw new TypeError(`${where} must be an object, e.g. { type: 'status', status: 503 }.`);
  if (!['status', 'latency', 'drop', 'error_event'].includes(rule.type))
    throw new TypeError(`${where}.type must be 'status', 'latency', 'drop' or 'error_event'.`);
  const p = rule.probability;
  if (p !== undefined && !(p >= 0 && p <= 1))
    throw new TypeError(`${where}.probability must be between 0 and 1.`);
  if (rule.type === 'status' && !(Number.isInteger(rule.status) && rule.status >= 400 && rule.status <= 599))
    throw new TypeError(`${where}.status must be an HTTP error status (400-599), e.g. 429 or 503.`);
  if (rule.type === 'latency') checkDuration(`${where}.ms`, rule.ms, { zero: true, optional: false });
  if (rule.type === 'status') checkDuration(`${where}.retryAfterMs`, rule.retryAfterMs, { zero: true });
  if (rule.type === 'drop' && rule.afterBytes !== undefined && !(rule.afterBytes >= 0))
    throw new TypeError(`${where}.afterBytes must be a number >= 0.`);
  if (rule.type === 'error_event' && rule.afterEvents !== undefined && !(rule.afterEvents >= 0))
    throw new TypeError(`${where}.afterEvents must be a number >= 0.`);
  for (const key of ['skip', 'times'] as const)
    if (rule[key] !== undefined && !(rule[key] >= 0))
      throw new TypeError(`${where}.${key} must be a number >= 0.`);
  if (rule.stream !== undefined && typeof rule.stream !== 'boolean')
    throw new TypeError(`${where}.stream must be true, false or absent.`);
  // A misspelt endpoint would never match: the rule would silently never fire.
  const on = rule.on === undefined ? [] : typeof rule.on === 'string' ? [rule.on] : rule.on;
  if (!Array.isArray(on) && typeof rule.on !== 'string')
    throw new TypeError(`${where}.on must be an endpoint name or a list of them, e.g. 'runs.create'.`);
  for (const name of on)
    if (!ENDPOINT_NAMES.has(name))
      throw new TypeError(
        `${where}.on names no endpoint: '${String(name)}'. Endpoints: ${[...ENDPOINT_NAMES].join(', ')}.`,
      );
}
