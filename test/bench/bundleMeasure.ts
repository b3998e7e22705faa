import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * How the bundle section measures: an app's esbuild bundle of an entry (minified, gzipped), from
 * the sources, or as a consumer bundles the published package (built by the project's own tsup
 * config into a temporary `node_modules/rxjs-assistants`, with its `package.json`).
 */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RX_EXTERNAL = ['rxjs', 'rxjs/*'];

export interface Size {
  raw: number;
  min: number;
  gzip: number;
  top: { path: string; bytes: number }[];
}

/** Bundles `contents` (an app's entry, TypeScript) from `resolveDir` as a browser app would. */
export async function measure(contents: string, external: string[], resolveDir = ROOT): Promise<Size> {
  const common = {
    stdin: { contents, resolveDir, loader: 'ts' as const, sourcefile: 'bench-entry.ts' },
    bundle: true,
    write: false,
    format: 'esm' as const,
    platform: 'browser' as const,
    target: 'es2022',
    external,
    // The published package's own dependencies (eventsource-parser) resolve from the project's.
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'silent' as const,
  };
  const result = await build({ ...common, metafile: true, minify: true, legalComments: 'none' });
  const code = result.outputFiles?.[0]?.contents ?? new Uint8Array();
  const output = Object.values(result.metafile.outputs)[0];
  const top = Object.entries(output?.inputs ?? {})
    .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  const unminified = await build(common);
  return {
    raw: unminified.outputFiles?.[0]?.contents.byteLength ?? 0,
    min: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    top,
  };
}

/** The published package, built in a temporary folder: where to bundle from, and what it exports. */
export interface Published {
  /** A folder whose `node_modules/rxjs-assistants` is the package (`package.json` + `dist/`). */
  dir: string;
  /** The names `src/index.ts` exports (what `import { … } from 'rxjs-assistants'` can name). */
  exported: Set<string>;
  cleanup(): void;
}

/**
 * Builds the package with the project's `tsup.config.ts` (ESM only, no types or source maps: a
 * browser bundler reads the `import` condition's `dist/index.js` and its chunks) into a temporary
 * `node_modules/rxjs-assistants`, next to a copy of `package.json` (its `exports` and
 * `sideEffects: false` are what a consumer's bundler reads). Throws when the build fails.
 */
export async function buildPublished(): Promise<Published> {
  const dir = mkdtempSync(join(tmpdir(), 'rxjs-assistants-bundle-'));
  const pkg = join(dir, 'node_modules', 'rxjs-assistants');
  try {
    const { build: tsup } = await import('tsup');
    const { default: config } = (await import('../../tsup.config')) as { default: Record<string, unknown> };
    const previous = process.cwd();
    process.chdir(ROOT);
    try {
      await tsup({
        ...config,
        config: false,
        format: ['esm'],
        dts: false,
        sourcemap: false,
        outDir: join(pkg, 'dist'),
        silent: true,
      });
    } finally {
      process.chdir(previous);
    }
    writeFileSync(join(pkg, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const index = readFileSync(join(ROOT, 'src/index.ts'), 'utf8');
  const exported = new Set<string>();
  for (const block of index.matchAll(/export\s*\{([^}]*)\}\s*from/g))
    for (const name of (block[1] ?? '').split(',')) {
      const local = name
        .trim()
        .split(/\s+as\s+/)
        .at(-1);
      if (local) exported.add(local);
    }
  return { dir, exported, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A consumer's entry that re-exports `names` from the published package. */
export const consumerEntry = (names: readonly string[]): string =>
  `export { ${names.join(', ')} } from 'rxjs-assistants';`;
