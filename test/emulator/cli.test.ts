import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledCli, runCli } from './cliHarness';

// The `rxjs-assistants-emulator` bin, end to end: bundled from src/emulator/cli.ts (as tsup does
// for the package), run with node, stopped with a signal. The file that ships (package.json's
// `bin`, built by `npm run build`) is checked on its own for what only the build decides. Each
// flag is tested in cli.flags.test.ts.

const cli = bundledCli();
const run = (args: string[]) => runCli(cli.path(), args);

/** The bin as package.json ships it, e.g. `dist/emulator/cli.js`. */
const shippedBin = (): string => {
  const { bin } = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
  const path = bin['rxjs-assistants-emulator'];
  if (path === undefined) throw new Error('package.json has no bin "rxjs-assistants-emulator"');
  return path;
};

/**
 * Runs `npm run build` when the shipped bin is missing or older than what decides its first line
 * and its place (the CLI's files, tsup.config.ts, package.json). Returns why not when the build cannot run
 * at all; a build that runs and fails fails the test.
 */
function buildIfNeeded(bin: string): string | undefined {
  const sources = ['cli.ts', 'cliArgs.ts', 'cliFlags.ts', 'loadBrain.ts', 'requestLogLine.ts'];
  const inputs = [...sources.map((file) => join('src/emulator', file)), 'tsup.config.ts', 'package.json'];
  if (existsSync(bin) && inputs.every((input) => statSync(input).mtimeMs <= statSync(bin).mtimeMs)) {
    return undefined;
  }
  if (!existsSync('node_modules/.bin/tsup')) {
    return `${bin} is not built and tsup is not installed (run npm install, then npm run build)`;
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build'], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (build.error) return `${bin} is not built and npm could not run: ${build.error.message}`;
  if (build.status !== 0)
    throw new Error(`npm run build failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
  return undefined;
}

describe('rxjs-assistants-emulator', () => {
  it('ships its built bin with the shebang, so it runs directly', (context) => {
    const bin = shippedBin();
    const cannotBuild = buildIfNeeded(bin);
    if (cannotBuild !== undefined) context.skip(cannotBuild);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    if (process.platform === 'win32') return; // no shebangs there: npm writes a .cmd shim
    // Run as npm's bin link runs it: the file itself, not `node <file>`.
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    expect([help.error?.message, help.status]).toEqual([undefined, 0]);
    expect(help.stdout).toContain('Usage: rxjs-assistants-emulator');
  }, 180_000);

  it('prints its URL, serves the API with the given options, and exits 0 on SIGTERM', async () => {
    const { child, exit, line } = run([
      '--port',
      '0',
      '--api-key',
      'sk-cli',
      '--poll-after-ms',
      '7',
      '--latency-ms',
      '0',
    ]);
    const first = await line;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)$/.exec(first)?.[1];
    expect(url).toBeDefined();
    expect((await fetch(`${url}/assistants`)).status).toBe(401);
    const answer = await fetch(`${url}/assistants`, { headers: { authorization: 'Bearer sk-cli' } });
    expect(await answer.json()).toEqual({
      object: 'list',
      data: [],
      first_id: null,
      last_id: null,
      has_more: false,
    });
    child.kill('SIGTERM');
    const { code, out } = await exit;
    expect(code).toBe(0);
    expect(out).toContain('SIGTERM: stopping');
  });

  it('keeps CORS off unless --cors is given, with origins or alone for any', async () => {
    const urlOf = async (started: ReturnType<typeof run>) =>
      /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)$/.exec(await started.line)?.[1] ?? '';
    const cases: [string[], string, number, string | null][] = [
      [[], 'http://localhost:5173', 403, null],
      [['--cors', 'http://localhost:5173'], 'http://localhost:5173', 200, 'http://localhost:5173'],
      [['--cors', 'http://localhost:5173'], 'http://localhost:3000', 403, null],
      [['--cors', '--latency-ms', '0'], 'https://any.example', 200, '*'],
      [['--latency-ms', '0', '--cors'], 'https://any.example', 200, '*'],
    ];
    for (const [args, origin, status, allowed] of cases) {
      const started = run(['--port', '0', ...args]);
      const answer = await fetch(`${await urlOf(started)}/assistants`, { headers: { origin } });
      expect([args, origin, answer.status, answer.headers.get('access-control-allow-origin')]).toEqual([
        args,
        origin,
        status,
        allowed,
      ]);
      started.child.kill('SIGTERM');
      expect((await started.exit).code).toBe(0);
    }
  });

  it('prints usage for --help and fails on a bad option', async () => {
    const help = await run(['--help']).exit;
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: rxjs-assistants-emulator');
    expect(help.out).toContain('--cors [ORIGIN]');
    expect(help.out).toContain('--allowed-host HOST');
    const bad = await run(['--port', 'abc']).exit;
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--port must be a whole number from 0 to 65535, got 'abc'");
    expect(bad.err).toContain('Run rxjs-assistants-emulator --help for the options.');
  });
});
