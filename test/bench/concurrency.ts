import OpenAI from 'openai';
import type { Brain } from '../../src/emulator/Brain';
import { startEmulator } from '../../src/emulator/startEmulator';
import { runChild } from './child';
import type { Section } from './Section';
import { fmtInt, fmtMiB, fmtRatio, median, table } from './stats';

/**
 * Section 5: 1,000 concurrent streamed runs against the emulator on loopback, ours and the SDK,
 * each side in its own child process (so its RSS is its own); the emulator runs in this process.
 */

const RUNS = 1000;
const REPEATS = 3;
const WORDS = 40;

interface ChildResult {
  which: string;
  runs: number;
  ok: number;
  wallMs: number;
  cpuMs: number;
  baseRss: number;
  peakRss: number;
  peakHeap: number;
}

const child = (args: string[]): Promise<ChildResult> => runChild('concurrencyChild.ts', args);

export async function concurrency(): Promise<Section> {
  const words = Array.from({ length: WORDS }, (_, i) => `${i === 0 ? '' : ' '}word${i}`);
  const expected = words.join('');
  const brain: Brain = () => [{ type: 'text', text: words }];
  // A thousand runs at once: no cap on what the emulator keeps (its defaults keep 1,000).
  const emulator = await startEmulator({
    brain,
    latencyMs: 2,
    limits: { runs: Infinity, threads: Infinity, assistants: Infinity, requestLog: Infinity },
  });
  const results: ChildResult[] = [];
  try {
    const setup = new OpenAI({ baseURL: emulator.url, apiKey: 'sk-bench' });
    const assistant = await setup.beta.assistants.create({ model: 'gpt-4o' });
    for (let i = 0; i < REPEATS; i++) {
      for (const which of ['ours', 'sdk']) {
        results.push(await child([emulator.url, assistant.id, which, String(RUNS), expected]));
      }
    }
  } finally {
    await emulator.close();
  }
  const of = (which: string) => results.filter((r) => r.which === which);
  const stat = (which: string, pick: (r: ChildResult) => number) => median(of(which).map(pick));
  const perRun = (r: ChildResult) => (r.peakRss - r.baseRss) / r.runs;
  const row = (which: string, label: string): string[] => [
    label,
    fmtInt(stat(which, (r) => r.wallMs)),
    fmtInt(stat(which, (r) => r.cpuMs)),
    fmtMiB(stat(which, (r) => r.baseRss)),
    fmtMiB(stat(which, (r) => r.peakRss)),
    `${(stat(which, perRun) / 1024).toFixed(1)} KiB`,
    fmtMiB(stat(which, (r) => r.peakHeap)),
    `${Math.min(...of(which).map((r) => r.ok))} / ${RUNS}`,
  ];
  const wallRatio = stat('sdk', (r) => r.wallMs) / stat('ours', (r) => r.wallMs);
  const memRatio = stat('sdk', perRun) / stat('ours', perRun);
  const cpuRatio = stat('sdk', (r) => r.cpuMs) / stat('ours', (r) => r.cpuMs);
  return {
    id: 'concurrency',
    title: `Concurrency: ${fmtInt(RUNS)} streamed runs at once`,
    lines: [
      `Emulator in the parent process on loopback (\`latencyMs: 2\`; each run streams ${WORDS} text deltas, about ${WORDS + 12} events); each client side in its own child process (\`node --import tsx test/bench/concurrencyChild.ts …\`), all ${fmtInt(RUNS)} runs started at once with one client (create thread and run, streamed, to the final messages: ours \`createThreadAndRun\` → \`finalMessages()\`, SDK \`threads.createAndRunStream\` → \`finalMessages()\`). RSS before = after one warm-up run and a full GC; peak = \`process.resourceUsage().maxRSS\`; memory per run = (peak − before) ÷ runs. Median of ${REPEATS} child processes per side, alternated. The emulator is shared, so the wall time includes its own work (the same for both).`,
      '',
      ...table(
        [
          'client',
          'wall ms',
          'client CPU ms',
          'RSS before',
          'peak RSS',
          'memory per run',
          'peak heap used (sampled)',
          'runs with the right text',
        ],
        [row('ours', 'ours'), row('sdk', 'openai SDK')],
      ),
      '',
      `- SDK ÷ ours: wall time ${fmtRatio(wallRatio)}, client CPU time ${fmtRatio(cpuRatio)}, memory per run ${fmtRatio(memRatio)}. Client CPU time (user + system of the child during the batch) is the client's own cost; the wall time is bounded by the emulator serving ${fmtInt(RUNS)} streams from one thread.`,
    ],
    targets: [],
  };
}
