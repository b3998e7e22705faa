import { from, map, Observable, type ObservableInput, throwError } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import { clientFromTable, ENDPOINT_ENTRIES } from '../client/endpoints';
import { AssistantsError } from '../errors/AssistantsError';

type Namespace = keyof AssistantsClient;
type MethodName<N extends Namespace> = keyof AssistantsClient[N] & string;
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;
type Overridable<F> = F extends (...args: infer A) => Observable<infer R>
  ? (...args: A) => ObservableInput<R>
  : never;

/** The name of a client method as `namespace.method`, e.g. `'runs.cancel'`. */
export type MockMethod = { [N in Namespace]: `${N}.${MethodName<N>}` }[Namespace];

/** The argument list of each client method, by {@link MockMethod}. */
export type MockArgs = {
  [K in MockMethod]: K extends `${infer N extends Namespace}.${infer M}`
    ? M extends keyof AssistantsClient[N]
      ? ArgsOf<AssistantsClient[N][M]>
      : never
    : never;
};

/** One call of a {@link MockClient} method, typed by method name. */
export type MockCall = {
  [K in MockMethod]: {
    /** e.g. `'runs.cancel'` */
    readonly method: K;
    /** The arguments, as passed. */
    readonly args: MockArgs[K];
    /** How often the returned Observable has been subscribed so far: one request each, on a real client. */
    readonly subscribed: number;
  };
}[MockMethod];

/**
 * Implementations for some methods of the client, by namespace. Each receives the method's
 * arguments and returns what the method should emit: an Observable (a `cold()` one under
 * `TestScheduler.run`), or any `ObservableInput` (array, Promise …).
 */
export type MockClientOverrides = {
  readonly [N in Namespace]?: { readonly [M in MethodName<N>]?: Overridable<AssistantsClient[N][M]> };
};

/** An {@link AssistantsClient} whose calls are recorded. */
export interface MockClient extends AssistantsClient {
  /** Every method call, in call order (also calls whose Observable was never subscribed). */
  readonly calls: readonly MockCall[];
  /** The arguments of each call of one method, in call order. */
  callsTo<M extends MockMethod>(method: M): MockArgs[M][];
}

/** A method of a {@link mockClient} was used without being given in its overrides. */
export class UnmockedMethodError extends AssistantsError {
  override readonly name = 'UnmockedMethodError';
  /** e.g. `'runs.cancel'` */
  readonly method: MockMethod;

  constructor(method: MockMethod) {
    const [namespace, name] = method.split('.');
    super(
      `mockClient: ${method}() was subscribed but not mocked. Give it in the overrides, e.g. ` +
        `mockClient({ ${namespace}: { ${name}: () => ${exampleAnswer(method)} } }).`,
    );
    this.method = method;
  }
}

/** An example answer of a method of the Responses family, for the messages. */
const responsesExample = (method: MockMethod, streams: boolean): string => {
  const [namespace, name] = method.split('.');
  if (streams) {
    return "of({ type: 'response.completed', response: { id: 'resp_1', status: 'completed', output: [] } })";
  }
  if (name === 'list' || name === 'inputItems' || method === 'conversationItems.create') {
    return "of({ object: 'list', data: [], has_more: false })";
  }
  if (method === 'conversationItems.retrieve') return "of({ type: 'message', id: 'msg_1' })";
  if (name === 'delete' && namespace !== 'conversationItems') return "of({ id: '…', deleted: true })";
  return namespace === 'responses'
    ? "of({ id: 'resp_1', status: 'completed', output: [] })"
    : "of({ id: 'conv_1' })";
};

const exampleAnswer = (method: MockMethod): string => {
  const [namespace = '', name = ''] = method.split('.');
  const endpoint = ENDPOINT_ENTRIES.find(([key]) => key === method)?.[1];
  if (endpoint?.family === 'responses') return responsesExample(method, endpoint.streams === true);
  if (endpoint?.streams) return 'from(runEvents())';
  if (method === 'runs.poll') return 'of({ run: aRun() }) (or mock runs.retrieve)';
  const one =
    namespace === 'assistants'
      ? 'anAssistant()'
      : namespace === 'messages'
        ? 'aMessage()'
        : namespace === 'steps'
          ? 'aRunStep()'
          : namespace === 'threads' && !name.includes('Run')
            ? 'aThread()'
            : 'aRun()';
  if (name === 'list') return `of(aPage([${one}]))`;
  if (name === 'delete') return "of({ id: '…', deleted: true })";
  return `of(${one})`;
};

