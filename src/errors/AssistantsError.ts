/** Base class of every error this library raises, so `catchError(e => e instanceof AssistantsError …)` works. */
export class AssistantsError extends Error {
  override readonly name: string = 'AssistantsError';
}
