import type {
  BrainAction,
  BrainCodeInterpreterAction,
  BrainFailAction,
  BrainFileSearchAction,
  BrainFunctionCallsAction,
  BrainIncompleteAction,
  BrainText,
} from './Brain';
import { type Citations, checkFunctionCalls } from './brainActions';
import type { Pause } from './drive';

// The turn of the run script and of the response script alike: the brain's actions in order, one
// event at a time. What differs is how each API shows an action (a run step, an output item).

/** What a turn needs from its engine. */
export interface TurnEnv {
  latencyMs: number;
  /** Asks the brain for this turn's actions; never rejects (a failing brain becomes a `fail` action). */
  askBrain: () => Promise<readonly BrainAction[]>;
}

/** The error a `fail` action ends a turn with. */
export interface TurnError {
  code: NonNullable<BrainFailAction['code']>;
  message: string;
}

/** How one API shows a turn of `R` (a run, a response): its status, and each action as events. */
export interface TurnShow<R, E extends TurnEnv> {
  /** The turn is `in_progress`. */
  start(record: R, env: E): void;
  /** Streams a message; `false` when it ended the turn (`incomplete`, or `failed` by its text stream). */
  text(
    record: R,
    env: E,
    text: BrainText,
    incomplete?: BrainIncompleteAction,
    citations?: Citations,
  ): Generator<Pause, boolean, unknown>;
  codeInterpreter(record: R, env: E, action: BrainCodeInterpreterAction): Generator<Pause, void, unknown>;
  /** A search whose `results` is an array. */
  fileSearch(record: R, env: E, action: BrainFileSearchAction): Generator<Pause, void, unknown>;
  /** Checked calls (see `checkFunctionCalls`); the turn ends after them. */
  functionCalls(record: R, env: E, action: BrainFunctionCallsAction): Generator<Pause, void, unknown>;
  /** Ends the turn: `completed`, or `failed` with the error of a `fail` action. */
  end(record: R, env: E, error?: TurnError): void;
}

/**
 * One turn, from `queued` to the point where it pauses or ends: `in_progress`, the brain's actions
 * one event at a time (a pause of `latencyMs` before each), then `completed` unless an action
 * paused or ended the turn. Driven by `drive`; a malformed action throws (and fails the turn).
 */
export function* brainTurn<R, E extends TurnEnv>(
  record: R,
  env: E,
  show: TurnShow<R, E>,
): Generator<Pause, void, unknown> {
  const { latencyMs } = env;
  yield latencyMs;
  show.start(record, env);
  const actions = (yield env.askBrain()) as readonly BrainAction[];
  for (const action of actions) {
    switch (action.type) {
      case 'delay':
        if (!(action.ms >= 0)) throw new TypeError(`A delay action needs ms >= 0, got ${action.ms}.`);
        yield action.ms;
        break;
      case 'text':
        if (!(yield* show.text(record, env, action.text, undefined, action.citations))) return;
        break;
      case 'incomplete':
        yield* show.text(record, env, action.text ?? [], action);
        return;
      case 'code_interpreter':
        yield* show.codeInterpreter(record, env, action);
        break;
      case 'file_search':
        if (!Array.isArray(action.results))
          throw new TypeError('A file_search action needs results (an array, possibly empty).');
        yield* show.fileSearch(record, env, action);
        break;
      case 'function_calls':
        checkFunctionCalls(action);
        yield* show.functionCalls(record, env, action);
        return;
      case 'fail':
        yield latencyMs;
        show.end(record, env, {
          code: action.code ?? 'server_error',
          message: action.message ?? 'Sorry, something went wrong.',
        });
        return;
      default:
        throw new TypeError(`Unknown brain action: ${JSON.stringify(action)}.`);
    }
  }
  yield latencyMs;
  show.end(record, env);
}
