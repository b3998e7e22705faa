import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { checkByteLimit, checkDuration, longTimer, MAX_TIMER_MS } from '../../src/core/limits';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('longTimer', () => {
  it('waits exactly the given time, also past the 2^31-1 ms a single timer can hold', () => {
    for (const ms of [0, 5, MAX_TIMER_MS, MAX_TIMER_MS + 1, 3 * MAX_TIMER_MS + 7]) {
      scheduler().run(({ expectObservable }) => {
        expectObservable(longTimer(ms)).toBe(`${ms}ms (0|)`, { 0: 0 });
      });
    }
  });

  it('treats a negative or NaN wait as "now"', () => {
    scheduler().run(({ expectObservable }) => {
      expectObservable(longTimer(-5)).toBe('(0|)', { 0: 0 });
      expectObservable(longTimer(Number.NaN)).toBe('(0|)', { 0: 0 });
    });
  });
});

describe('checkDuration', () => {
  it('accepts (0,] 2^31-1], 0 only when allowed, undefined when optional', () => {
    expect(() => checkDuration('x', 1)).not.toThrow();
    expect(() => checkDuration('x', MAX_TIMER_MS)).not.toThrow();
    expect(() => checkDuration('x', undefined)).not.toThrow();
    expect(() => checkDuration('x', 0, { zero: true })).not.toThrow();
  });

  it.each([
    [0, {}, /x must be a finite number of milliseconds > 0, got 0/],
    [-1, { zero: true }, /≥ 0, got -1/],
    [Number.NaN, {}, /got NaN/],
    [Infinity, {}, /got Infinity/],
    ['5', {}, /got 5/],
    [MAX_TIMER_MS + 1, {}, /x must be at most 2147483647 ms \(about 24\.8 days/],
    [undefined, { optional: false }, /got undefined/],
  ] as const)('refuses %s with a message naming the option and the bound', (value, rule, message) => {
    expect(() => checkDuration('x', value, rule)).toThrow(message);
  });
});

describe('checkByteLimit', () => {
  it('accepts whole positive numbers, refuses the rest', () => {
    expect(() => checkByteLimit('maxBodyBytes', 1024)).not.toThrow();
    expect(() => checkByteLimit('maxBodyBytes', undefined)).not.toThrow();
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '1']) {
      expect(() => checkByteLimit('maxBodyBytes', bad)).toThrow(
        /maxBodyBytes must be a positive whole number of bytes/,
      );
    }
    expect(() => checkByteLimit('maxBodyBytes', undefined, false)).toThrow(/got undefined/);
  });
});
