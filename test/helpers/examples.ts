import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root, the working directory of every example. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** How one example process ended. */
export interface ExampleResult {
  file: string;
  /** The exit code; `null` when the process was killed (then `signal` says how). */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `true` when it was killed for running past its time limit (a hang, or a leaked timer or socket). */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** The runnable examples: every `examples/*.ts` file (folders such as `relay/` have their own tests). */
export function listExamples(): string[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Runs `examples/<file>` with tsx in a child process against the built-in emulator (no
 * `OPENAI_BASE_URL` in its environment). Resolves, never rejects, once the process has exited; a
 * process still running after `timeoutMs` is sent SIGTERM (tsx passes it on to the script).
 */
export function runExample(file: string, timeoutMs: number): Promise<ExampleResult> {
  const { OPENAI_BASE_URL: _external, ...env } = process.env;
  return new Promise((resolve) => {
    const child = execFile(
      TSX,
      [`examples/${file}`],
      { cwd: REPO_ROOT, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const killed = error !== null && 'killed' in error && error.killed === true;
        resolve({ file, code: child.exitCode, signal: child.signalCode, timedOut: killed, stdout, stderr });
      },
    );
  });
}

/**
 * Starts `task` for every item, at most `concurrency` at a time, in order; returns each item's
 * result promise at once, so a test can await just its own.
 */
export function inPool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Map<T, Promise<R>> {
  let free = concurrency;
  const waiting: (() => void)[] = [];
  const acquire = (): Promise<void> => {
    if (free > 0) {
      free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return new Map(
    items.map((item) => [
      item,
      acquire()
        .then(() => task(item))
        .finally(release),
    ]),
  );
}
