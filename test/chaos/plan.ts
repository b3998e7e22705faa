import type { Brain, BrainAction } from '../../src/emulator';
import type { RequiredActionFunctionToolCall } from '../../src/events/types';
import type { ToolContext } from '../../src/operators/handleRequiresAction';
import { type Rng, rngFor } from './harness';

/**
 * What the assistant does in one seed, derived from the seed alone, and the brain that plays it.
 * The plan is encoded in the user message (`seed 17 drops: …`), so one brain serves every seed of
 * a shared emulator and a per-seed emulator alike.
 */

/** Words of the user messages: ASCII, accents, CJK and emoji, so byte cuts land inside UTF-8 sequences. */
const WORDS = [
  'alpha',
  'bravo',
  'héllo',
  'naïve',
  'straße',
  '日本語',
  'テスト',
  '🙂',
  '🚀🌍',
  'Ωmega',
  'x',
  'quote"d',
  'back\\slash',
  'tab\there',
  'zebra',
  'élan',
];

/** The shapes of a run. */
export type Shape = 'text' | 'twoMessages' | 'code' | 'cited' | 'tools';

/** One function call the brain makes. */
export interface PlannedCall {
  name: 'add' | 'echo' | 'upper' | 'missing';
  args: Record<string, unknown>;
}

/** Everything one seed's run does. */
export interface Plan {
  row: string;
  seed: number;
  shape: Shape;
  words: string[];
  /** The function calls of each round (tools shape only). */
  rounds: PlannedCall[][];
  /** Tools shape: the first round starts with a short message before the calls. */
  preface: boolean;
  /** A pause the brain makes after this many text chunks of the first message, if any. */
  stall?: { afterChunks: number; ms: number } | undefined;
}

/** Options a row gives to {@link planFor}. */
export interface PlanOptions {
  shapes?: readonly Shape[];
  /** Up to this many rounds of function calls. @default 2 */
  maxRounds?: number;
  /** Whether a call may name a function without a handler. @default false */
  unknownFunctions?: boolean;
  /** A pause inside the first message. */
  stall?: (rng: Rng, words: number) => Plan['stall'];
}

const ROW_OPTIONS = new Map<string, PlanOptions>();

/** Registers how a row's plans are drawn (call once per row, before its emulators start). */
export function definePlans(row: string, options: PlanOptions): void {
  ROW_OPTIONS.set(row, options);
}

/** The plan of one seed of one row. */
export function planFor(row: string, seed: number): Plan {
  const options = ROW_OPTIONS.get(row) ?? {};
  const rng = rngFor(`${row}/plan`, seed);
  const shape = rng.pick<Shape>(options.shapes ?? ['text', 'twoMessages', 'code', 'cited', 'tools']);
  const words = Array.from({ length: rng.int(3, 30) }, () => rng.pick(WORDS));
  const rounds: PlannedCall[][] = [];
  if (shape === 'tools') {
    const count = rng.int(1, options.maxRounds ?? 2);
    for (let r = 0; r < count; r++) {
      rounds.push(
        Array.from({ length: rng.int(1, 3) }, (): PlannedCall => {
          const names: PlannedCall['name'][] = options.unknownFunctions
            ? ['add', 'echo', 'upper', 'missing']
            : ['add', 'echo', 'upper'];
          const name = rng.pick(names);
          if (name === 'add') return { name, args: { a: rng.int(-99, 99), b: rng.int(0, 999) } };
          if (name === 'upper') return { name, args: { text: rng.pick(WORDS) } };
          return { name, args: { value: rng.pick(WORDS), n: rng.int(0, 9) } };
        }),
      );
    }
  }
  const preface = shape === 'tools' && rng.chance(0.3);
  return { row, seed, shape, words, rounds, preface, stall: options.stall?.(rng, words.length) };
}

/** A seed's plan and random draws, the first of them stream or poll mode: how most rows start. */
export function drawSeed(row: string, seed: number) {
  const plan = planFor(row, seed);
  const rng = rngFor(row, seed);
  return { plan, rng, mode: rng.pick(['stream', 'poll'] as const) };
}

/** The user message that carries the plan. */
export const promptOf = (plan: Plan): string => `seed ${plan.seed} ${plan.row}: ${plan.words.join(' ')}`;

const PROMPT = /^seed (\d+) ([\w-]+): /;

/** The assistant's reply text for a plan's first message. */
export const replyOf = (plan: Plan): string => `You said: ${plan.words.join(' ')} (seed ${plan.seed}).`;

/**
 * The brain of the chaos suite. Turn 0 plays the plan's shape; each later turn of a tools run
 * makes the next round of calls, then replies with every output it received.
 */
