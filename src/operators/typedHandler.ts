import type { RequiredActionFunctionToolCall } from '../events/types';
import type { ToolContext, ToolHandler } from './runToolCall';

/**
 * The part of the Standard Schema interface (https://standardschema.dev, implemented by Zod,
 * Valibot, ArkType …) that {@link typedHandler} uses: no dependency on any of them.
 */
export interface StandardSchemaLike<Output> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => SchemaResult<Output> | Promise<SchemaResult<Output>>;
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined;
  };
}

/** What a Standard Schema's `validate` gives. */
export type SchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/** The arguments did not pass the handler's schema: the model is told what was wrong. */
export class ToolArgumentsError extends Error {
  override readonly name = 'ToolArgumentsError';
}

const where = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string =>
  path === undefined || path.length === 0
    ? ''
    : `${path.map((step) => String(typeof step === 'object' ? step.key : step)).join('.')}: `;

/**
 * A tool handler whose arguments are checked by a schema and typed from it. Arguments that do not
 * pass are not given to `handle`: the call fails (`onError`), and under `onError: 'submit'` the
 * model is sent the schema's messages, so it can correct itself.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { handleRequiresAction, typedHandler } from 'rxjs-assistants';
 *
 * handleRequiresAction(client, {
 *   get_weather: typedHandler(z.object({ city: z.string() }), async ({ city }, _call, { signal }) =>
 *     fetchWeather(city, { signal }), // city: string
 *   ),
 * });
 * ```
 */
export function typedHandler<Args, Call = RequiredActionFunctionToolCall>(
  schema: StandardSchemaLike<Args>,
  handle: (args: Args, toolCall: Call, context: ToolContext) => unknown,
): ToolHandler<Call> {
  if (typeof schema?.['~standard']?.validate !== 'function') {
    throw new TypeError(
      'typedHandler(schema, handler): schema must implement Standard Schema (Zod ≥ 3.24, Valibot ≥ 1, ArkType …).',
    );
  }
  if (typeof handle !== 'function')
    throw new TypeError('typedHandler(schema, handler): handler must be a function.');
  return async (args, toolCall, context) => {
    const result = await schema['~standard'].validate(args);
    if (result.issues !== undefined) {
      const problems = result.issues.map((issue) => `${where(issue.path)}${issue.message}`).join('; ');
      throw new ToolArgumentsError(`the arguments do not match the schema (${problems})`);
    }
    return handle(result.value, toolCall, context);
  };
}
