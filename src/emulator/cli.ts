#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startEmulator } from './startEmulator';

// rxjs-assistants-emulator: runs the emulator until SIGINT/SIGTERM, for frontends and manual tries.

const USAGE = `Usage: rxjs-assistants-emulator [--port 4010] [--host 127.0.0.1] [--api-key KEY] [--latency-ms 2] [--poll-after-ms N]

A local OpenAI Assistants v2 server (in memory) for development and tests.
Point your client's baseURL at the printed URL.`;

function numberOption(values: Record<string, unknown>, name: string): number | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new TypeError(`--${name} must be a number >= 0, got '${text}'.`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'api-key': { type: 'string' },
      'latency-ms': { type: 'string' },
      'poll-after-ms': { type: 'string' },
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
  const emulator = await startEmulator({
    port,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values['api-key'] === undefined ? {} : { apiKey: values['api-key'] }),
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(pollAfterMs === undefined ? {} : { pollAfterMs }),
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
