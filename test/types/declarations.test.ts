/**
 * The published declarations keep the exported names (issue 15, item 8): an error or an editor
 * names `Run`, not `import(".../dist/types-….").R`. Reads the build in dist/ (CI builds before it
 * tests; locally, run `npm run build` first, else this file says so and skips).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');
const built = existsSync(join(DIST, 'index.d.ts'));
if (!built) console.warn('test/types/declarations.test.ts: no dist/index.d.ts; run `npm run build` first.');

const declarationFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? declarationFiles(join(dir, entry.name))
      : /\.d\.c?ts$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );

describe.skipIf(!built)('published declarations', () => {
  it('never rename an export to a short alias', () => {
    const files = declarationFiles(DIST);
    expect(files.map((file) => file.slice(DIST.length + 1)).sort()).toEqual([
      'emulator/index.d.cts',
      'emulator/index.d.ts',
      'index.d.cts',
      'index.d.ts',
      'shared.d.cts',
      'shared.d.ts',
      'testing/index.d.cts',
      'testing/index.d.ts',
    ]);
    for (const file of files) {
      const lists = readFileSync(file, 'utf8').matchAll(/^(?:import|export) (?:type )?\{([^}]*)\}/gm);
      const renamed = [...lists]
        .flatMap(([, names = '']) => names.split(','))
        .filter((name) => /\bas\b/.test(name));
      expect(renamed.map((name) => `${file}: ${name.trim()}`)).toEqual([]);
    }
  });

  describe.each(['node16', 'bundler'] as const)('a consumer (moduleResolution %s)', (resolution) => {
    const dir = mkdtempSync(join(tmpdir(), 'rxjs-assistants-consumer-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("sees the library's own names in a type error", () => {
      const modules = join(dir, 'node_modules');
      const pkg = join(modules, 'rxjs-assistants');
      mkdirSync(modules, { recursive: true });
      for (const name of ['rxjs', 'openai', 'eventsource-parser', '@types']) {
        const target = join(modules, name);
        if (!existsSync(target)) {
          symlinkSync(join(ROOT, 'node_modules', name), target, 'dir');
        }
      }
      if (!existsSync(pkg)) {
        symlinkSync(ROOT, pkg, 'dir');
      }
      writeFileSync(join(dir, 'package.json'), '{ "name": "consumer", "type": "module" }');
      const file = join(dir, 'app.ts');
      writeFileSync(
        file,
        [
          "import { aRun } from 'rxjs-assistants/testing';",
          '// Another type named Run, as the SDK has: the error must tell the two apart by name.',
          'interface Run { readonly other: true }',
          'export const run: Run = aRun();',
        ].join('\n'),
      );
      const program = ts.createProgram([file], {
        module: resolution === 'node16' ? ts.ModuleKind.Node16 : ts.ModuleKind.ESNext,
        moduleResolution:
          resolution === 'node16' ? ts.ModuleResolutionKind.Node16 : ts.ModuleResolutionKind.Bundler,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        types: ['node'],
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        preserveSymlinks: true,
      });
      const messages = ts
        .getPreEmitDiagnostics(program)
        .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      expect(messages).toHaveLength(1);
      // Before: … in type 'import(".../dist/types-BvCHsYn1").R' but required in type 'Run'.
      expect(messages[0]).toMatch(
        / type 'import\("[^"]*\/dist\/shared"[^)]*\)\.Run' but required in type 'Run'\.$/,
      );
    }, 30_000);
  });
});
