import { readFileSync, statSync } from 'node:fs';
import { checkDuration } from '../core/limits';
import { findFlag, nearestFlag } from './cliFlags';
import type { EmulatorLimits, EmulatorOptions } from './EmulatorOptions';
import { createFaultInjector, type EmulatorFaults } from './faults';
import { DEFAULT_LIMITS } from './store';

/** A mistake in the command line: the CLI prints it and exits with code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** What a command line asks for. */
export interface CliConfig {
  help: boolean;
  /** Print a line per request. */
  log: boolean;
  /** The `--brain` module's path, as given. */
  brain: string | undefined;
  /** Every option but `brain` and `onRequest`. */
  options: EmulatorOptions;
}

/** A faults file larger than this is refused: it is a list of rules, not data. */
const MAX_FAULTS_FILE_BYTES = 1024 * 1024;

/** The values given, by flag name: the last one for a single flag, all for a repeatable one. */
type Values = Map<string, string[]>;

/** Splits the arguments into flag values. Throws a {@link CliUsageError} naming what is wrong. */
function readFlags(args: readonly string[]): Values {
  const values: Values = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const long = arg.startsWith('--');
    if (!long && !/^-[a-zA-Z]$/.test(arg))
      throw new CliUsageError(`Unexpected argument '${arg}': options start with --, e.g. --port 4010.`);
    const eq = long ? arg.indexOf('=') : -1;
    const spelling = long ? arg.slice(2, eq === -1 ? undefined : eq) : arg.slice(1);
    const flag = findFlag(spelling, !long);
    if (!flag) {
      const near = long ? nearestFlag(spelling) : undefined;
      throw new CliUsageError(`Unknown option '${arg}'.${near ? ` Did you mean --${near.name}?` : ''}`);
    }
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (!flag.value) {
      if (value !== undefined) throw new CliUsageError(`--${flag.name} takes no value, got '${arg}'.`);
      value = 'true';
    } else if (value === undefined) {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        value = next;
        i++;
      } else if (flag.value.startsWith('[')) value = '*';
      else throw new CliUsageError(`--${flag.name} needs a value (${flag.value}).`);
    }
    values.set(flag.name, flag.multiple ? [...(values.get(flag.name) ?? []), value] : [value]);
  }
  return values;
}

const UNITS: Readonly<Record<string, number>> = { '': 1, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** A duration flag's value in ms: `250`, `250ms`, `30s`, `10m`, `1h`, checked like the option. */
function duration(flag: string, text: string, zero: boolean): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * (UNITS[match[2] ?? ''] ?? 1) : Number.NaN;
  if (Number.isNaN(ms))
    throw new CliUsageError(`--${flag} must be a duration in ms (or 30s, 10m, 1h), got '${text}'.`);
  checkDuration(`--${flag}`, ms, { zero });
  return ms;
}

function wholeNumber(flag: string, text: string, least: number, most: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < least || value > most)
    throw new CliUsageError(`--${flag} must be a whole number from ${least} to ${most}, got '${text}'.`);
  return value;
}

/** `--faults`: JSON inline, or `@path` to a JSON file; `{ seed?, rules }` or the rules alone. */
function readFaults(text: string): EmulatorFaults {
  let json = text;
  if (text.startsWith('@')) {
    const path = text.slice(1);
    try {
      if (statSync(path).size > MAX_FAULTS_FILE_BYTES)
        throw new CliUsageError(`--faults ${text}: the file is larger than 1 MiB.`);
      json = readFileSync(path, 'utf8');
    } catch (error) {
      if (error instanceof CliUsageError) throw error;
      throw new CliUsageError(`--faults ${text}: cannot read the file (${(error as Error).message}).`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new CliUsageError(`--faults is not valid JSON: ${(error as Error).message}.`);
  }
  const faults = (Array.isArray(parsed) ? { rules: parsed } : parsed) as EmulatorFaults;
  try {
    createFaultInjector(faults);
  } catch (error) {
    throw new CliUsageError(`--faults: ${(error as Error).message}`);
  }
  return faults;
}

/** `--limit KIND=N`, each checked. */
function readLimits(texts: readonly string[]): EmulatorLimits {
  const kinds = Object.keys(DEFAULT_LIMITS) as (keyof EmulatorLimits)[];
  const limits: EmulatorLimits = {};
  for (const text of texts) {
    const [kind = '', count = ''] = text.split('=', 2);
    const name = kinds.find((k) => k === kind);
    if (!name || !text.includes('='))
      throw new CliUsageError(`--limit must be KIND=N with KIND one of ${kinds.join(', ')}; got '${text}'.`);
    const least = name === 'requestLog' ? 0 : 1;
    const value = /^inf(inity)?$/i.test(count) ? Number.POSITIVE_INFINITY : Number(count);
    if (!(value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && value >= least)))
      throw new CliUsageError(
        `--limit ${name} must be a whole number >= ${least} or Infinity, got '${count}'.`,
      );
    limits[name] = value;
  }
  return limits;
}

/**
 * Reads the command line (without `node` and the script): every flag checked, every value
 * converted. Throws a {@link CliUsageError} saying what is wrong (a `TypeError` from a shared
 * check, such as a duration's bounds, is one too).
 */
export function parseCliArgs(args: readonly string[]): CliConfig {
  try {
    return toConfig(readFlags(args));
  } catch (error) {
    if (error instanceof TypeError) throw new CliUsageError(error.message);
    throw error;
  }
}

function toConfig(values: Values): CliConfig {
  const one = (flag: string): string | undefined => values.get(flag)?.at(-1);
  const options: EmulatorOptions = { port: wholeNumber('port', one('port') ?? '4010', 0, 65535) };
  const host = one('host');
  if (host !== undefined) options.host = host;
  const allowedHosts = values.get('allowed-host');
  if (allowedHosts) options.allowedHosts = allowedHosts;
  const cors = values.get('cors');
  if (cors) options.cors = cors.includes('*') ? true : cors;
  const apiKey = one('api-key');
  if (apiKey !== undefined) options.apiKey = apiKey;
  const durations: [flag: string, option: keyof EmulatorOptions, zero: boolean][] = [
    ['latency-ms', 'latencyMs', true],
    ['poll-after', 'pollAfterMs', true],
    ['expires-after', 'expiresAfterMs', true],
    ['response-stream-max-age', 'responseStreamMaxAgeMs', false],
    ['keep-alive', 'keepAliveMs', true],
  ];
  for (const [flag, option, zero] of durations) {
    const text = one(flag);
    if (text !== undefined) Object.assign(options, { [option]: duration(flag, text, zero) });
  }
  if (values.has('idempotent-response-cancel')) options.idempotentResponseCancel = true;
  const faultsText = one('faults');
  const seedText = one('seed');
  if (faultsText !== undefined) {
    const faults = readFaults(faultsText);
    options.faults =
      seedText === undefined ? faults : { ...faults, seed: wholeNumber('seed', seedText, 0, 2 ** 32 - 1) };
  } else if (seedText !== undefined) wholeNumber('seed', seedText, 0, 2 ** 32 - 1);
  const limits = values.get('limit');
  if (limits) options.limits = readLimits(limits);
  return { help: values.has('help'), log: values.has('log'), brain: one('brain'), options };
}
