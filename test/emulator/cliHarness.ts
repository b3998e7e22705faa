import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';
import { eventually } from './helpers';

// The `rxjs-assistants-emulator` bin for tests: bundled from src/emulator/cli.ts (as tsup does for
// the package) into a temporary folder, run with node.

/** How a CLI process ended. */
export interface CliExit {
  code: number | null;
  out: string;
  err: string;
}

/** A running CLI. */
export interface CliProcess {
  child: ChildProcess;
  exit: Promise<CliExit>;
  /** Its first line of stdout. */
  line: Promise<string>;
  /** Everything it wrote to stdout so far. */
  out(): string;
  /** The URL it printed (waits for it). */
  url(): Promise<string>;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<CliExit>;
}

/** Bundles the CLI once for the calling test file; returns the bundle's path (after `beforeAll`). */
export function bundledCli(): { path: () => string; dir: () => string } {
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emulator-cli-'));
    await build({
      entryPoints: ['src/emulator/cli.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: join(dir, 'cli.mjs'),
      logLevel: 'silent',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { path: () => join(dir, 'cli.mjs'), dir: () => dir };
}

/** Runs the CLI with `args` (in the repository unless `cwd` says otherwise). */
export function runCli(
  cli: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): CliProcess {
  const child = spawn(process.execPath, [cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let out = '';
  let err = '';
  let resolveLine: (line: string) => void = () => {};
  const line = new Promise<string>((resolve) => {
    resolveLine = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('\n')) resolveLine(out.split('\n')[0] ?? '');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exit = new Promise<CliExit>((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
  void exit.then(() => resolveLine(out.split('\n')[0] ?? ''));
  const url = async () => {
    const first = await line;
    const found = /listening on (http:\/\/\S+\/v1)$/.exec(first)?.[1];
    if (!found) throw new Error(`the CLI printed no URL: ${first}\n${err}`);
    return found;
  };
  const stop = () => {
    child.kill('SIGTERM');
    return exit;
  };
  return { child, exit, line, out: () => out, url, stop };
}

/** Waits until the CLI's stdout has `count` lines matching `pattern`; returns them. */
export const linesMatching = (cli: CliProcess, pattern: RegExp, count: number): Promise<string[]> =>
  eventually(() => {
    const lines = cli
      .out()
      .split('\n')
      .filter((l) => pattern.test(l));
    return lines.length >= count ? lines : undefined;
  });
