import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeError } from './askBrain';
import type { Brain } from './Brain';
import { CliUsageError } from './cliArgs';

// `--brain <module>`: a JavaScript module imported as is, or a TypeScript one through tsx (when
// the project has it) or the Node running us (when it strips types).

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

type TsImport = (specifier: string, parentURL: string) => Promise<unknown>;

/**
 * tsx's `tsImport`, from the first of `dirs` whose `node_modules` has tsx, else `undefined`. Its
 * ESM entry is read from its package.json (its CommonJS entry cannot load TypeScript modules).
 */
async function findTsImport(dirs: readonly string[]): Promise<TsImport | undefined> {
  for (const dir of dirs) {
    let manifest: string;
    try {
      manifest = createRequire(join(dir, 'noop.js')).resolve('tsx/package.json');
    } catch {
      continue;
    }
    const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports?.['./esm/api'];
    const entry: unknown = exports?.import?.default ?? exports?.import;
    if (typeof entry !== 'string') continue;
    const api = (await import(pathToFileURL(join(dirname(manifest), entry)).href)) as { tsImport?: TsImport };
    if (typeof api.tsImport === 'function') return api.tsImport;
  }
  return undefined;
}

/** The brain a module exports: its default export, or `brain` (also under a CommonJS `default`). */
function pickBrain(module: Record<string, unknown>, path: string): Brain {
  const fallback = module['default'] as Record<string, unknown> | undefined;
  const candidates = [module['default'], module['brain'], fallback?.['default'], fallback?.['brain']];
  const brain = candidates.find((candidate) => typeof candidate === 'function');
  if (brain) return brain as Brain;
  const names = Object.keys(module);
  throw new CliUsageError(
    `--brain ${path} exports no brain: export a function (context) => actions as its default export or as 'brain' (it exports ${names.length ? names.join(', ') : 'nothing'}).`,
  );
}

/**
 * Imports the `--brain` module at `path` (relative to `cwd`) and returns its brain. Throws a
 * {@link CliUsageError} saying what to do when the file is missing, fails to load, is TypeScript
 * that nothing here can load, or exports no function.
 */
export async function loadBrain(path: string, cwd = process.cwd()): Promise<Brain> {
  const file = resolve(cwd, path);
  if (!existsSync(file) || !statSync(file).isFile())
    throw new CliUsageError(`--brain ${path}: no such file (looked at ${file}).`);
  const url = pathToFileURL(file).href;
  let module: Record<string, unknown>;
  try {
    const tsImport = TYPESCRIPT.has(extname(file)) ? await findTsImport([dirname(file), cwd]) : undefined;
    module = (await (tsImport ? tsImport(url, url) : import(url))) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_UNKNOWN_FILE_EXTENSION' && TYPESCRIPT.has(extname(file)))
      throw new CliUsageError(
        `--brain ${path}: Node ${process.version} cannot load TypeScript by itself, and tsx is not installed here. Install it (npm install --save-dev tsx), use a Node that strips types (22.18 or later), or compile the brain to JavaScript.`,
      );
    throw new CliUsageError(`--brain ${path} failed to load: ${describeError(error)}`);
  }
  return pickBrain(module, path);
}
