import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledCli, type CliProcess, linesMatching, runCli } from './cliHarness';
import { eventsOf, eventually, strictFrames } from './helpers';

// Every flag of the spawned CLI, seen from outside: what the emulator then answers over HTTP.
// (--cors, --port, --api-key: cli.test.ts; --brain: cli.brain.test.ts.)

const cli = bundledCli();

/** Runs the CLI on a free port with `args`, gives `test` its URL, then stops it (exit code 0). */
async function withCli(args: string[], test: (url: string, process: CliProcess) => Promise<void>) {
  const started = runCli(cli.path(), ['--port', '0', '--latency-ms', '0', ...args]);
  try {
    await test(await started.url(), started);
  } finally {
    const { code, err } = await started.stop();
    expect([code, err]).toEqual([0, '']);
  }
}

const json = (url: string, path: string, body?: unknown) =>
  fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** An assistant, a thread with "hi", and a run on it; returns the run as created. */
async function startRun(url: string) {
  const assistant = await (await json(url, '/assistants', { model: 'gpt-4o' })).json();
  const thread = await (await json(url, '/threads', { messages: [{ role: 'user', content: 'hi' }] })).json();
  const run = await (await json(url, `/threads/${thread.id}/runs`, { assistant_id: assistant.id })).json();
  return { thread, run };
}

