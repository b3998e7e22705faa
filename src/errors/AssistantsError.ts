/** Base class of every error this library raises, so `catchError(e => e instanceof AssistantsError …)` works. */
export class AssistantsError extends Error {
  override readonly name: string = 'AssistantsError';
}

/**
 * A one-line reason for any thrown value, for error messages. Never throws itself: a rejection with
 * `{ toString: null }` or a revoked Proxy must still end up as a typed error, not a TypeError.
 */
export function reasonOf(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  try {
    return String(thrown);
  } catch {
    return Object.prototype.toString.call(thrown);
  }
}
