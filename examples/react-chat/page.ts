import { buildWebPage, type StaticFile } from '../shared/buildWebPage';

/**
 * Builds the page in memory with esbuild (no framework build tool): `web/main.ts` with React,
 * `@ai-sdk/react` and their dependencies bundled and minified (React's production build), plus
 * the HTML and CSS as they are. Nothing is written to disk. Keyed by URL path.
 */
export const buildPage = (): Promise<Map<string, StaticFile>> =>
  buildWebPage(new URL('./web/', import.meta.url), {
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
  });
