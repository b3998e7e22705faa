import { roundRobin } from './stats';
import { SUITES } from './suites';

/**
 * One process's passes of a throughput suite:
 * `node --import tsx test/bench/passesChild.ts <suite> <seed> <warmup> <rounds> <gcWarmup> <gcRounds>`.
 * Checks the contenders agree, then times them in shuffled rounds twice: steady state (no forced
 * GC: `warmup` untimed rounds, `rounds` timed), then with a full GC before every pass (the old
 * method, reported beside; the layer contenders `p` and `s` are left out of it). Prints one JSON line: the suite's meta and each phase's times per
 * contender, index = round.
 */

const LAYERS = new Set(['p', 's']);
const [name = '', seedArg = '1', ...counts] = process.argv.slice(2);
const [warmup = 3, rounds = 8, gcWarmup = 1, gcRounds = 4] = counts.map(Number);
const build = SUITES[name];
if (!build) throw new Error(`passesChild: unknown suite ${name}; use ${Object.keys(SUITES).join(', ')}`);
const suite = await build();
const seed = Number(seedArg);
const steady = await roundRobin(suite.contenders, { warmup, rounds, seed });
// The layers (`p`, `s`) only explain the steady-state figure: the forced-GC phase skips them.
const headline = suite.contenders.filter((c) => !LAYERS.has(c.name));
const gc =
  gcRounds > 0
    ? await roundRobin(headline, { warmup: gcWarmup, rounds: gcRounds, gc: true, seed: seed + 1000 })
    : new Map<string, number[]>();
console.log(
  JSON.stringify({ meta: suite.meta, steady: Object.fromEntries(steady), gc: Object.fromEntries(gc) }),
);
