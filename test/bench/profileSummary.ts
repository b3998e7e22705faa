import { readFileSync } from 'node:fs';

/**
 * Self time per function of a `.cpuprofile`, heaviest first:
 * `npx tsx test/bench/profileSummary.ts <file.cpuprofile> [top]`.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profileSummary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  if (!node) return;
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  const where = url.replace(/^.*\/(node_modules\/|src\/|test\/)/, '$1');
  const key = `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}:${columnNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + dt);
});
const top = Number(topArg ?? 30);
for (const [key, us] of [...self.entries()].sort((x, y) => y[1] - x[1]).slice(0, top)) {
  console.log(
    `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`,
  );
}
