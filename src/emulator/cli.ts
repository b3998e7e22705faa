#!/usr/bin/env node
import type { Brain } from './Brain';
import { CliUsageError, parseCliArgs } from './cliArgs';
import { usage } from './cliFlags';
import type { Emulator, EmulatorOptions } from './EmulatorOptions';
import { loadBrain } from './loadBrain';
import { boundedLineWriter, formatRequestLine } from './requestLogLine';
import { startEmulator } from './startEmulator';

// rxjs-assistants-emulator: runs the emulator until SIGINT/SIGTERM, beside an app in development.
// Exit codes: 0 after a signal or --help, 2 for a bad flag or value, 1 when it cannot start.

/** The flag that sets an option, to name it in startEmulator's messages. */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  cors: 'cors',
  allowedHosts: 'allowed-host',
  host: 'host',
  apiKey: 'api-key',
};

/** Writes `message` to stderr, then exits with `code` (once the text is out, even to a pipe). */
function exit(code: number, message: string): void {
  process.stderr.write(`${message}\n`, () => process.exit(code));
}

/** A line saying what runs besides the defaults, or nothing. */
function summary(brain: string | undefined, options: EmulatorOptions, log: boolean): string | undefined {
  const parts = [
    brain === undefined ? undefined : `brain ${brain}`,
    options.faults
      ? `${options.faults.rules.length} fault rule(s), seed ${options.faults.seed ?? 1}`
      : undefined,
    log ? 'logging requests' : undefined,
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? `  ${parts.join('; ')}` : undefined;
}

async function main(args: readonly string[]): Promise<void> {
  const config = parseCliArgs(args);
  if (config.help) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const brain: Brain | undefined = config.brain === undefined ? undefined : await loadBrain(config.brain);
  const writeLine = config.log ? boundedLineWriter(process.stdout) : undefined;
  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      ...config.options,
      ...(brain ? { brain } : {}),
      ...(writeLine ? { onRequest: (request, ms) => writeLine(formatRequestLine(request, ms)) } : {}),
    });
  } catch (error) {
    // An option startEmulator refuses is a bad value too; anything else (a port in use) is not.
    if (error instanceof TypeError)
      throw new CliUsageError(
        error.message.replace(/^startEmulator: '(\w+)'/, (said, name: string) =>
          FLAG_OF_OPTION[name] ? `--${FLAG_OF_OPTION[name]}` : said,
        ),
      );
    throw error;
  }
  const stop = (signal: NodeJS.Signals): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // A second signal while closing ends the process at once (see the handlers below).
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
    console.log(`${signal}: stopping`);
    // A brain module may hold the event loop (a model's keep-alive sockets): exit once closed.
    void emulator.close().then(() => process.stdout.write('', () => process.exit(0)));
  };
  // Listening for signals before saying where it listens: whoever reads the URL may stop it at once.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`rxjs-assistants emulator listening on ${emulator.url}`);
  const extra = summary(config.brain, config.options, config.log);
  if (extra) console.log(extra);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliUsageError)
    exit(
      2,
      `rxjs-assistants-emulator: ${error.message}\nRun rxjs-assistants-emulator --help for the options.`,
    );
  else exit(1, `rxjs-assistants-emulator: ${error instanceof Error ? error.message : String(error)}`);
});
