import { concatMap, type Observable, timer } from 'rxjs';

/**
 * The bounds every duration and size in the library is checked against, in one place. Internal.
 *
 * Timers (`setTimeout`, hence RxJS `timer`) hold a signed 32-bit number of milliseconds: a longer
 * delay fires at once. So an option above {@link MAX_TIMER_MS} is refused where it is given, and a
 * time read from the server (an `expires_at` weeks ahead) is waited for with {@link longTimer}.
 */

/** 2^31 - 1 ms, about 24.8 days: the longest delay a timer can hold. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** What a duration option may be. */
export interface DurationRule {
  /** `0` is a valid value (e.g. a poll interval of 0). @default false: it must be > 0 */
  zero?: boolean;
  /** `undefined` is a valid value (an unset option). @default true */
  optional?: boolean;
}

/**
 * Throws a `TypeError` naming `name` unless `value` is a finite number of milliseconds, above 0
 * (or 0 when `rule.zero`) and at most {@link MAX_TIMER_MS}. `name` says where, e.g.
 * `'runTimeout: total'`.
 */
export function checkDuration(name: string, value: unknown, rule: DurationRule = {}): void {
  const { zero = false, optional = true } = rule;
  if (value === undefined && optional) return;
  const floor = zero ? '≥ 0' : '> 0';
  if (typeof value !== 'number' || !Number.isFinite(value) || (zero ? value < 0 : value <= 0)) {
    throw new TypeError(`${name} must be a finite number of milliseconds ${floor}, got ${String(value)}.`);
  }
  if (value > MAX_TIMER_MS) {
    throw new TypeError(
      `${name} must be at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest a timer can wait), got ${value}.`,
    );
  }
}

/**
 * Throws a `TypeError` naming `name` unless `value` is a whole number of bytes > 0 (or
 * `undefined`, when allowed).
 */
export function checkByteLimit(name: string, value: unknown, optional = true): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive whole number of bytes, got ${String(value)}.`);
  }
}

/**
 * Emits once after `ms` milliseconds, however large (`Infinity` never emits), then completes: a
 * delay past {@link MAX_TIMER_MS} is waited in steps that each fit a timer, so it never fires
 * early. Through RxJS `timer`, so `TestScheduler` virtualises it. For times the server sends.
 */
export function longTimer(ms: number): Observable<0> {
  if (!(ms > MAX_TIMER_MS)) return timer(Math.max(0, Number.isNaN(ms) ? 0 : ms));
  return timer(MAX_TIMER_MS).pipe(concatMap(() => longTimer(ms - MAX_TIMER_MS)));
}