describe('rxjs-assistants-emulator flags', () => {
  it('--poll-after (and --poll-after-ms) set openai-poll-after-ms; --expires-after sets expires_at', async () => {
    for (const spelling of ['--poll-after', '--poll-after-ms'])
      await withCli([spelling, '7', '--expires-after', '90s'], async (url) => {
        const { thread, run } = await startRun(url);
        expect(run.expires_at - run.created_at).toBe(90);
        const retrieved = await json(url, `/threads/${thread.id}/runs/${run.id}`);
        expect(retrieved.headers.get('openai-poll-after-ms')).toBe('7');
      });
    await withCli([], async (url) => {
      const { thread, run } = await startRun(url);
      expect(run.expires_at - run.created_at).toBe(600);
      expect(
        (await json(url, `/threads/${thread.id}/runs/${run.id}`)).headers.get('openai-poll-after-ms'),
      ).toBeNull();
    });
  });

  it('--latency-ms paces the events of a run', async () => {
    const started = runCli(cli.path(), ['--port', '0', '--latency-ms', '40']);
    try {
      const url = await started.url();
      const before = performance.now();
      const { thread, run } = await startRun(url);
      await eventually(async () => {
        const status = (await (await json(url, `/threads/${thread.id}/runs/${run.id}`)).json()).status;
        return status === 'completed' ? true : undefined;
      });
      // in_progress, the message, its three words ("You said: \"hi\""), its end, completed: 7 × 40 ms
      expect(performance.now() - before).toBeGreaterThan(250);
    } finally {
      expect((await started.stop()).code).toBe(0);
    }
  });

  it('--response-stream-max-age refuses a re-attach to an older response; --keep-alive 0 sends no keepalive', async () => {
    await withCli(['--response-stream-max-age', '300ms', '--keep-alive', '0'], async (url) => {
      const created = await json(url, '/responses', { model: 'gpt-4o', input: 'hello', stream: true });
      const id = eventsOf(strictFrames(await created.text()))[0].response.id;
      expect((await fetch(`${url}/responses/${id}?stream=true&starting_after=2`)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const refused = await fetch(`${url}/responses/${id}?stream=true&starting_after=2`);
      expect(refused.status).toBe(400);
      expect((await refused.json()).error.message).toBe(
        'This response can no longer be streamed because it is more than 300 ms old.',
      );
    });
  });

  it('--keep-alive sends keepalive events on an idle Responses stream', async () => {
    const brain = join(cli.dir(), 'slow.mjs');
    writeFileSync(
      brain,
      "export default () => [{ type: 'delay', ms: 300 }, { type: 'text', text: 'late' }];\n",
    );
    await withCli(['--keep-alive', '50', '--brain', brain], async (url) => {
      const streamed = await json(url, '/responses', { model: 'gpt-4o', input: 'hello', stream: true });
      const frames = strictFrames(await streamed.text());
      expect(frames.filter((f) => f.event === 'keepalive').length).toBeGreaterThanOrEqual(2);
      expect(frames.at(-1)?.event).toBe('response.completed');
    });
  });

  it('--idempotent-response-cancel answers the cancel of an ended response as it is, instead of a 400', async () => {
    const cancelEnded = async (url: string) => {
      const created = await (
        await json(url, '/responses', { model: 'gpt-4o', input: 'hi', background: true })
      ).json();
      await eventually(async () =>
        (await (await json(url, `/responses/${created.id}`)).json()).status === 'completed'
          ? true
          : undefined,
      );
      return (await json(url, `/responses/${created.id}/cancel`, {})).status;
    };
    await withCli([], async (url) => expect(await cancelEnded(url)).toBe(400));
    await withCli(['--idempotent-response-cancel'], async (url) => expect(await cancelEnded(url)).toBe(200));
  });

  it('--faults (inline or @file) injects faults; --seed makes them repeatable', async () => {
    const once = JSON.stringify([{ type: 'status', status: 503, on: 'assistants.list', times: 1 }]);
    const file = join(cli.dir(), 'faults.json');
    writeFileSync(file, JSON.stringify({ rules: JSON.parse(once) }));
    for (const faults of [once, `@${file}`])
      await withCli(['--faults', faults], async (url) => {
        expect((await json(url, '/assistants')).status).toBe(503);
        expect((await json(url, '/assistants')).status).toBe(200);
      });
    const coinFlips = JSON.stringify([
      { type: 'status', status: 500, on: 'assistants.list', probability: 0.5 },
    ]);
    const pattern = async (seed: string) => {
      let statuses = '';
      await withCli(['--faults', coinFlips, '--seed', seed], async (url) => {
        for (let i = 0; i < 16; i++) statuses += (await json(url, '/assistants')).status === 500 ? 'x' : '.';
      });
      return statuses;
    };
    const first = await pattern('7');
    expect(first).toMatch(/x/);
    expect(first).toMatch(/\./);
    expect(await pattern('7')).toBe(first);
    expect(await pattern('8')).not.toBe(first);
  });

  it('--limit caps what is kept (the oldest go first)', async () => {
    await withCli(['--limit', 'assistants=2'], async (url) => {
      for (let i = 0; i < 3; i++) await json(url, '/assistants', { model: 'gpt-4o', name: `a${i}` });
      const list = await (await json(url, '/assistants?order=asc')).json();
      expect(list.data.map((a: { name: string }) => a.name)).toEqual(['a1', 'a2']);
    });
  });

  it('--host and --allowed-host decide which Host headers are answered', async () => {
    const withHost = (url: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${url}/assistants`, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    await withCli(['--host', '127.0.0.1'], async (url, started) => {
      expect(await started.line).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(await withHost(url, 'emulator.internal')).toBe(403);
      expect(await withHost(url, 'localhost:1234')).toBe(200);
    });
    await withCli(['--allowed-host', 'emulator.internal'], async (url) => {
      expect(await withHost(url, 'emulator.internal:4010')).toBe(200);
      expect(await withHost(url, 'evil.example')).toBe(403);
    });
  });

  it('--log prints one line per request: method, path, status, ms, stream, faults', async () => {
    const faults = JSON.stringify([{ type: 'latency', ms: 5, on: 'assistants.list' }]);
    await withCli(['--log', '--faults', faults], async (url, started) => {
      await linesMatching(started, /logging requests/, 1);
      await json(url, '/assistants');
      await json(url, '/nowhere');
      const assistant = await (await json(url, '/assistants', { model: 'gpt-4o' })).json();
      await (
        await json(url, '/threads/runs', {
          assistant_id: assistant.id,
          stream: true,
          thread: { messages: [{ role: 'user', content: 'hi' }] },
        })
      ).text();
      const lines = await linesMatching(started, /^(GET|POST) /, 4);
      expect(lines[0]).toMatch(/^GET \/v1\/assistants 200 \d+ms faults=latency$/);
      expect(lines[1]).toMatch(/^GET \/v1\/nowhere 404 \d+ms$/);
      expect(lines[2]).toMatch(/^POST \/v1\/assistants 200 \d+ms$/);
      expect(lines[3]).toMatch(/^POST \/v1\/threads\/runs 200 \d+ms stream$/);
    });
    await withCli([], async (url, started) => {
      await json(url, '/assistants');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(started.out()).not.toMatch(/^GET /m);
    });
  });

  it('exits 2 on an unknown flag or a bad value, 1 when it cannot listen', async () => {
    for (const args of [
      ['--nope'],
      ['--keep-alive', 'x'],
      ['--faults', '{'],
      ['--limit', 'x=1'],
      ['--cors', 'nope'],
    ]) {
      const { code, err, out } = await runCli(cli.path(), args).exit;
      expect([args, code, out]).toEqual([args, 2, '']);
      expect(err).toMatch(
        /^rxjs-assistants-emulator: .+\nRun rxjs-assistants-emulator --help for the options\.\n$/,
      );
    }
    await withCli([], async (url) => {
      const port = new URL(url).port;
      const second = await runCli(cli.path(), ['--port', port]).exit;
      expect(second.code).toBe(1);
      expect(second.err).toContain('EADDRINUSE');
    });
  });
});
