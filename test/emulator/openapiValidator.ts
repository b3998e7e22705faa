import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFixture } from '../helpers/fixtures';
import type { Frame } from './helpers';

// Validates what the emulator emits against ../shared/fixtures/openapi-assistants.json (OpenAI's
// published spec, v2.3.0), after two kinds of changes made here, in the open:
//  1. dialect: the spec is OpenAPI 3.0 (`nullable: true`, `format: unixtime`), rewritten to plain
//     JSON Schema for ajv; no meaning changes;
//  2. LENIENCIES: the places where the real wire (the recordings) and the spec disagree. The
//     emulator follows the wire there. Every entry names its evidence.

type Schema = Record<string, unknown>;
type Schemas = Record<string, Schema>;

const prop = (schemas: Schemas, name: string, key: string): Schema => {
  const properties = schemas[name]?.['properties'] as Record<string, Schema> | undefined;
  return properties?.[key] ?? {};
};

const unrequire = (schemas: Schemas, name: string, ...keys: string[]) => {
  const schema = schemas[name] as Schema;
  schema['required'] = (schema['required'] as string[]).filter((k) => !keys.includes(k));
};

const orNull = (schemas: Schemas, name: string, key: string) => {
  const properties = schemas[name]?.['properties'] as Record<string, Schema>;
  properties[key] = { anyOf: [properties[key], { type: 'null' }] };
};

/** The known differences between the real wire and the published spec, each allowed on purpose. */
export const LENIENCIES: readonly { where: string; evidence: string; apply: (schemas: Schemas) => void }[] = [
  {
    where: 'RunObject.instructions may be null',
    evidence: 'every dotnet recording: runs of assistants without instructions carry "instructions": null',
    apply: (s) => orNull(s, 'RunObject', 'instructions'),
  },
  {
    where: 'RunObject.max_prompt_tokens / max_completion_tokens below the minimum of 256',
    evidence: 'ruby-openai runs_streamed_create: the service accepted and echoed max_completion_tokens: 16',
    apply: (s) => {
      for (const key of ['max_prompt_tokens', 'max_completion_tokens']) {
        const schema = prop(s, 'RunObject', key);
        for (const branch of (schema['anyOf'] as Schema[] | undefined) ?? [schema]) delete branch['minimum'];
      }
    },
  },
  {
    where: 'RunObject.parallel_tool_calls may be absent',
    evidence: 'ruby-openai (2024) v2 runs have no parallel_tool_calls (the emulator always sends it)',
    apply: (s) => unrequire(s, 'RunObject', 'parallel_tool_calls'),
  },
  {
    where: 'RunStepObject carries expires_at instead of expired_at, and no metadata',
    evidence:
      'every recorded thread.run.step.* payload (fixtures README, "Where the wire and the spec disagree")',
    apply: (s) => unrequire(s, 'RunStepObject', 'expired_at', 'metadata'),
  },
  {
    where: 'List*Response.first_id / last_id are null on an empty page',
    evidence: 'the service answers an empty list with "first_id": null, "last_id": null',
    apply: (s) => {
      for (const name of [
        'ListAssistantsResponse',
        'ListMessagesResponse',
        'ListRunsResponse',
        'ListRunStepsResponse',
      ]) {
        orNull(s, name, 'first_id');
        orNull(s, name, 'last_id');
      }
    },
  },
];

const onlyNullable = (node: unknown): boolean =>
  typeof node === 'object' &&
  node !== null &&
  Object.keys(node).length === 1 &&
  (node as Schema)['nullable'] === true;

/** OpenAPI 3.0 → JSON Schema: `nullable: true` becomes `anyOf [schema, null]` (also inside `allOf`). */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, toJsonSchema(v)]))
        : toJsonSchema(value);
  }
  if (Array.isArray(out['allOf']) && out['allOf'].some(onlyNullable)) {
    const { allOf, ...rest } = out;
    return {
      ...rest,
      anyOf: [{ allOf: (allOf as unknown[]).filter((n) => !onlyNullable(n)) }, { type: 'null' }],
    };
  }
  if ('nullable' in out) {
    const { nullable, ...rest } = out;
    return nullable === true ? { anyOf: [rest, { type: 'null' }] } : rest;
  }
  return out;
}

interface Operation {
  method: string;
  pattern: RegExp;
  template: string;
  schemaRef: string | undefined;
}

/** Builds validators for objects, SSE frames and whole answers, with or without the leniencies. */
export function createValidator({ lenient = true } = {}) {
  const doc = JSON.parse(readFixture('openapi-assistants.json')) as {
    paths: Record<
      string,
      Record<
        string,
        { responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }
      >
    >;
    components: { schemas: Schemas };
  };
  const schemas = toJsonSchema(doc.components.schemas) as Schemas;
  if (lenient) for (const leniency of LENIENCIES) leniency.apply(schemas);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  ajv.addSchema({ $id: 'openapi', components: { schemas } });
  const compiled = new Map<string, ValidateFunction>();
  const validatorOf = (ref: string): ValidateFunction => {
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.getSchema(`openapi#${ref}`) as ValidateFunction;
      if (!validate) throw new Error(`No schema ${ref}`);
      compiled.set(ref, validate);
    }
    return validate;
  };
  const check = (ref: string, value: unknown): string[] => {
    const validate = validatorOf(ref);
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${ref.split('/').pop()}${e.instancePath} ${e.message}`);
  };

  // event name → schema of its data, from the oneOf branches of the stream-event schemas
  const eventData = new Map<string, string>();
  for (const group of ['ThreadStreamEvent', 'RunStreamEvent', 'RunStepStreamEvent', 'MessageStreamEvent']) {
    for (const branch of (schemas[group]?.['oneOf'] as Schema[]) ?? []) {
      const properties = branch['properties'] as Record<string, Schema>;
      const name = (properties['event']?.['enum'] as string[] | undefined)?.[0] ?? '';
      eventData.set(name, String(properties['data']?.['$ref'] ?? '').replace(/^#/, ''));
    }
  }

  const operations: Operation[] = Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^/v1${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      schemaRef: op.responses?.['200']?.content?.['application/json']?.schema?.$ref?.replace(/^#/, ''),
    })),
  );

  const frame = ({ event, data }: Frame): string[] => {
    if (event === 'done') return data === '[DONE]' ? [] : [`done frame with data ${data}`];
    if (event === 'error') return check('/components/schemas/Error', JSON.parse(data));
    const ref = eventData.get(event);
    if (!ref) return [`unknown event ${event}`];
    return check(ref, JSON.parse(data)).map((e) => `${event}: ${e}`);
  };

  return {
    /** Errors of one object against `#/components/schemas/<name>`. */
    object: (name: string, value: unknown) => check(`/components/schemas/${name}`, value),
    frame,
    /** Errors of one answer: the operation's 200 schema, every SSE frame, or the error shape. */
    answer: (
      method: string,
      path: string,
      status: number,
      json: unknown,
      frames: readonly Frame[] | undefined,
    ) => {
      if (status !== 200) {
        const error = (json as { error?: unknown } | undefined)?.error;
        return error === undefined
          ? [`${status} without an error object`]
          : check('/components/schemas/Error', error);
      }
      if (frames) return frames.flatMap(frame);
      const operation = operations.find((op) => op.method === method && op.pattern.test(path));
      if (!operation?.schemaRef) return [`no 200 JSON schema for ${method} ${path}`];
      return check(operation.schemaRef, json).map((e) => `${method} ${operation.template}: ${e}`);
    },
  };
}
