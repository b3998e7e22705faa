import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import { defineConfig, type Options } from 'tsup';

const entry = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'emulator/index': 'src/emulator/index.ts',
  'emulator/cli': 'src/emulator/cli.ts',
};

type ModuleInfoOf = (id: string) => { isEntry: boolean; importers: readonly string[] } | null;

/** The entry modules from which `id` is imported, directly or not. */
function entriesReaching(id: string, info: ModuleInfoOf, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  if (seen.has(id)) return found;
  seen.add(id);
  const module = info(id);
  if (module?.isEntry) found.add(id);
  for (const importer of module?.importers ?? []) {
    for (const entryId of entriesReaching(importer, info, seen)) found.add(entryId);
  }
  return found;
}

/**
 * Declarations with readable names: `<entry>.d.ts` (ESM) and `.d.cts` (CJS), and the types that
 * entries share in one `shared.d.ts` / `.d.cts`. tsup's own `dts` bundles the same way but renames
 * the shared exports to `R`, `a`, `b` … (Rollup's `minifyInternalExports`, which it does not
 * expose), so editors and errors named `import(".../dist/types-….").R` instead of `Run`.
 */
async function declarations(outDir: string): Promise<void> {
  const { 'emulator/cli': _cli, ...typed } = entry;
  const bundle = await rollup({
    input: typed,
    plugins: [dts({ compilerOptions: { noEmit: false, declarationMap: false, skipLibCheck: true } })],
    external: (id) => /^(rxjs|openai|eventsource-parser)($|\/)/.test(id) || id.startsWith('node:'),
  });
  try {
    for (const extension of ['.d.ts', '.d.cts']) {
      await bundle.write({
        dir: outDir,
        format: 'es',
        entryFileNames: `[name]${extension}`,
        chunkFileNames: `[name]${extension}`,
        // What two entries share goes into one chunk with a stable name; the rest stays in its entry.
        manualChunks: (id, { getModuleInfo }) =>
          entriesReaching(id, getModuleInfo).size > 1 ? 'shared' : undefined,
        minifyInternalExports: false,
      });
    }
  } finally {
    await bundle.close();
  }
}

/**
 * Writes {@link declarations} next to the ESM output of every build (the bundle bench's too: tsup
 * does not tell a `dts: false` from no `dts`), unless `dts` asks for tsup's own.
 */
const readableDeclarations: NonNullable<Options['plugins']>[number] = {
  name: 'readable-declarations',
  async buildEnd() {
    if (this.format !== 'esm' || this.options.dts !== undefined) return;
    await declarations(this.options.outDir);
  },
};

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  plugins: [readableDeclarations],
  // One shared chunk per format keeps error classes single, so `instanceof` works across entries.
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['rxjs', 'openai'],
});
