import type { Brain, BrainAction, BrainContext } from './Brain';

/** An error's message, or the thrown value as text. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Asks the brain for a turn's actions, for runs and responses alike. Never rejects: a brain that
 * throws, rejects or returns something other than an array gives one `fail` action
 * (`server_error`, "The brain failed: …"). The context is built when the brain is called.
 */
export function askBrain(brain: Brain, context: () => BrainContext): Promise<readonly BrainAction[]> {
  return Promise.resolve()
    .then(() => brain(context()))
    .then((actions): readonly BrainAction[] => {
      if (!Array.isArray(actions)) throw new TypeError('The brain must return an array of actions.');
      return actions;
    })
    .catch((error: unknown) => [
      { type: 'fail', code: 'server_error', message: `The brain failed: ${describeError(error)}` },
    ]);
}
