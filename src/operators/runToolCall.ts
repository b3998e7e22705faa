import {
  catchError,
  defer,
  from,
  isObservable,
  last,
  map,
  Observable,
  type ObservableInput,
  observable,
  of,
  throwError,
  timeout,
} from 'rxjs';
import { reasonOf } from '../errors/AssistantsError';
import type { RequiredActionFunctionToolCall } from '../events/types';

/** What every handler receives besides the call: aborted when its result is no longer wanted. */
export interface ToolContext {
  /** Aborted on unsubscribe, on the per-call timeout, and when another call ends the round. */
  readonly signal: AbortSignal;
}

/**
 * The handler of one function: gets the parsed JSON arguments (type them in the handler's own
 * signature), the call, and a {@link ToolContext}. Returns the output: a string is used as is; a
 * Promise, Observable or AsyncIterable is awaited for its last value; any other value is
 * JSON-serialised; `undefined` (or an Observable that completes empty) gives `''`.
 */
export type ToolHandler<Call = RequiredActionFunctionToolCall> = {
  // A method signature, so that `(args: { city: string }) => …` is accepted for `args: ToolArguments`.
  handle(args: ToolArguments, toolCall: Call, context: ToolContext): unknown;
}['handle'];

/**
 * The parsed arguments of a function call: a JSON object whose fields are `unknown` until you
 * type them, in the handler's signature (`({ city }: { city: string }) => …`) or with a schema
 * (`typedHandler`). Never `any`.
 */
export type ToolArguments = { readonly [name: string]: unknown };

/** One function for every call: routes on the call's function name and parses the arguments itself. */
export type ToolCallHandler<Call = RequiredActionFunctionToolCall> = (
  toolCall: Call,
  context: ToolContext,
) => unknown;

/** A {@link ToolHandler} per function name, or one {@link ToolCallHandler} for all calls. */
export type ToolHandlers<Call = RequiredActionFunctionToolCall> =
  | { readonly [functionName: string]: ToolHandler<Call> }
  | ToolCallHandler<Call>;

/** What the tool machinery reads of a call of either wire. Internal. */
export interface CallView {
  id: string;
  name: string;
  /** JSON text. */
  arguments: string;
}

/** An Assistants call, read. Internal. */
export const viewRunCall = (call: RequiredActionFunctionToolCall): CallView => ({
  id: call.id,
  name: call.function?.name ?? '',
  arguments: call.function?.arguments ?? '',
});

/** Why a tool call produced no output of its own. Internal. */
export type ToolCallFailureReason = 'unknown_function' | 'handler_error' | 'timeout';

/** What one tool call gave: its output, or a failure and the error string to submit for it. Internal. */
export interface ToolCallResult<Call = RequiredActionFunctionToolCall> {
  call: Call;
  /** The output to submit (for a failure: the error string, under `onError: 'submit'`). */
  output: string;
  failure?: { reason: ToolCallFailureReason; cause: unknown };
}

/** Arguments longer than this are cut in the error string sent back for invalid JSON. */
const MAX_ECHOED_ARGUMENTS = 200;

/** `true` for what the handler contract awaits: an Observable, a Promise(-like) or an AsyncIterable. */
const isAsyncResult = (value: unknown): value is ObservableInput<unknown> => {
  if (isObservable(value)) return true;
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const candidate = value as Record<PropertyKey, unknown>;
  return (
    typeof candidate['then'] === 'function' ||
    typeof candidate[Symbol.asyncIterator] === 'function' ||
    typeof candidate[observable] === 'function'
  );
};

/** A string as is; `undefined` (a handler that returns nothing) as `''`; anything else as JSON. */
const serialise = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    throw new TypeError(`its result cannot be serialised as JSON (${reasonOf(error)})`, { cause: error });
  }
};

/**
 * Calls `start` with a fresh `AbortSignal`, and aborts it when the subscriber leaves before the
 * result is in (unsubscribe, per-call timeout, another call failing the round).
 */
const withSignal = (start: (signal: AbortSignal) => unknown): Observable<unknown> =>
  new Observable<unknown>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    const subscription = defer(() => {
      const result = start(controller.signal);
      // Arrays and other iterables are values to serialise, not streams: only async results are awaited.
      return isAsyncResult(result) ? from(result).pipe(last(null, undefined)) : of(result);
    }).subscribe({
      next: (value) => subscriber.next(value),
      error: (error) => {
        settled = true;
        subscriber.error(error);
      },
      complete: () => {
        settled = true;
        subscriber.complete();
      },
    });
    return () => {
      subscription.unsubscribe();
      if (!settled) controller.abort();
    };
  });

const timedOut = new Error('tool call timed out');

/**
 * Runs the handler of one function call and gives one {@link ToolCallResult}; never errors.
 * Internal, used by `handleRequiresAction`.
 */
export function runToolCall<Call>(
  call: Call,
  view: (call: Call) => CallView,
  handlers: ToolHandlers<Call>,
  timeoutMs: number | undefined,
): Observable<ToolCallResult<Call>> {
  const { name, arguments: raw } = view(call);
  const failed = (reason: ToolCallFailureReason, cause: unknown, output: string): ToolCallResult<Call> => ({
    call,
    output,
    failure: { reason, cause },
  });

  let result$: Observable<unknown>;
  if (typeof handlers === 'function') {
    result$ = withSignal((signal) => handlers(call, { signal }));
  } else {
    const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
    if (typeof handler !== 'function') {
      const known = Object.keys(handlers).join(', ') || 'none';
      const output = `Error: there is no function named ${JSON.stringify(name)} (available: ${known}).`;
      return of(failed('unknown_function', new Error(output.slice('Error: '.length)), output));
    }
    let parsed: unknown;
    try {
      // Some servers send '' for a function without parameters.
      parsed = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch (error) {
      const echoed = raw.length > MAX_ECHOED_ARGUMENTS ? `${raw.slice(0, MAX_ECHOED_ARGUMENTS)}…` : raw;
      return of({
        call,
        output:
          `Error: the arguments for ${name} are not valid JSON (${reasonOf(error)}), so it was not called. ` +
          `Arguments received: ${echoed}`,
      });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return of({
        call,
        output: `Error: the arguments for ${name} are not a JSON object, so it was not called. Arguments received: ${raw.slice(0, MAX_ECHOED_ARGUMENTS)}`,
      });
    }
    const args = parsed as ToolArguments;
    result$ = withSignal((signal) => handler(args, call, { signal }));
  }

  if (timeoutMs !== undefined) {
    result$ = result$.pipe(timeout({ first: timeoutMs, with: () => throwError(() => timedOut) }));
  }
  return result$.pipe(
    map((value): ToolCallResult<Call> => ({ call, output: serialise(value) })),
    catchError((error: unknown) =>
      of(
        error === timedOut
          ? failed(
              'timeout',
              new Error(`${name} did not finish within ${timeoutMs} ms`),
              `Error: ${name} did not finish within ${timeoutMs} ms.`,
            )
          : failed('handler_error', error, `Error: ${name} failed: ${reasonOf(error)}`),
      ),
    ),
  );
}