export const chaosBrain: Brain = (context) => {
  const match = PROMPT.exec(context.lastUserText);
  if (!match) return [{ type: 'text', text: `no plan in ${JSON.stringify(context.lastUserText)}` }];
  const plan = planFor(match[2] ?? '', Number(match[1]));
  const reply = replyOf(plan);
  const text = (): BrainAction[] => {
    if (!plan.stall) return [{ type: 'text', text: reply }];
    const chunks = reply.match(/\s*\S+|\s+$/g) ?? [];
    const cut = Math.min(plan.stall.afterChunks, chunks.length);
    return [
      { type: 'text', text: chunks.slice(0, Math.max(1, cut)) },
      { type: 'delay', ms: plan.stall.ms },
      { type: 'text', text: `and then ${plan.words.length} words.` },
    ];
  };
  switch (plan.shape) {
    case 'text':
      return text();
    case 'twoMessages':
      return [...text(), { type: 'text', text: `Second thoughts on seed ${plan.seed}: ${plan.words[0]}` }];
    case 'code':
      return [
        {
          type: 'code_interpreter',
          input: `print(len(${JSON.stringify(plan.words.join(' '))}))`,
          logs: String(plan.words.join(' ').length),
        },
        ...text(),
      ];
    case 'cited': {
      // A file_search step, then the reply with a citation marker in the middle (multi-byte, so
      // byte cuts land inside it too). A stalled plan stalls in plain text instead.
      const marker = `【4:${plan.seed % 10}†notes-${plan.seed}.txt】`;
      const fileId = `file-${plan.seed}`;
      const search: BrainAction = {
        type: 'file_search',
        results: [{ file_id: fileId, file_name: `notes-${plan.seed}.txt`, content: plan.words.join(' ') }],
      };
      if (plan.stall) return [search, ...text()];
      const half = Math.ceil(plan.words.length / 2);
      const cited = `You said: ${plan.words.slice(0, half).join(' ')}${marker} ${plan.words.slice(half).join(' ')} (seed ${plan.seed}).`;
      return [search, { type: 'text', text: cited, citations: { [marker]: fileId } }];
    }
    case 'tools': {
      const round = plan.rounds[context.turn];
      if (round !== undefined) {
        const calls: BrainAction = {
          type: 'function_calls',
          calls: round.map((call) => ({ name: call.name, arguments: call.args })),
        };
        return context.turn === 0 && plan.preface
          ? [{ type: 'text', text: `Let me check ${plan.words.slice(0, 3).join(' ')}.` }, calls]
          : [calls];
      }
      const results = context.toolResults.map((r) => `${r.name}(${r.arguments}) = ${r.output}`).join('; ');
      return [{ type: 'text', text: `Tools said: ${results}` }];
    }
  }
};

/** The function tools of the chaos assistant (the `missing` call has no tool, as a model may invent one). */
export const TOOLS = (['add', 'echo', 'upper'] as const).map((name) => ({
  type: 'function' as const,
  function: { name, parameters: { type: 'object' } },
}));

/** What a handler does in one call. */
/** `slow` resolves after 15 ms (or rejects when aborted first). */
export type HandlerBehaviour = 'ok' | 'async' | 'slow' | 'throw' | 'reject' | 'hang';

/** The output a well-behaved handler gives for a call. */
export function expectedOutput(name: string, args: Record<string, unknown>): string {
  if (name === 'add') return String(Number(args['a']) + Number(args['b']));
  if (name === 'upper') return String(args['text']).toUpperCase();
  return JSON.stringify({ echoed: args });
}

/** Counts of what handlers did, per tool call id (the exactly-once ledger of the suite). */
export class HandlerLedger {
  readonly calls = new Map<string, number>();
  /** Calls whose signal was aborted while they ran. */
  readonly aborted = new Set<string>();
  /** Calls whose handler gave its output. */
  readonly finished = new Set<string>();

  /** Handlers for every function, behaving as `behaviour(call)` says. */
  handlers(behaviour: (call: RequiredActionFunctionToolCall) => HandlerBehaviour) {
    const handle = (
      args: unknown,
      call: RequiredActionFunctionToolCall,
      { signal }: ToolContext,
    ): unknown => {
      this.calls.set(call.id, (this.calls.get(call.id) ?? 0) + 1);
      const output = expectedOutput(call.function.name, args as Record<string, unknown>);
      switch (behaviour(call)) {
        case 'ok':
          this.finished.add(call.id);
          return output;
        case 'async':
          return Promise.resolve().then(() => {
            this.finished.add(call.id);
            return output;
          });
        case 'throw':
          throw new Error(`handler ${call.function.name} threw on purpose`);
        case 'reject':
          return Promise.reject(new Error(`handler ${call.function.name} rejected on purpose`));
        case 'slow':
          return new Promise<string>((resolve, reject) => {
            const timer = setTimeout(() => {
              this.finished.add(call.id);
              resolve(output);
            }, 15);
            signal.addEventListener('abort', () => {
              clearTimeout(timer);
              this.aborted.add(call.id);
              reject(new Error('aborted'));
            });
          });
        case 'hang':
          return new Promise<never>((_, reject) => {
            signal.addEventListener('abort', () => {
              this.aborted.add(call.id);
              reject(new Error('aborted'));
            });
          });
      }
    };
    return { add: handle, echo: handle, upper: handle };
  }

  /** Ids whose handler ran more than once. */
  repeated(): string[] {
    return [...this.calls].filter(([, n]) => n > 1).map(([id]) => id);
  }
}
