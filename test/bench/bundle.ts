import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildPublished,
  consumerEntry,
  measure,
  type Published,
  ROOT,
  RX_EXTERNAL,
  type Size,
} from './bundleMeasure';
import type { Section } from './Section';
import { fmtKiB, fmtRatio, table, verdict } from './stats';

/**
 * Section: bytes a browser downloads for the streaming paths of both wires, minified and gzipped,
 * ours (rxjs external, as a peer dependency the app already has; and with the rxjs parts it uses
 * bundled) beside the official SDK's equivalents; then a consumer's bundle of the published
 * package, against the targets of issue 16.
 */

type Fn = { name: string; file: string };
const fn = (name: string, file: string): Fn => ({ name, file });

/** Each path, and where each function comes from (the index, or its own file until exported). */
const FETCH_CLIENT = fn('fetchClient', 'src/client/fetchClient.ts');
const FROM_SSE = fn('fromServerSentEvents', 'src/relay/fromServerSentEvents.ts');
const RUN_STATE = fn('runState', 'src/operators/runState.ts');
const RESPONSE_STATE = fn('responseState', 'src/responses/operators/responseState.ts');
const PATH: Fn[] = [
  FETCH_CLIENT,
  fn('createRun', 'src/sources/createRun.ts'),
  fn('handleRequiresAction', 'src/operators/handleRequiresAction.ts'),
  fn('finalMessages', 'src/operators/finalMessages.ts'),
  RUN_STATE,
  FROM_SSE,
];
const RESPONSES_PATH: Fn[] = [
  FETCH_CLIENT,
  fn('createResponse', 'src/responses/sources/createResponse.ts'),
  fn('handleFunctionCalls', 'src/responses/operators/handleFunctionCalls.ts'),
  fn('outputText', 'src/responses/operators/outputText.ts'),
  RESPONSE_STATE,
];
const RELAY: Fn[] = [FROM_SSE, RUN_STATE];
const RESPONSES_RELAY: Fn[] = [FROM_SSE, RESPONSE_STATE];

/** Issue 16: a consumer's bundle of the published files, min+gzip, rxjs external. */
const TARGETS = { full: 13 * 1024, relay: 7 * 1024 };

const INDEX = readFileSync(join(ROOT, 'src/index.ts'), 'utf8');
const notes = new Set<string>();

/** Export lines of a path from the sources, noting functions not in the index (or not in this checkout). */
function entryOf(path: readonly Fn[]): string[] {
  const lines: string[] = [];
  for (const { name, file } of path) {
    if (new RegExp(`\\b${name}\\b`).test(INDEX)) lines.push(`export { ${name} } from './src/index';`);
    else if (existsSync(join(ROOT, file))) {
      lines.push(`export { ${name} } from './${file.replace(/\.ts$/, '')}';`);
      notes.add(`\`${name}\` is not exported from \`src/index.ts\` yet; bundled from \`${file}\`.`);
    } else notes.add(`\`${name}\` is not in this checkout (\`${file}\` missing): **not included**.`);
  }
  return lines;
}

const names = (path: readonly Fn[]): string => path.map((p) => `\`${p.name}\``).join(' + ');

/** What each function of a path weighs alone, and what it adds to the rest. */
async function marginal(lines: string[], whole: Size): Promise<string[][]> {
  const rows: string[][] = [];
  for (const line of lines) {
    const name = /export \{ (\w+) \}/.exec(line)?.[1] ?? line;
    const alone = await measure(line, RX_EXTERNAL);
    const without = await measure(lines.filter((l) => l !== line).join('\n'), RX_EXTERNAL);
    rows.push([`\`${name}\``, fmtKiB(alone.gzip), fmtKiB(whole.gzip - without.gzip)]);
  }
  return rows;
}

/** The consumer's bundles of the published package; rows and targets, or why there are none. */
async function publishedRows(published: Published | Error) {
  if (published instanceof Error) {
    const reason = published.message.split('\n')[0] ?? 'unknown error';
    return {
      rows: [] as string[][],
      targets: [],
      lines: [`- The published build failed, so this table is left out: ${reason}`],
    };
  }
  const cases = [
    { label: 'Assistants, full direct path', path: PATH, target: TARGETS.full },
    { label: 'Assistants, relay/browser path', path: RELAY, target: TARGETS.relay },
    { label: 'Responses, full direct path', path: RESPONSES_PATH, target: undefined },
    { label: 'Responses, relay/browser path', path: RESPONSES_RELAY, target: undefined },
  ];
  const rows: string[][] = [];
  const lines: string[] = [];
  const targets: Section['targets'] = [];
  for (const { label, path, target } of cases) {
    const missing = path.filter((p) => !published.exported.has(p.name)).map((p) => `\`${p.name}\``);
    if (missing.length > 0) {
      lines.push(`- ${label}: left out, ${missing.join(', ')} not exported from \`rxjs-assistants\` yet.`);
      continue;
    }
    const size = await measure(consumerEntry(path.map((p) => p.name)), RX_EXTERNAL, published.dir);
    const met = target === undefined ? undefined : size.gzip <= target;
    rows.push([
      `${label}: ${names(path)}`,
      fmtKiB(size.min),
      fmtKiB(size.gzip),
      target === undefined ? '–' : `≤ ${fmtKiB(target)}`,
    ]);
    if (target !== undefined) {
      targets.push({
        target: `${label} ≤ ${target / 1024} KiB min+gzip (consumer's bundle of the published files)`,
        result: fmtKiB(size.gzip),
        met,
      });
      lines.push(
        `- ${label}: ${fmtKiB(size.gzip)} (target ≤ ${target / 1024} KiB): ${verdict(met === true)}.`,
      );
    }
  }
  return { rows, targets, lines };
}

