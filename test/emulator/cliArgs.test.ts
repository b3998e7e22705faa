import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliUsageError, parseCliArgs } from '../../src/emulator/cliArgs';
import { CLI_FLAGS, usage } from '../../src/emulator/cliFlags';

// The command line, read in process: each flag to its option, each mistake to a message (the
// spawned CLI is tested in cli.test.ts and cli.flags.test.ts).

const dir = mkdtempSync(join(tmpdir(), 'cli-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const optionsOf = (...args: string[]) => parseCliArgs(args).options;
const mistake = (...args: string[]): string => {
  try {
    parseCliArgs(args);
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${args.join(' ')}`);
};

describe('parseCliArgs', () => {
  it('without flags: port 4010 and nothing else set (startEmulator has the other defaults)', () => {
    expect(parseCliArgs([])).toEqual({ help: false, log: false, brain: undefined, options: { port: 4010 } });
  });

  it('reads every flag into its option', () => {
    const faults = JSON.stringify({ seed: 3, rules: [{ type: 'status', status: 503, times: 1 }] });
    expect(
      parseCliArgs([
        '-p',
        '0',
        '--host',
        '0.0.0.0',
        '--allowed-host',
        'a.internal',
        '--allowed-host=b.internal',
        '--cors',
        'http://localhost:5173',
        '--api-key',
        'sk-x',
        '--brain',
        'brain.js',
        '--faults',
        faults,
        '--seed',
        '9',
        '--latency-ms',
        '0',
        '--poll-after',
        '250',
        '--expires-after',
        '10m',
        '--response-stream-max-age',
        '30s',
        '--keep-alive',
        '0',
        '--idempotent-response-cancel',
        '--limit',
        'runs=10',
        '--limit',
        'requestLog=0',
        '--limit',
        'responses=Infinity',
        '--log',
      ]),
    ).toEqual({
      help: false,
      log: true,
      brain: 'brain.js',
      options: {
        port: 0,
        host: '0.0.0.0',
        allowedHosts: ['a.internal', 'b.internal'],
        cors: ['http://localhost:5173'],
        apiKey: 'sk-x',
        faults: { seed: 9, rules: [{ type: 'status', status: 503, times: 1 }] },
        latencyMs: 0,
        pollAfterMs: 250,
        expiresAfterMs: 600_000,
        responseStreamMaxAgeMs: 30_000,
        keepAliveMs: 0,
        idempotentResponseCancel: true,
        limits: { runs: 10, requestLog: 0, responses: Number.POSITIVE_INFINITY },
      },
    });
    expect(parseCliArgs(['-h']).help).toBe(true);
    expect(parseCliArgs(['--help']).help).toBe(true);
  });

  it('takes the older spellings, durations with units, --cors alone, and the last of a repeated flag', () => {
    expect(optionsOf('--poll-after-ms', '7', '--latency', '1')).toEqual({
      port: 4010,
      pollAfterMs: 7,
      latencyMs: 1,
    });
    expect(optionsOf('--expires-after', '1h').expiresAfterMs).toBe(3_600_000);
    expect(optionsOf('--expires-after', '1.5s').expiresAfterMs).toBe(1500);
    expect(optionsOf('--expires-after', '250ms').expiresAfterMs).toBe(250);
    expect(optionsOf('--cors').cors).toBe(true);
    expect(optionsOf('--cors', '--log').cors).toBe(true);
    expect(optionsOf('--cors', 'http://a.test', '--cors', '*').cors).toBe(true);
    expect(optionsOf('--port', '1', '--port', '2').port).toBe(2);
  });

  it('reads --faults from a file (@path), and a bare rules array', () => {
    const file = join(dir, 'faults.json');
    writeFileSync(file, JSON.stringify({ rules: [{ type: 'latency', ms: 5 }] }));
    expect(optionsOf('--faults', `@${file}`).faults).toEqual({ rules: [{ type: 'latency', ms: 5 }] });
    expect(optionsOf('--faults', '[{"type":"drop"}]', '--seed', '4').faults).toEqual({
      seed: 4,
      rules: [{ type: 'drop' }],
    });
  });

  it('says what is wrong with a flag', () => {
    expect(mistake('--bogus')).toBe("Unknown option '--bogus'.");
    expect(mistake('--prot', '1')).toBe("Unknown option '--prot'. Did you mean --port?");
    expect(mistake('--expires-afer', '1')).toBe(
      "Unknown option '--expires-afer'. Did you mean --expires-after?",
    );
    expect(mistake('-x')).toBe("Unknown option '-x'.");
    expect(mistake('4010')).toBe("Unexpected argument '4010': options start with --, e.g. --port 4010.");
    expect(mistake('--port')).toBe('--port needs a value (N).');
    expect(mistake('--brain', '--log')).toBe('--brain needs a value (MODULE).');
    expect(mistake('--log=yes')).toBe("--log takes no value, got '--log=yes'.");
  });

  it('says what is wrong with a value', () => {
    expect(mistake('--port', '70000')).toBe("--port must be a whole number from 0 to 65535, got '70000'.");
    expect(mistake('--poll-after', 'soon')).toBe(
      "--poll-after must be a duration in ms (or 30s, 10m, 1h), got 'soon'.",
    );
    expect(mistake('--keep-alive', '2d')).toMatch(/^--keep-alive must be a duration/);
    expect(mistake('--expires-after', '30d')).toMatch(/^--expires-after must be a duration/);
    expect(mistake('--expires-after', '25000h')).toMatch(/^--expires-after must be at most 2147483647 ms/);
    expect(mistake('--response-stream-max-age', '0')).toBe(
      '--response-stream-max-age must be a finite number of milliseconds > 0, got 0.',
    );
    expect(mistake('--seed', '-1', '--faults', '[]')).toBe('--seed needs a value (N).');
    expect(mistake('--seed=-1', '--faults', '[]')).toBe(
      "--seed must be a whole number from 0 to 4294967295, got '-1'.",
    );
    expect(mistake('--seed', 'x')).toMatch(/^--seed must be a whole number/);
    expect(mistake('--faults', '{oops')).toMatch(/^--faults is not valid JSON: /);
    expect(mistake('--faults', '{"rules":[{"type":"status","status":200}]}')).toBe(
      '--faults: faults.rules[0].status must be an HTTP error status (400-599), e.g. 429 or 503.',
    );
    expect(mistake('--faults', '{"seed":1}')).toMatch(
      /^--faults: faults must be an object with a 'rules' array/,
    );
    expect(mistake('--faults', `@${join(dir, 'missing.json')}`)).toMatch(
      /^--faults @.*missing\.json: cannot read the file/,
    );
    expect(mistake('--limit', 'runs')).toMatch(
      /^--limit must be KIND=N with KIND one of requestLog, assistants/,
    );
    expect(mistake('--limit', 'run=3')).toMatch(/^--limit must be KIND=N/);
    expect(mistake('--limit', 'runs=0')).toBe(
      "--limit runs must be a whole number >= 1 or Infinity, got '0'.",
    );
    expect(mistake('--limit', 'requestLog=-1')).toBe(
      "--limit requestLog must be a whole number >= 0 or Infinity, got '-1'.",
    );
  });
});

describe('usage', () => {
  it('lists every flag, with its value and default', () => {
    const text = usage();
    for (const flag of CLI_FLAGS) {
      expect(text).toContain(`--${flag.name}${flag.value ? ` ${flag.value}` : ''}`);
      for (const alias of flag.aliases ?? []) expect(text).toContain(`--${alias}`);
    }
    const defaults = CLI_FLAGS.filter((flag) => flag.default !== undefined);
    expect(defaults.map((flag) => flag.name)).toEqual(
      CLI_FLAGS.map((f) => f.name).filter((n) => n !== 'help'),
    );
    expect(text.match(/Default:/g)).toHaveLength(defaults.length);
    expect(Math.max(...text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
  });
});
