import OpenAI from 'openai';
import { interval, lastValueFrom } from 'rxjs';
import { fetchClient } from '../../src/client/fetchClient';
import type { Message } from '../../src/events/types';
import { finalMessages } from '../../src/operators/finalMessages';
import { createThreadAndRun } from '../../src/sources/createThreadAndRun';
import { collectGarbage, now } from './stats';

/**
 * One side of the concurrency benchmark, in its own process so its memory is its own:
 * `node --import tsx test/bench/concurrencyChild.ts <baseURL> <assistantId> <ours|sdk> <runs> <expected text>`.
 * Starts every run at once (create thread and run, streamed, to the final messages) and prints one
 * JSON line: wall time, CPU time, RSS before and at peak, peak heap, and how many runs ended with the text.
 */

const [baseURL = '', assistantId = '', which = 'ours', runsArg = '1000', expected = ''] =
  process.argv.slice(2);
const runs = Number(runsArg);
const thread = { messages: [{ role: 'user' as const, content: 'Say something long.' }] };
const textOf = (messages: readonly unknown[]): string => {
  const block = (messages.at(-1) as Message | undefined)?.content[0];
  return block?.type === 'text' ? block.text.value : '';
};

let one: () => Promise<string>;
if (which === 'ours') {
  const client = fetchClient({ baseURL, apiKey: 'sk-bench' });
  one = async () =>
    textOf(
      await lastValueFrom(
        createThreadAndRun(client, { assistant_id: assistantId, thread }).pipe(finalMessages()),
      ),
    );
} else {
  const openai = new OpenAI({ baseURL, apiKey: 'sk-bench' });
  one = async () =>
    textOf(
      await openai.beta.threads.createAndRunStream({ assistant_id: assistantId, thread }).finalMessages(),
    );
}

// One run first, so the baseline holds every module and compiled path the batch uses.
if ((await one()) !== expected) throw new Error(`bench child (${which}): the warm-up run's text differs`);
collectGarbage();
const baseRss = process.memoryUsage().rss;
let peakHeap = process.memoryUsage().heapUsed;
const sampler = interval(10).subscribe(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
});
const cpuBefore = process.cpuUsage();
const start = now();
const texts = await Promise.all(Array.from({ length: runs }, () => one()));
const wallMs = now() - start;
const cpu = process.cpuUsage(cpuBefore);
sampler.unsubscribe();
const peakRss = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({
    which,
    runs,
    ok: texts.filter((t) => t === expected).length,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    baseRss,
    peakRss,
    peakHeap,
  }),
);
