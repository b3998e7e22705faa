import { buildWebPage, type StaticFile } from '../shared/buildWebPage';

/**
 * Builds the page in memory: `web/main.ts` bundled by esbuild (it imports the library from `src/`,
 * so the page always runs the code under test), plus the HTML and CSS as they are. Nothing is
 * written to disk. Keyed by URL path.
 */
export const buildPage = (): Promise<Map<string, StaticFile>> =>
  buildWebPage(new URL('./web/', import.meta.url));
