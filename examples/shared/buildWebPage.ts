import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

/** A file the server answers from memory. */
export interface StaticFile {
  type: string;
  body: Uint8Array | string;
}

/** What an example may add to the bundle's esbuild options (minify, define …). */
export type BundleOptions = Pick<BuildOptions, 'minify' | 'define' | 'legalComments'>;

/**
 * Builds an example's page in memory, from its `web` folder: `main.ts` bundled by esbuild (for the
 * browser, with a linked source map, and `options` on top), plus `index.html` and `style.css` as
 * they are. Nothing is written to disk. Keyed by URL path (`/`, `/style.css`, `/main.js` …).
 */
export async function buildWebPage(web: URL, options: BundleOptions = {}): Promise<Map<string, StaticFile>> {
  const path = (name: string): string => fileURLToPath(new URL(name, web));
  const bundle = await build({
    entryPoints: [path('main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: 'main.js',
    sourcemap: 'linked',
    logLevel: 'silent',
    ...options,
  });
  const files = new Map<string, StaticFile>([
    ['/', { type: 'text/html; charset=utf-8', body: await readFile(path('index.html'), 'utf8') }],
    ['/style.css', { type: 'text/css; charset=utf-8', body: await readFile(path('style.css'), 'utf8') }],
  ]);
  for (const output of bundle.outputFiles) {
    const name = basename(output.path);
    const type = name.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8';
    files.set(`/${name}`, { type, body: output.contents });
  }
  return files;
}