export async function bundle(): Promise<Section> {
  notes.clear();
  const lines = entryOf(PATH);
  const ours = await measure(lines.join('\n'), RX_EXTERNAL);
  const perFunction = await marginal(lines, ours);
  const oursWithRx = await measure(lines.join('\n'), []);
  const relay = await measure(
    entryOf([...RELAY, fn('finalMessages', 'src/operators/finalMessages.ts')]).join('\n'),
    RX_EXTERNAL,
  );
  const responses = await measure(entryOf(RESPONSES_PATH).join('\n'), RX_EXTERNAL);
  const responsesRelay = await measure(entryOf(RESPONSES_RELAY).join('\n'), RX_EXTERNAL);
  const sdkClient = await measure(
    `import OpenAI from 'openai';
export const stream = (apiKey: string, threadId: string, assistant_id: string) =>
  new OpenAI({ apiKey, dangerouslyAllowBrowser: true }).beta.threads.runs.stream(threadId, { assistant_id });
export const submit = (openai: OpenAI, threadId: string, runId: string, tool_outputs: { tool_call_id: string; output: string }[]) =>
  openai.beta.threads.runs.submitToolOutputsStream(runId, { thread_id: threadId, tool_outputs });`,
    [],
  );
  const sdkHelper = await measure(`export { AssistantStream } from 'openai/lib/AssistantStream';`, []);
  const sdkResponses = await measure(
    `import OpenAI from 'openai';
export const stream = (apiKey: string, model: string, input: string) =>
  new OpenAI({ apiKey, dangerouslyAllowBrowser: true }).responses.stream({ model, input, background: true }).finalResponse();
export const resume = (openai: OpenAI, response_id: string, starting_after: number) =>
  openai.responses.stream({ response_id, starting_after }).finalResponse();`,
    [],
  );
  const sdkResponseStream = await measure(
    `export { ResponseStream } from 'openai/lib/responses/ResponseStream';`,
    [],
  );

  let published: Published | Error;
  try {
    published = await buildPublished();
  } catch (error) {
    published = error instanceof Error ? error : new Error(String(error));
  }
  const consumer = await publishedRows(published);
  if (!(published instanceof Error)) published.cleanup();

  const row = (label: string, s: Size): string[] => [
    label,
    fmtKiB(s.raw),
    fmtKiB(s.min),
    fmtKiB(s.gzip),
    fmtRatio(s.gzip / ours.gzip),
  ];
  const ourTop = ours.top
    .slice(0, 8)
    .map((t) => `\`${t.path.replace(/^.*?src\//, 'src/')}\` ${(t.bytes / 1024).toFixed(1)}`)
    .join(', ');
  return {
    id: 'bundle',
    title: 'Bundle size (browser paths)',
    lines: [
      `esbuild ${(await import('esbuild')).version}, \`bundle, minify, format: esm, platform: browser, target: es2022\`; gzip level 9 (\`node:zlib\`). First from the sources (an app that bundles \`src/\`), then as a consumer bundles the published package. Ours (Assistants): ${names(PATH)}; ours (Responses): ${names(RESPONSES_PATH)}.`,
      ...[...notes].map((n) => `- ${n}`),
      '',
      ...table(
        ['bundle (from the sources)', 'unminified', 'minified', 'min + gzip', '÷ ours'],
        [
          row('ours, Assistants path, rxjs external (peer dependency)', ours),
          row('ours, Assistants path, with the rxjs it uses bundled', oursWithRx),
          row(
            'ours, Assistants relay client only: `fromServerSentEvents` + `runState` + `finalMessages`, rxjs external',
            relay,
          ),
          row(`ours, Responses path: ${names(RESPONSES_PATH)}, rxjs external`, responses),
          row(
            "ours, Responses relay client only: `fromServerSentEvents` (`{ family: 'responses' }`) + `responseState`, rxjs external",
            responsesRelay,
          ),
          row('openai SDK: `new OpenAI()` + `runs.stream` + `submitToolOutputsStream`', sdkClient),
          row('openai SDK: `AssistantStream` helper alone (no client)', sdkHelper),
          row(
            'openai SDK: `new OpenAI()` + `responses.stream` (create and resume) → `finalResponse()`',
            sdkResponses,
          ),
          row('openai SDK: `ResponseStream` helper alone (no client)', sdkResponseStream),
        ],
      ),
      '',
      "The relay exposes response events through the same `fromServerSentEvents`, with `{ family: 'responses' }`.",
      '',
      `Each function of the Assistants path alone, and what it adds to the rest (min + gzip, rxjs external, from the sources):`,
      '',
      ...table(['function', 'alone', 'added to the other five'], perFunction),
      '',
      `- Largest inputs of the Assistants path (minified KiB, before gzip): ${ourTop}.`,
      '',
      "A consumer's bundle of the published package: the project's `tsup.config.ts` build (ESM) in a temporary `node_modules/rxjs-assistants` with the project's `package.json`, and an app entry `export { … } from 'rxjs-assistants'`, bundled as above, rxjs external. This is what issue 16's targets are measured on.",
      '',
      ...(consumer.rows.length > 0
        ? table(['consumer bundle', 'minified', 'min + gzip', 'target'], consumer.rows)
        : []),
      '',
      ...consumer.lines,
    ],
    targets: consumer.targets,
  };
}
