import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Section } from './Section';
import { fmtKiB, fmtRatio, table, verdict } from './stats';

/**
 * Section 4: bytes a browser downloads for the streaming path, minified and gzipped, ours (rxjs
 * external, as a peer dependency the app already has; and with the rxjs parts it uses bundled)
 * beside the official SDK's equivalent.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TARGET_BYTES = 8 * 1024;

/** The browser path, and where each function comes from (the index, or its own file until exported). */
const PATH: { name: string; file: string }[] = [
  { name: 'fetchClient', file: 'src/client/fetchClient.ts' },
  { name: 'createRun', file: 'src/sources/createRun.ts' },
  { name: 'handleRequiresAction', file: 'src/operators/handleRequiresAction.ts' },
  { name: 'finalMessages', file: 'src/operators/finalMessages.ts' },
  { name: 'runState', file: 'src/operators/runState.ts' },
  { name: 'fromServerSentEvents', file: 'src/relay/fromServerSentEvents.ts' },
];

interface Size {
  raw: number;
  min: number;
  gzip: number;
  top: { path: string; bytes: number }[];
}

async function measure(contents: string, external: string[]): Promise<Size> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'bench-entry.ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    metafile: true,
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const output = Object.values(result.metafile.outputs)[0];
  const top = Object.entries(output?.inputs ?? {})
    .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  const unminified = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'bench-entry.ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    logLevel: 'silent',
  });
  return {
    raw: unminified.outputFiles[0]?.contents.byteLength ?? 0,
    min: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    top,
  };
}

export async function bundle(): Promise<Section> {
  const index = readFileSync(join(ROOT, 'src/index.ts'), 'utf8');
  const notes: string[] = [];
  const lines: string[] = [];
  for (const { name, file } of PATH) {
    if (new RegExp(`\\b${name}\\b`).test(index)) lines.push(`export { ${name} } from './src/index';`);
    else if (existsSync(join(ROOT, file))) {
      lines.push(`export { ${name} } from './${file.replace(/\.ts$/, '')}';`);
      notes.push(`\`${name}\` is not exported from \`src/index.ts\` yet; bundled from \`${file}\`.`);
    } else notes.push(`\`${name}\` is not in this checkout (\`${file}\` missing): **not included**.`);
  }
  const ours = lines.join('\n');
  const oursExternal = await measure(ours, ['rxjs', 'rxjs/*']);
  // What each function adds: the whole path's size minus the size without it.
  const marginal: string[][] = [];
  for (const line of lines) {
    const name = /export \{ (\w+) \}/.exec(line)?.[1] ?? line;
    const alone = await measure(line, ['rxjs', 'rxjs/*']);
    const without = await measure(lines.filter((l) => l !== line).join('\n'), ['rxjs', 'rxjs/*']);
    marginal.push([`\`${name}\``, fmtKiB(alone.gzip), fmtKiB(oursExternal.gzip - without.gzip)]);
  }
  const oursWithRx = await measure(ours, []);
  // A browser behind a relay (the API key stays on the server) needs only the reading side.
  const relayOnly = existsSync(join(ROOT, 'src/relay/fromServerSentEvents.ts'))
    ? await measure(
        `export { fromServerSentEvents } from './src/relay/fromServerSentEvents';
export { runState } from './src/operators/runState';
export { finalMessages } from './src/operators/finalMessages';`,
        ['rxjs', 'rxjs/*'],
      )
    : undefined;
  const sdkClient = await measure(
    `import OpenAI from 'openai';
export const stream = (apiKey: string, threadId: string, assistant_id: string) =>
  new OpenAI({ apiKey, dangerouslyAllowBrowser: true }).beta.threads.runs.stream(threadId, { assistant_id });
export const submit = (openai: OpenAI, threadId: string, runId: string, tool_outputs: { tool_call_id: string; output: string }[]) =>
  openai.beta.threads.runs.submitToolOutputsStream(runId, { thread_id: threadId, tool_outputs });`,
    [],
  );
  const sdkHelper = await measure(`export { AssistantStream } from 'openai/lib/AssistantStream';`, []);

  const row = (label: string, s: Size): string[] => [
    label,
    fmtKiB(s.raw),
    fmtKiB(s.min),
    fmtKiB(s.gzip),
    fmtRatio(s.gzip / oursExternal.gzip),
  ];
  const met = oursExternal.gzip <= TARGET_BYTES;
  const ourTop = oursExternal.top
    .slice(0, 8)
    .map((t) => `\`${t.path.replace(/^.*?src\//, 'src/')}\` ${(t.bytes / 1024).toFixed(1)}`)
    .join(', ');
  return {
    id: 'bundle',
    title: 'Bundle size (browser path)',
    lines: [
      `esbuild ${(await import('esbuild')).version}, \`bundle, minify, format: esm, platform: browser, target: es2022\`; gzip level 9 (\`node:zlib\`). Ours: ${PATH.map((p) => `\`${p.name}\``).join(', ')}.`,
      ...notes.map((n) => `- ${n}`),
      '',
      ...table(
        ['bundle', 'unminified', 'minified', 'min + gzip', '÷ ours'],
        [
          row('ours, rxjs external (peer dependency)', oursExternal),
          row('ours, with the rxjs it uses bundled', oursWithRx),
          ...(relayOnly
            ? [
                row(
                  'ours, relay client only: `fromServerSentEvents` + `runState` + `finalMessages`, rxjs external',
                  relayOnly,
                ),
              ]
            : []),
          row('openai SDK: `new OpenAI()` + `runs.stream` + `submitToolOutputsStream`', sdkClient),
          row('openai SDK: `AssistantStream` helper alone (no client)', sdkHelper),
        ],
      ),
      '',
      `- Ours, rxjs external: ${fmtKiB(oursExternal.gzip)} min+gzip (target ≤ 8 KiB): ${verdict(met)}.`,
      '',
      'Each function of the path alone, and what it adds to the rest (min + gzip, rxjs external):',
      '',
      ...table(['function', 'alone', 'added to the other five'], marginal),
      '',
      `- Largest inputs of ours (minified KiB, before gzip): ${ourTop}.`,
    ],
    targets: [
      { target: 'browser bundle ≤ 8 KiB min+gzip (rxjs external)', result: fmtKiB(oursExternal.gzip), met },
    ],
  };
}
