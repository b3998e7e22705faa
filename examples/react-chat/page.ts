import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** A file the server answers from memory. */
export interface StaticFile {
  type: string;
  body: Uint8Array | string;
}

const web = (name: string): string => fileURLToPath(new URL(`./web/${name}`, import.meta.url));

/**
 * Builds the page in memory with esbuild (no framework build tool): `web/main.ts` with React,
 * `@ai-sdk/react` and their dependencies bundled and minified (React's production build), plus
 * the HTML and CSS as they are. Nothing is written to disk. Keyed by URL path.
 */
export async function buildPage(): Promise<Map<string, StaticFile>> {
  const bundle = await build({
    entryPoints: [web('main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: 'main.js',
    minify: true,
    sourcemap: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'silent',
  });
  const files = new Map<string, StaticFile>([
    ['/', { type: 'text/html; charset=utf-8', body: await readFile(web('index.html'), 'utf8') }],
    ['/style.css', { type: 'text/css; charset=utf-8', body: await readFile(web('style.css'), 'utf8') }],
  ]);
  for (const output of bundle.outputFiles) {
    const name = basename(output.path);
    const type = name.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8';
    files.set(`/${name}`, { type, body: output.contents });
  }
  return files;
}