type AnyMethod = (...args: unknown[]) => ObservableInput<unknown>;

/**
 * A complete {@link AssistantsClient} for tests: each method returns what its override returns
 * (so `cold('-a-b|')` works under `TestScheduler.run`), and records the call in `calls`.
 *
 * A method that is not overridden returns an Observable that errors, when subscribed, with an
 * {@link UnmockedMethodError} naming it. Exception: `runs.poll`, when only `runs.retrieve` is given,
 * answers `retrieve(threadId, runId)` as `{ run }` (no `pollAfterMs`); that inner call is not recorded.
 *
 * Calls are recorded when the method is called (whether or not its Observable is ever
 * subscribed) as `{ method: 'runs.cancel', args: ['thread_1', 'run_1'], subscribed: 1 }`, in
 * `client.calls`; `client.callsTo('runs.cancel')` gives just the argument lists of one method.
 *
 * @example
 * ```ts
 * import { type MockClient, mockClient, runCompleted, runCreated } from 'rxjs-assistants/testing';
 * let client!: MockClient;
 * testScheduler.run(({ cold, expectObservable }) => {
 *   const events = { a: runCreated(), b: runCompleted() };
 *   client = mockClient({ runs: { createStream: () => cold('-a-b|', events) } });
 *   expectObservable(createRun(client, { threadId: 'thread_1', assistant_id: 'asst_1' })).toBe('-a-b|', events);
 * });
 * expect(client.callsTo('runs.cancel')).toEqual([]); // completed runs are not cancelled
 * ```
 *
 * @throws {TypeError} when `overrides` names a namespace or method the client does not have.
 */
export function mockClient(overrides: MockClientOverrides = {}): MockClient {
  const calls: MockCall[] = [];
  function callsTo<M extends MockMethod>(name: M): MockArgs[M][] {
    // Filtering by method name is what makes the arguments those of `name`.
    return calls.filter((call) => call.method === name).map((call) => call.args as MockArgs[M]);
  }
  const given = overrides as Readonly<
    Record<string, Readonly<Record<string, AnyMethod | undefined>> | undefined>
  >;

  const method = (label: MockMethod): AnyMethod => {
    const [namespace = '', name = ''] = label.split('.');
    const override = given[namespace]?.[name];
    const retrieve = given['runs']?.['retrieve'];
    const answer: AnyMethod =
      override ??
      (label === 'runs.poll' && retrieve
        ? (...args) => from(retrieve(...args)).pipe(map((run) => ({ run })))
        : () => throwError(() => new UnmockedMethodError(label)));
    return (...args: unknown[]) => {
      const call = { method: label, args, subscribed: 0 };
      // One mutable record per call: `subscribed` counts up as the Observable is subscribed.
      calls.push(call as MockCall);
      const answered = answer(...args);
      let source: Observable<unknown>;
      try {
        source = from(answered);
      } catch {
        throw new TypeError(
          `mockClient: the override of ${label} returned ${String(answered)}, not an Observable (or other ObservableInput).`,
        );
      }
      return new Observable<unknown>((subscriber) => {
        call.subscribed += 1;
        return source.subscribe(subscriber);
      });
    };
  };

  // Every endpoint of the table, in its order (the order the messages below list them in).
  const client = clientFromTable(method);

  for (const [namespace, methods] of Object.entries(given)) {
    const known = Object.hasOwn(client, namespace) ? Object.keys(client[namespace as Namespace]) : undefined;
    if (!known) {
      throw new TypeError(
        `mockClient: unknown namespace "${namespace}" in the overrides; expected one of ${Object.keys(client).join(', ')}.`,
      );
    }
    for (const [name, fn] of Object.entries(methods ?? {})) {
      if (!known.includes(name)) {
        throw new TypeError(
          `mockClient: ${namespace} has no method "${name}"; expected one of ${known.join(', ')}.`,
        );
      }
      if (typeof fn !== 'function') {
        throw new TypeError(
          `mockClient: ${namespace}.${name} must be a function returning an Observable, got ${typeof fn}.`,
        );
      }
    }
  }

  return {
    ...client,
    calls,
    callsTo,
  };
}
