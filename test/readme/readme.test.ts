/**
 * The README's snippets work as pasted (issue 15): every ```ts block typechecks under the
 * project's strict settings, with `rxjs-assistants` resolved to the sources, and every block that
 * is not marked as a fragment runs as a program (`tsx`), against an emulator given as
 * `OPENAI_BASE_URL` when it does not start its own, exits 0 and writes nothing to stderr.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator';
import { ROOT, RUN_DIR, readmeBlocks, runBlock, typecheck } from './readmeBlocks';

const blocks = readmeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const programs = blocks.filter((block) => block.kind === 'program');

describe('README.md', () => {
  it('opens with a complete program against the emulator: an assistant with a tool, a thread, a run, deltas and the final messages', () => {
    const first = blocks[0];
    expect(first?.kind).toBe('program');
    for (const part of [
      'startEmulator',
      'assistants.create',
      "type: 'function'",
      'textDeltas',
      'finalMessages',
    ]) {
      expect(first?.code).toContain(part);
    }
    expect(first?.code).not.toMatch(/(asst|thread|run)_abc/);
  });

  it('every ```ts block typechecks (fragments with their free names declared)', () => {
    const problems = [...typecheck(blocks).values()].flat();
    expect(problems).toEqual([]);
  }, 60_000);

  it('the check sees a mistake, at its README line (and a fragment name in a program)', () => {
    const code = "import { completeRun } from 'rxjs-assistants';\nconst n: number = completeRun;\n";
    const found = typecheck([
      { line: 10, code, kind: 'program' },
      { line: 20, code: 'console.log(assistant_id.length);', kind: 'program' },
      { line: 30, code: 'console.log(assistant_id.length);', kind: 'fragment' },
    ]);
    expect(found.get(10)).toEqual([
      expect.stringMatching(/^README\.md:12: Type '.*' is not assignable to type 'number'/),
    ]);
    expect(found.get(20)).toEqual(["README.md:21: Cannot find name 'assistant_id'."]);
    expect(found.get(30)).toEqual([]);
  }, 60_000);

  // A block that is not a complete program: put `<!-- readme-check: typecheck -->` on the line before it.
  describe('every program block runs (a fragment is marked <!-- readme-check: typecheck -->)', () => {
    let emulator: Emulator;
    beforeAll(async () => {
      emulator = await startEmulator();
    });
    afterAll(async () => {
      await emulator.close();
      rmSync(RUN_DIR, { recursive: true, force: true });
    });

    it.each(programs.map((block) => [block.line, block]))(
      'README.md:%i',
      async (_line, block) => {
        const { OPENAI_API_KEY: _key, ...env } = process.env;
        const result = await runBlock(block, { ...env, OPENAI_BASE_URL: emulator.url, NO_COLOR: '1' });
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(result.stdout).not.toBe('');
      },
      40_000,
    );
  });
});
