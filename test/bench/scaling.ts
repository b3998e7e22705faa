import { checkTexts, floor, ourFinalMessages, ourRunState, sdkFinalMessages, textsOf } from './contenders';
import type { Section } from './Section';
import { buildSseBody, chunk } from './sseBody';
import { type Contender, fmtRatio, median, pairedRatio, roundRobin, table, verdict } from './stats';

/** Sizes, with passes chosen so each size takes a similar time. */
const SIZES = [
  { deltas: 1_000, warmup: 30, rounds: 101, gc: false },
  { deltas: 10_000, warmup: 5, rounds: 31, gc: false },
  { deltas: 100_000, warmup: 1, rounds: 5, gc: false },
] as const;

/** "Flat": the cost per delta at 100k deltas is at most this multiple of the cost at 1k. */
const FLAT = 1.5;

const NAMES = {
  a: '(a) floor: eventsource-parser + JSON.parse',
  b: '(b) openai SDK → `finalMessages()`',
  c: '(c) ours → `finalMessages()`',
  d: '(d) ours → `runState()` (every snapshot)',
} as const;
type Name = keyof typeof NAMES;

/** Compiles every contender's hot path first, so the smallest size (measured first) is not the coldest. */
async function warmUp(): Promise<void> {
  const body = buildSseBody(1, 20_000);
  const chunks = chunk(body.bytes);
  const runs = [
    () => floor(chunks),
    sdkFinalMessages(body, chunks),
    ourFinalMessages(body, chunks),
    ourRunState(body, chunks),
  ];
  for (let i = 0; i < 3; i++) for (const run of runs) await run();
}

/** Section 2: one message of 1k, 10k and 100k deltas; the cost per delta must not grow. */
export async function scaling(): Promise<Section> {
  await warmUp();
  const perDelta = new Map<Name, number[]>();
  /** Each contender's cost × the floor's in the same rounds (paired median), per size. */
  const perFloor = new Map<Name, number[]>();
  for (const size of SIZES) {
    const body = buildSseBody(1, size.deltas);
    const chunks = chunk(body.bytes);
    const sdk = sdkFinalMessages(body, chunks);
    const c = ourFinalMessages(body, chunks);
    const d = ourRunState(body, chunks);
    checkTexts('the SDK', body, textsOf(await sdk()));
    checkTexts('finalMessages', body, textsOf(await c()));
    checkTexts('runState', body, textsOf((await d()).last.messages));
    const contenders: Contender[] = [
      { name: 'a', run: () => floor(chunks) },
      { name: 'b', run: sdk },
      { name: 'c', run: c },
      { name: 'd', run: d },
    ];
    const times = await roundRobin(contenders, size);
    for (const name of Object.keys(NAMES) as Name[]) {
      const ns = (median(times.get(name) ?? []) * 1e6) / size.deltas;
      perDelta.set(name, [...(perDelta.get(name) ?? []), ns]);
      const ratio = pairedRatio([Object.fromEntries(times)], name, 'a').median;
      perFloor.set(name, [...(perFloor.get(name) ?? []), ratio]);
    }
  }
  const lastOverFirst = (values: readonly number[] = []): number =>
    (values.at(-1) ?? Number.NaN) / (values[0] ?? Number.NaN);
  const rawGrowth = (name: Name): number => lastOverFirst(perDelta.get(name));
  // The sizes run one after another, so a machine that slows down between them (a shared VM does)
  // would read as growth: the verdict divides by the floor's growth, paired per round.
  const growth = (name: Name): number => lastOverFirst(perFloor.get(name));
  const rows = (Object.keys(NAMES) as Name[]).map((name) => [
    NAMES[name],
    ...(perDelta.get(name) ?? []).map((ns) => ns.toFixed(0)),
    fmtRatio(rawGrowth(name)),
    name === 'a' ? '1.00×' : fmtRatio(growth(name)),
  ]);
  const flat = (name: Name): boolean => growth(name) <= FLAT;
  return {
    id: 'scaling',
    title: 'Scaling with the number of deltas',
    lines: [
      'One message of 1k, 10k and 100k text deltas (same frame shapes as above), full path from a 16 KiB-chunked `ReadableStream`; median ns per delta (passes: 101, 31 and 5 after warm-up, contenders interleaved in a shuffled order each round, steady state: no forced GC between passes). "Flat" means the cost per delta at 100k is at most ' +
        `${FLAT}× the cost at 1k, both taken relative to the floor's in the same rounds (paired median): the sizes run one after another, and the floor (whose cost per delta does not depend on the size) shows how much the machine itself drifted between them.`,
      '',
      ...table(
        [
          'contender',
          'ns/delta @1k',
          'ns/delta @10k',
          'ns/delta @100k',
          '100k ÷ 1k',
          '100k ÷ 1k, relative to the floor',
        ],
        rows,
      ),
      '',
      `- \`finalMessages\`: ${fmtRatio(growth('c'))} from 1k to 100k relative to the floor (${fmtRatio(rawGrowth('c'))} in raw ns/delta, the floor's own ${fmtRatio(rawGrowth('a'))}): ${verdict(flat('c'))}.`,
      `- \`runState\`: ${fmtRatio(growth('d'))} from 1k to 100k relative to the floor (${fmtRatio(rawGrowth('d'))} in raw ns/delta): ${verdict(flat('d'))}.`,
    ],
    targets: [
      {
        target: `finalMessages ns/delta flat (100k ÷ 1k ≤ ${FLAT}×, relative to the floor)`,
        result: `${fmtRatio(growth('c'))} (raw ${fmtRatio(rawGrowth('c'))})`,
        met: flat('c'),
      },
      {
        target: `runState ns/delta flat (100k ÷ 1k ≤ ${FLAT}×, relative to the floor)`,
        result: `${fmtRatio(growth('d'))} (raw ${fmtRatio(rawGrowth('d'))})`,
        met: flat('d'),
      },
    ],
  };
}
