import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFixture } from '../helpers/fixtures';
import type { Frame } from './helpers';
import { toJsonSchema } from './openapiValidator';

// Validates what the emulator's Responses endpoints emit against
// ../shared/fixtures/openapi-responses.json (OpenAI's published spec, v2.3.0), rewritten to plain
// JSON Schema as openapiValidator.ts does, with RESPONSE_LENIENCIES where the wire and the spec
// part (each names its evidence). Every SSE frame's data is checked against the
// ResponseStreamEvent member its `type` names, and must carry the frame's event name as `type`.

type Schema = Record<string, unknown>;
type Schemas = Record<string, Schema>;

/** `keepalive` frames: not in the spec's ResponseStreamEvent, sent by the real service. */
const KEEPALIVE_SCHEMA: Schema = {
  type: 'object',
  properties: { type: { enum: ['keepalive'] }, sequence_number: { type: 'integer' } },
  required: ['type', 'sequence_number'],
  additionalProperties: false,
};

/** What `DELETE /responses/{id}` answers (the spec gives its example, not a schema). */
const RESPONSE_DELETED_SCHEMA: Schema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { enum: ['response.deleted'] },
    deleted: { type: 'boolean' },
  },
  required: ['id', 'object', 'deleted'],
};

const orNull = (schemas: Schemas, name: string, key: string) => {
  const properties = schemas[name]?.['properties'] as Record<string, Schema>;
  properties[key] = { anyOf: [properties[key], { type: 'null' }] };
};

const unrequire = (schema: Schema | undefined, ...keys: string[]) => {
  if (schema) schema['required'] = ((schema['required'] as string[]) ?? []).filter((k) => !keys.includes(k));
};

/** The known differences between the Responses wire and the published spec, each allowed on purpose. */
export const RESPONSE_LENIENCIES: readonly {
  where: string;
  evidence: string;
  apply: (s: Schemas) => void;
}[] = [
  {
    where: 'Response.user may be null',
    evidence: 'every openai-dotnet Responses recording: "user": null',
    apply: (s) => orNull(s, 'ModelResponseProperties', 'user'),
  },
  {
    where: 'Response.usage is null until the response ends',
    evidence:
      'openai-dotnet StreamingResponses: response.created and response.in_progress carry "usage": null',
    apply: (s) => {
      const own = (s['Response']?.['allOf'] as Schema[] | undefined)?.[2];
      if (own) orNull({ own }, 'own', 'usage');
    },
  },
  {
    where: 'ResponseUsage.input_tokens_details may lack cache_write_tokens',
    evidence: 'every recorded usage: "input_tokens_details": {"cached_tokens": 0} (the emulator sends both)',
    apply: (s) => {
      const properties = s['ResponseUsage']?.['properties'] as Record<string, Schema> | undefined;
      unrequire(properties?.['input_tokens_details'], 'cache_write_tokens');
    },
  },
  {
    where: 'response.function_call_arguments.done may lack name',
    evidence:
      'openai-dotnet FunctionCallStreamingWorks: the done event has item_id, output_index, arguments (the emulator adds name)',
    apply: (s) => unrequire(s['ResponseFunctionCallArgumentsDoneEvent'], 'name'),
  },
  {
    where: 'ResponseItemList / ConversationItemList first_id and last_id are null on an empty page',
    evidence:
      'the service answers every empty list so (the Assistants lists do the same: openapiValidator.ts)',
    apply: (s) => {
      for (const name of ['ResponseItemList', 'ConversationItemList']) {
        orNull(s, name, 'first_id');
        orNull(s, name, 'last_id');
      }
    },
  },
  {
    where: 'a `keepalive` event ({ type, sequence_number }) may come in a Responses stream',
    evidence:
      'openai/openai-node#1964: `Unhandled response stream event: {"type":"keepalive","sequence_number":466}` on a long real stream; SDKs added it since (openai-node#1965, openai-java#776)',
    apply: (s) => {
      s['KeepaliveEvent'] = KEEPALIVE_SCHEMA;
    },
  },
];

interface Operation {
  method: string;
  pattern: RegExp;
  template: string;
  schemaRef: string | undefined;
}

/** Builds validators for Responses objects, SSE frames and whole answers, with or without the leniencies. */
export function createResponsesValidator({ lenient = true } = {}) {
  const doc = JSON.parse(readFixture('openapi-responses.json')) as {
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
  if (lenient) for (const leniency of RESPONSE_LENIENCIES) leniency.apply(schemas);
  schemas['ResponseDeleted'] = RESPONSE_DELETED_SCHEMA;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addSchema({ $id: 'openapi', components: { schemas } });
  const compiled = new Map<string, ValidateFunction>();
  const check = (ref: string, value: unknown): string[] => {
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.getSchema(`openapi#${ref}`) as ValidateFunction;
      if (!validate) throw new Error(`No schema ${ref}`);
      compiled.set(ref, validate);
    }
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${ref.split('/').pop()}${e.instancePath} ${e.message}`);
  };

  // event type → schema of its data, from the members of ResponseStreamEvent
  const eventData = new Map<string, string>();
  for (const member of (schemas['ResponseStreamEvent']?.['anyOf'] as Schema[]) ?? []) {
    const ref = String(member['$ref'] ?? '').replace(/^#/, '');
    const schema = schemas[ref.split('/').pop() ?? ''];
    const type = ((schema?.['properties'] as Record<string, Schema>)?.['type']?.['enum'] as string[])?.[0];
    if (type) eventData.set(type, ref);
  }
  if (lenient) eventData.set('keepalive', '/components/schemas/KeepaliveEvent');

  const operations: Operation[] = Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^/v1${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      schemaRef: op.responses?.['200']?.content?.['application/json']?.schema?.$ref?.replace(/^#/, ''),
    })),
  );

  const frame = ({ event, data }: Frame): string[] => {
    const value = JSON.parse(data) as { type?: unknown };
    if (value.type !== event) return [`frame ${event} carries type ${String(value.type)}`];
    const ref = eventData.get(event);
    if (!ref) return [`unknown event ${event}`];
    return check(ref, value).map((e) => `${event}: ${e}`);
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
      if (method === 'DELETE' && /^\/v1\/responses\/[^/]+$/.test(path))
        return check('/components/schemas/ResponseDeleted', json);
      const operation = operations.find((op) => op.method === method && op.pattern.test(path));
      if (!operation?.schemaRef) return [`no 200 JSON schema for ${method} ${path}`];
      return check(operation.schemaRef, json).map((e) => `${method} ${operation.template}: ${e}`);
    },
  };
}
