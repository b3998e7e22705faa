/**
 * The API reference's checks (`npm run docs`, in CI): an export without TSDoc, a `{@link}` that
 * resolves to nothing, and a stale excuse in `intentionallyNotDocumented` each fail the build.
 * Runs TypeDoc with docs/typedoc.json's settings on a three-line project.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const settings = JSON.parse(readFileSync(join(ROOT, 'docs/typedoc.json'), 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'rxjs-assistants-typedoc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function typedoc(source: string, excused: string[] = []): { status: number | null; output: string } {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src/index.ts'), source);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'es2022', module: 'esnext' },
      include: ['src'],
    }),
  );
  const { externalSymbolLinkMappings: _mappings, ...rest } = settings;
  writeFileSync(
    join(dir, 'typedoc.json'),
    JSON.stringify({
      ...rest,
      entryPoints: ['./src/index.ts'],
      tsconfig: './tsconfig.json',
      plugin: [join(ROOT, 'docs/exportsDocumented.mjs')],
      out: './api',
      intentionallyNotDocumented: excused,
    }),
  );
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--options', 'typedoc.json', '--logLevel', 'Warn'],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the API reference build', () => {
  it('passes when every export has TSDoc and every link resolves', () => {
    const { status, output } = typedoc(
      '/** One, see {@link b}. */\nexport const a = 1;\n/** Two. */\nexport function b(): number {\n  return 2;\n}\n',
    );
    expect(output).toBe('');
    expect(status).toBe(0);
  }, 60_000);

  it('fails on an export without TSDoc, naming it and its file', () => {
    const { status, output } = typedoc(
      '/** One. */\nexport const a = 1;\nexport function b(): number {\n  return 2;\n}\n',
    );
    expect(output).toContain('b has no TSDoc: document it where it is declared (src/index.ts).');
    expect(status).not.toBe(0);
  }, 60_000);

  it('fails on a {@link} to nothing', () => {
    const { status, output } = typedoc('/** One, see {@link Nowhere}. */\nexport const a = 1;\n');
    expect(output).toContain('Failed to resolve link to "Nowhere" in comment for a');
    expect(status).not.toBe(0);
  }, 60_000);

  it('fails on an excuse that is no longer needed, and accepts one that is', () => {
    const source = '/** One. */\nexport const a = 1;\nexport const b = 2;\n';
    expect(typedoc(source, ['b']).status).toBe(0);
    const stale = typedoc(source, ['b', 'a']);
    expect(stale.output).toContain(
      'a is listed in intentionallyNotDocumented (docs/typedoc.json) but is documented or gone',
    );
    expect(stale.status).not.toBe(0);
  }, 60_000);
});
