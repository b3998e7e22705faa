import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFixture } from '../helpers/fixtures';
import type { Frame } from './helpers';

// Validates what the emulator emits against one of OpenAI's published OpenAPI files in
// ../shared/fixtures (openapiValidator.ts: the Assistants one, responsesValidator.ts: the Responses
// one), after two kinds of changes made here, in the open:
//  1. dialect: the spec is OpenAPI 3.0 (`nullable: true`, `format: unixtime`), rewritten to plain
//     JSON Schema for ajv; no meaning changes;
//  2. leniencies: the places where the real wire (the recordings) and the spec disagree. The
//     emulator follows the wire there. Every entry names its evidence.

export type Schema = Record<string, unknown>;
export type Schemas = Record<string, Schema>;

/** A known difference between the real wire and the published spec, allowed on purpose. */
export interface Leniency {
  where: string;
  evidence: string;
  apply: (schemas: Schemas) => void;
}

/** Lets `schemas[name].properties[key]` be null as well. */
export const orNull = (schemas: Schemas, name: string, key: string) => {
  const properties = schemas[name]?.['properties'] as Record<string, Schema>;
  properties[key] = { anyOf: [properties[key], { type: 'null' }] };
};

/** Drops `keys` from what `schema` requires. */
export const unrequire = (schema: Schema | undefined, ...keys: string[]) => {
  if (schema) schema['required'] = ((schema['required'] as string[]) ?? []).filter((k) => !keys.includes(k));
};

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

/** Errors of `value` against the schema at `ref` (`/components/schemas/<name>`). */
export type Check = (ref: string, value: unknown) => string[];

/** One OpenAPI file and what this suite adds to it. */
export interface Spec {
  /** The fixture, an OpenAPI 3.0 document. */
  file: string;
  leniencies: readonly Leniency[];
  /** Schemas the spec only gives as examples, added with or without the leniencies. */
  added?: Schemas;
  /** Event name → the `$ref` of its data's schema. */
  events: (schemas: Schemas, lenient: boolean) => Map<string, string>;
  /** A frame's errors found before (or instead of) its event's schema; `undefined` to go on. */
  frame?: (frame: Frame, check: Check) => string[] | undefined;
  /** Answers the spec has no 200 schema for, with the schema they have here. */
  answers?: readonly { method: string; path: RegExp; ref: string }[];
}

interface Operation {
  method: string;
  pattern: RegExp;
  template: string;
  schemaRef: string | undefined;
}

/** Builds validators for objects, SSE frames and whole answers, with or without the leniencies. */
export function createSpecValidator(spec: Spec, { lenient = true } = {}) {
  const doc = JSON.parse(readFixture(spec.file)) as {
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
  if (lenient) for (const leniency of spec.leniencies) leniency.apply(schemas);
  Object.assign(schemas, spec.added);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addSchema({ $id: 'openapi', components: { schemas } });
  const compiled = new Map<string, ValidateFunction>();
  const check: Check = (ref, value) => {
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

  const eventData = spec.events(schemas, lenient);
  const operations: Operation[] = Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^/v1${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      schemaRef: op.responses?.['200']?.content?.['application/json']?.schema?.$ref?.replace(/^#/, ''),
    })),
  );

  const frame = (frame: Frame): string[] => {
    const settled = spec.frame?.(frame, check);
    if (settled) return settled;
    const ref = eventData.get(frame.event);
    if (!ref) return [`unknown event ${frame.event}`];
    return check(ref, JSON.parse(frame.data)).map((e) => `${frame.event}: ${e}`);
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
      const known = spec.answers?.find((a) => a.method === method && a.path.test(path));
      if (known) return check(known.ref, json);
      const operation = operations.find((op) => op.method === method && op.pattern.test(path));
      if (!operation?.schemaRef) return [`no 200 JSON schema for ${method} ${path}`];
      return check(operation.schemaRef, json).map((e) => `${method} ${operation.template}: ${e}`);
    },
  };
}

/** What {@link createSpecValidator} builds. */
export type SpecValidator = ReturnType<typeof createSpecValidator>;
