// The flags of `rxjs-assistants-emulator`: one table drives the parser and the help text.

/** One flag of the CLI. */
export interface CliFlag {
  readonly name: string;
  readonly short?: string;
  /** Other spellings accepted (older names). */
  readonly aliases?: readonly string[];
  /** The value's placeholder; absent for a switch. In brackets when the value may be left out. */
  readonly value?: string;
  /** May be given several times (each value is kept). */
  readonly multiple?: boolean;
  readonly help: string;
  readonly default?: string;
}

const DURATION = 'MS';

/** Every flag, in the order of the help text. */
export const CLI_FLAGS: readonly CliFlag[] = [
  { name: 'port', short: 'p', value: 'N', help: 'Port to listen on (0 picks a free one).', default: '4010' },
  {
    name: 'host',
    value: 'ADDRESS',
    help: 'Interface to listen on. There is no real authentication: keep it on loopback unless the network is yours.',
    default: '127.0.0.1 (loopback only)',
  },
  {
    name: 'allowed-host',
    value: 'HOST',
    multiple: true,
    help: "Also answer requests whose Host header names HOST (repeatable; '*' for any).",
    default: 'only 127.0.0.1, localhost, [::1] and the --host address',
  },
  {
    name: 'cors',
    value: '[ORIGIN]',
    multiple: true,
    help: 'Let web pages call the emulator: from ORIGIN (repeatable, e.g. --cors http://localhost:5173), or from any origin when given alone.',
    default: 'off (requests with an Origin header get 403)',
  },
  {
    name: 'api-key',
    value: 'KEY',
    help: 'Require "Authorization: Bearer KEY" (or "api-key: KEY").',
    default: 'none',
  },
  {
    name: 'brain',
    value: 'MODULE',
    help: 'A module whose default export (or export named brain) scripts the assistant: JavaScript, or TypeScript when tsx is installed (or Node strips types). Its turns may stream text as an async iterable.',
    default: 'the deterministic default brain',
  },
  {
    name: 'faults',
    value: 'JSON|@FILE',
    help: 'Seeded fault injection, inline or from a file: {"seed":1,"rules":[{"type":"status","status":503,"probability":0.1}]}, or just the rules array.',
    default: 'none',
  },
  {
    name: 'seed',
    value: 'N',
    help: 'Seed of the fault rules: the same seed and requests give the same faults (overrides the one in --faults; alone, it has nothing to seed).',
    default: '1',
  },
  {
    name: 'latency-ms',
    aliases: ['latency'],
    value: DURATION,
    help: 'Pause before each event of a run or response (a streaming brain is not paced).',
    default: '2',
  },
  {
    name: 'poll-after',
    aliases: ['poll-after-ms'],
    value: DURATION,
    help: 'Send openai-poll-after-ms on run retrieval.',
    default: 'not sent',
  },
  {
    name: 'expires-after',
    value: DURATION,
    help: 'A run that has not ended this long after its creation expires.',
    default: '600000 (10 minutes)',
  },
  {
    name: 'response-stream-max-age',
    value: DURATION,
    help: 'How long after its creation a response created with stream: true can be streamed again (GET /responses/{id}?stream=true).',
    default: '300000 (5 minutes)',
  },
  {
    name: 'keep-alive',
    value: DURATION,
    help: 'Idle time after which a Responses stream gets a keepalive event; 0 for none.',
    default: '15000',
  },
  {
    name: 'idempotent-response-cancel',
    help: 'Cancelling a background response that has ended answers it as it is (as OpenAI does) instead of a 400.',
    default: 'off',
  },
  {
    name: 'limit',
    value: 'KIND=N',
    multiple: true,
    help: 'How many of a kind are kept, the oldest going first (repeatable). KIND: requestLog, assistants, threads, runs, messagesPerThread, responses, conversations, itemsPerConversation. N: a whole number or Infinity.',
    default: '1000 of each',
  },
  {
    name: 'log',
    help: 'Print one line per request to stdout when its answer ends: method, path, status, ms, stream, faults.',
    default: 'off',
  },
  { name: 'help', short: 'h', help: 'Show this help and exit.' },
];

/** The flag a spelling names (`port`, `p`, `poll-after-ms`), if any. */
export function findFlag(spelling: string, short: boolean): CliFlag | undefined {
  return CLI_FLAGS.find((flag) =>
    short ? flag.short === spelling : flag.name === spelling || (flag.aliases ?? []).includes(spelling),
  );
}

/** The flag spelt most like `spelling` (at most a third of its letters off), for "did you mean". */
export function nearestFlag(spelling: string): CliFlag | undefined {
  // Names are short and argv is bounded by the OS: the quadratic edit distance stays small.
  if (spelling.length > 64) return undefined;
  let best: { flag: CliFlag; distance: number } | undefined;
  for (const flag of CLI_FLAGS)
    for (const name of [flag.name, ...(flag.aliases ?? [])]) {
      const distance = editDistance(spelling, name);
      if (distance <= Math.max(1, Math.floor(name.length / 3)) && (!best || distance < best.distance))
        best = { flag, distance };
    }
  return best?.flag;
}

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`: `prot` → `port` is 1. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let cost = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        cost = Math.min(cost, (before[j - 2] ?? 0) + 1);
      row[j] = cost;
    }
    before = previous;
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** The help text: every flag with its value, what it does and its default. */
export function usage(): string {
  const lines = CLI_FLAGS.map((flag) => {
    const names = `${flag.short ? `-${flag.short}, ` : '    '}--${flag.name}${flag.value ? ` ${flag.value}` : ''}`;
    const also = flag.aliases?.length ? ` Also spelt --${flag.aliases.join(', --')}.` : '';
    const fallback = flag.default === undefined ? '' : ` Default: ${flag.default}.`;
    return `  ${names}\n${wrap(`${flag.help}${also}${fallback}`, 8, 96)}`;
  });
  return `Usage: rxjs-assistants-emulator [options]

A local OpenAI Assistants v2 and Responses server (in memory) for development and tests.
Point your client's baseURL at the printed URL.

Options:
${lines.join('\n')}

Durations (MS) are milliseconds, or a number with a unit: 500ms, 30s, 10m, 1h. A bad flag or value
exits with code 2. Memory is bounded: the newest 1000 requests are logged, and 1000 of each kind of
object are kept (see --limit).`;
}

/** The words of `text` in lines of at most `width` characters, each indented by `indent` spaces. */
function wrap(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `${' '.repeat(indent)}${l}`).join('\n');
}
