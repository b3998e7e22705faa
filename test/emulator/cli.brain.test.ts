import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledCli, runCli } from './cliHarness';
import { strictFrames } from './helpers';

// --brain <module>: JavaScript (ESM or CommonJS), TypeScript through tsx, a streaming brain, and
// the example brain that wraps a chat completions endpoint (a fake one here, on 127.0.0.1).

const cli = bundledCli();

/** Writes a brain module into the test's folder; returns its path. */
const brainFile = (name: string, source: string): string => {
  const path = join(cli.dir(), name);
  writeFileSync(path, source);
  return path;
};

/** The text an Assistants run streams, through the CLI started with `args`. */
async function replyThrough(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const started = runCli(cli.path(), ['--port', '0', '--latency-ms', '0', ...args], options);
  try {
    const url = await started.url();
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' },
        body: JSON.stringify(body),
      });
    const assistant = await (await post('/assistants', { model: 'local-model' })).json();
    const answer = await post('/threads/runs', {
      assistant_id: assistant.id,
      stream: true,
      thread: { messages: [{ role: 'user', content: 'ping' }] },
    });
    const frames = strictFrames(await answer.text());
    const deltas = frames
      .filter((f) => f.event === 'thread.message.delta')
      .map((f) => JSON.parse(f.data).delta.content[0].text.value as string);
    return { deltas, last: frames.at(-2)?.event, out: started.out() };
  } finally {
    const { code, err } = await started.stop();
    expect([code, err]).toEqual([0, '']);
  }
}

describe('rxjs-assistants-emulator --brain', () => {
  it('loads a JavaScript brain (default export or `brain`, ESM or CommonJS); a streaming one streams', async () => {
    const streaming = brainFile(
      'streaming.mjs',
      "export default async function* ({ lastUserText }) { yield 'Echo'; yield ': '; yield lastUserText; }\n",
    );
    expect(await replyThrough(['--brain', streaming])).toMatchObject({
      deltas: ['Echo', ': ', 'ping'],
      last: 'thread.run.completed',
    });
    const named = brainFile('named.mjs', "export const brain = () => [{ type: 'text', text: ['named'] }];\n");
    expect((await replyThrough(['--brain', named])).deltas).toEqual(['named']);
    const common = brainFile(
      'common.cjs',
      "module.exports.brain = () => [{ type: 'text', text: ['from cjs'] }];\n",
    );
    const { deltas, out } = await replyThrough(['--brain', common]);
    expect(deltas).toEqual(['from cjs']);
    expect(out).toContain(`  brain ${common}`);
  });

  it('loads a TypeScript brain through tsx (found from the working directory)', async () => {
    const typed = brainFile(
      'typed.ts',
      "import type { Brain } from 'rxjs-assistants/emulator';\nconst brain: Brain = (): { type: 'text'; text: string[] }[] => [{ type: 'text', text: ['typed'] }];\nexport default brain;\n",
    );
    expect((await replyThrough(['--brain', typed])).deltas).toEqual(['typed']);
  });

  it('without tsx, a TypeScript brain says what to do (unless this Node strips types)', async () => {
    const typed = brainFile(
      'alone.ts',
      "export default (): unknown[] => [{ type: 'text', text: ['stripped'] }];\n",
    );
    const strips = Boolean((process.features as { typescript?: unknown }).typescript);
    if (strips) {
      expect((await replyThrough(['--brain', typed], { cwd: cli.dir() })).deltas).toEqual(['stripped']);
      return;
    }
    const { code, err } = await runCli(cli.path(), ['--brain', typed], { cwd: cli.dir() }).exit;
    expect(code).toBe(2);
    expect(err).toContain(`--brain ${typed}: Node ${process.version} cannot load TypeScript by itself`);
    expect(err).toContain('npm install --save-dev tsx');
  });

  it('exits 2 for a brain that is missing, fails to load, or exports no function', async () => {
    const cases: [string, string | undefined, RegExp][] = [
      ['missing.mjs', undefined, /--brain .*missing\.mjs: no such file \(looked at /],
      [
        'throws.mjs',
        "throw new Error('BRAIN_URL is not set');\n",
        /--brain .*throws\.mjs failed to load: BRAIN_URL is not set/,
      ],
      [
        'empty.mjs',
        'export const answer = 42;\n',
        /exports no brain: export a function .* \(it exports answer\)/,
      ],
    ];
    for (const [name, source, message] of cases) {
      const path = source === undefined ? join(cli.dir(), name) : brainFile(name, source);
      const { code, err } = await runCli(cli.path(), ['--port', '0', '--brain', path]).exit;
      expect([name, code]).toEqual([name, 2]);
      expect(err).toMatch(message);
    }
  });

  describe('examples/brains/openaiCompatible.ts', () => {
    let server: Server | undefined;
    afterAll(() => server?.close());

    it('streams what a chat completions endpoint (named by BRAIN_BASE_URL) sends', async () => {
      const bodies: unknown[] = [];
      server = createServer((req, res) => {
        let text = '';
        req.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        req.on('end', () => {
          bodies.push(JSON.parse(text));
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (const content of ['Po', 'ng', '!'])
            res.write(
              `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`,
            );
          res.end('data: [DONE]\n\n');
        });
      });
      await new Promise<void>((listening) => server?.listen(0, '127.0.0.1', listening));
      const env = {
        ...process.env,
        BRAIN_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
        BRAIN_MODEL: 'tiny-local',
      };
      const example = resolve('examples/brains/openaiCompatible.ts');
      expect(await replyThrough(['--brain', example], { env })).toMatchObject({
        deltas: ['Po', 'ng', '!'],
        last: 'thread.run.completed',
      });
      expect(bodies).toEqual([
        { model: 'tiny-local', messages: [{ role: 'user', content: 'ping' }], stream: true },
      ]);
    });
  });
});
