#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startEmulator } from './startEmulator';

// rxjs-assistants-emulator: runs the emulator until SIGINT/SIGTERM, for frontends and manual tries.

const USAGE = `Usage: rxjs-assistants-emulator [options]

A local OpenAI Assistants v2 server (in memory) for development and tests.
Point your client's baseURL at the printed URL.

Options:
  -p, --port N             Port to listen on (0 picks a free one). Default: 4010
      --host ADDRESS       Interface to listen on. Default: 127.0.0.1 (loopback only)
      --api-key KEY        Require "Authorization: Bearer KEY" (or "api-key: KEY"). Default: none
      --latency-ms N       Pause before each event of a run. Default: 2
      --poll-after-ms N    Send openai-poll-after-ms on run retrieval. Default: not sent
      --cors [ORIGIN]      Let web pages call the emulator: from ORIGIN (repeatable, e.g.
                           --cors http://localhost:5173), or from any origin when given alone.
                           Default: off (requests with an Origin header get 403)
      --allowed-host HOST  Also answer requests whose Host header names HOST (repeatable; '*' for
                           any). Default: only 127.0.0.1, localhost, [::1] and the --host address
  -h, --help               Show this help.

Memory is bounded: the newest 1000 requests are logged, and 1000 assistants, 1000 threads,
1000 runs and 1000 messages per thread are kept (the oldest go first).`;

function numberOption(values: Record<string, unknown>, name: string): number | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new TypeError(`--${name} must be a number >= 0, got '${text}'.`);
  return value;
}

/** `--cors` alone (last, or before another option) means any origin: parseArgs needs its value spelled out. */
const withCorsValues = (args: readonly string[]): string[] =>
  args.map((arg, i) => {
    const next = args[i + 1];
    return arg === '--cors' && (next === undefined || next.startsWith('-')) ? '--cors=*' : arg;
  });

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: withCorsValues(process.argv.slice(2)),
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'api-key': { type: 'string' },
      'latency-ms': { type: 'string' },
      'poll-after-ms': { type: 'string' },
      cors: { type: 'string', multiple: true },
      'allowed-host': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = numberOption(values, 'port') ?? 4010;
  const latencyMs = numberOption(values, 'latency-ms');
  const pollAfterMs = numberOption(values, 'poll-after-ms');
  const cors = values.cors;
  const emulator = await startEmulator({
    port,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values['api-key'] === undefined ? {} : { apiKey: values['api-key'] }),
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(pollAfterMs === undefined ? {} : { pollAfterMs }),
    ...(cors === undefined ? {} : { cors: cors.includes('*') ? true : cors }),
    ...(values['allowed-host'] === undefined ? {} : { allowedHosts: values['allowed-host'] }),
  });
  console.log(`rxjs-assistants emulator listening on ${emulator.url}`);
  const stop = (signal: NodeJS.Signals): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    console.log(`${signal}: stopping`);
    // Nothing else holds the event loop, so the process exits once the server is closed.
    void emulator.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exitCode = 1;
});
