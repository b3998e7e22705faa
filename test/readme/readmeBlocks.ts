/**
 * The ```ts blocks of README.md, for test/readme/readme.test.ts. A block is a complete program
 * unless the line before it (blank lines aside) is an HTML comment starting `<!-- readme-check:
 * typecheck`: then it is a fragment, only typechecked, with the names of {@link FRAGMENT_PRELUDE}
 * in scope.
 */

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/** The repository. */
export const ROOT = resolve(import.meta.dirname, '../..');
/** Where program blocks are written to run: inside the repository, so `rxjs`, `tsx` … resolve. */
export const RUN_DIR = join(ROOT, 'node_modules/.cache/rxjs-assistants-readme');

/** One ```ts block of the README. */
export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** `'program'`: typechecked and run; `'fragment'`: typechecked only. */
  kind: 'program' | 'fragment';
}

const FRAGMENT_MARK = '<!-- readme-check: typecheck';

/** The ```ts blocks of a Markdown text, in order. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts') continue;
    const end = lines.findIndex((text, j) => j > i && text.trim() === '```');
    if (end === -1) throw new Error(`README.md:${i + 1}: a \`\`\`ts block that never closes.`);
    let previous = i - 1;
    while (previous >= 0 && lines[previous]?.trim() === '') previous--;
    const marked = lines[previous]?.trim().startsWith(FRAGMENT_MARK) ?? false;
    blocks.push({
      line: i + 1,
      code: lines.slice(i + 1, end).join('\n'),
      kind: marked ? 'fragment' : 'program',
    });
    i = end;
  }
  return blocks;
}

/**
 * The names README fragments use without declaring them (a client, ids, the user's own
 * functions), as ambient globals of the fragments' program only. A fragment that declares one of
 * them itself shadows it.
 */
export const FRAGMENT_PRELUDE = `
import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import type { AssistantsClient, CreateRunParams, RunEvent, RunState } from 'rxjs-assistants';

declare global {
  const client: AssistantsClient;
  const assistant_id: string;
  const threadId: string;
  const params: CreateRunParams;
  const handlers: { get_weather: (args: { city: string }) => string };
  const events$: Observable<RunEvent>;
  const res: ServerResponse;
  const render: (state: RunState) => void;
  const fetchWeather: (city: string, options: { signal: AbortSignal }) => Promise<string>;
  const getEntraToken: () => Promise<string>;
  const model: string;
  const input: string;
  const tools: unknown[];
  const conversation: string;
}
export {};
`;

/** The package's import paths and the sources they stand for in this repository. */
export const PACKAGE_PATHS = {
  'rxjs-assistants': 'src/index.ts',
  'rxjs-assistants/testing': 'src/testing/index.ts',
  'rxjs-assistants/emulator': 'src/emulator/index.ts',
} as const;

/** The diagnostics of each block, by block line (`README.md:<line>: <message>`). */
export function typecheck(all: readonly ReadmeBlock[]): Map<number, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    paths: Object.fromEntries(
      Object.entries(PACKAGE_PATHS).map(([name, path]) => [name, [join(ROOT, path)]]),
    ),
  };
  // Virtual files next to this test, so that node_modules resolves as for real files.
  const fileOf = (block: ReadmeBlock) =>
    join(ROOT, 'test/readme/__blocks__', block.kind, `readme-line-${block.line}.ts`);
  const prelude = join(ROOT, 'test/readme/__blocks__/fragment/prelude.ts');
  const virtual = new Map(all.map((block) => [fileOf(block), block.code]));
  virtual.set(prelude, FRAGMENT_PRELUDE);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const text = virtual.get(file);
    return text === undefined
      ? getSourceFile.call(host, file, language, ...rest)
      : ts.createSourceFile(file, text, language, true);
  };
  // Programs apart from fragments: the prelude's globals must not reach a complete program.
  const result = new Map<number, string[]>();
  for (const kind of ['program', 'fragment'] as const) {
    const group = all.filter((block) => block.kind === kind);
    const roots = [...group.map(fileOf), ...(kind === 'fragment' ? [prelude] : [])];
    const program = ts.createProgram(roots, options, host);
    for (const block of group) {
      const source = program.getSourceFile(fileOf(block));
      const diagnostics = [
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      ];
      result.set(
        block.line,
        diagnostics.map((diagnostic) => {
          const at =
            diagnostic.start === undefined
              ? 0
              : (source?.getLineAndCharacterOfPosition(diagnostic.start).line ?? 0) + 1;
          const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
          return `README.md:${block.line + at}: ${text}`;
        }),
      );
    }
  }
  return result;
}

/** Runs a program block with tsx; the package's import paths point at the sources. */
export function runBlock(
  block: ReadmeBlock,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let code = block.code;
  for (const [name, path] of Object.entries(PACKAGE_PATHS)) {
    code = code.replaceAll(`from '${name}'`, `from ${JSON.stringify(join(ROOT, path))}`);
  }
  // .mts, as the README says to save them: top-level await needs an ES module.
  const file = join(RUN_DIR, `readme-line-${block.line}.mts`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', fail);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      done({ code: exitCode, stdout, stderr });
    });
  });
}
