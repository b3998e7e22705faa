import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

/**
 * Runs `node --import tsx test/bench/<script> …args` in its own process (so its heap, its JIT and
 * its RSS are its own) and resolves with the JSON of the last line it prints to stdout.
 */
export function runChild<T>(script: string, args: readonly string[]): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(HERE, script), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    proc.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{'))
        reject(new Error(`bench child ${script} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      else resolvePromise(JSON.parse(line) as T);
    });
  });
}
