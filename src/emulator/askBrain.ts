import type { Brain, BrainAction, BrainContext } from './Brain';

/** An error's message, or the thrown value as text. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** `true` for an async iterable (an async generator, a stream of chunks). */
export const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  value !== null &&
  (typeof value === 'object' || typeof value === 'function') &&
  typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';

/**
 * Asks the brain for a turn's actions, for runs and responses alike. Never rejects: a brain that
 * throws, rejects or returns something other than an array of actions or an async iterable of
 * text chunks gives one `fail` action (`server_error`, "The brain failed: …"). An async iterable
 * is the turn's one `text` action. The context is built when the brain is called.
 */
export function askBrain(brain: Brain, context: () => BrainContext): Promise<readonly BrainAction[]> {
  return Promise.resolve()
    .then(() => brain(context()))
    .then((actions): readonly BrainAction[] => {
      if (isAsyncIterable(actions)) return [{ type: 'text', text: actions as AsyncIterable<string> }];
      if (!Array.isArray(actions))
        throw new TypeError('The brain must return an array of actions or an async iterable of text chunks.');
      return actions;
    })
    .catch((error: unknown) => [
      { type: 'fail', code: 'server_error', message: `The brain failed: ${describeError(error)}` },
    ]);
}
