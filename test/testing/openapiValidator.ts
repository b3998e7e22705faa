import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFixture } from '../helpers/fixtures';

/**
 * Validators for the published OpenAPI schemas (`fixtures/openapi-assistants.json`), used to check
 * that the builders make payloads the spec accepts. The spec is OpenAPI 3.1 but still marks nulls
 * with `nullable: true`; that is turned into JSON Schema here.
 */
type Schema = Record<string, unknown>;

const toJsonSchema = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, ...rest } = node as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key.startsWith('x-') || key === 'discriminator') continue;
    out[key] =
      key === 'properties' || key === '$defs'
        ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, toJsonSchema(v)]))
        : toJsonSchema(value);
  }
  if (nullable !== true) return out;
  if (typeof out['type'] === 'string' && out['enum'] === undefined)
    return { ...out, type: [out['type'], 'null'] };
  return { anyOf: [out, { type: 'null' }] };
};

/**
 * Where the real service and the spec disagree: steps send `expires_at` and no `metadata` (fixtures
 * README), and runs send `instructions: null` (every run payload of the 2025 recordings).
 */
const relax = (schemas: Record<string, Schema>): void => {
  const step = schemas['RunStepObject'];
  if (step && Array.isArray(step['required'])) {
    step['required'] = step['required'].filter((field) => field !== 'expired_at' && field !== 'metadata');
  }
  const runProperties = schemas['RunObject']?.['properties'] as Record<string, Schema> | undefined;
  if (runProperties?.['instructions']) runProperties['instructions'] = { type: ['string', 'null'] };
};

const load = () => {
  const spec = JSON.parse(readFixture('openapi-assistants.json')) as {
    components: { schemas: Record<string, Schema> };
  };
  const schemas = toJsonSchema(spec.components.schemas) as Record<string, Schema>;
  relax(schemas);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addSchema({ $id: 'spec', components: { schemas } });
  return ajv;
};

let ajv: ReturnType<typeof load> | undefined;

/** The schema of an event's `data`. */
export function payloadSchemaOf(event: string): string {
  if (event === 'thread.created') return 'ThreadObject';
  if (event === 'thread.message.delta') return 'MessageDeltaObject';
  if (event === 'thread.run.step.delta') return 'RunStepDeltaObject';
  if (event.startsWith('thread.message.')) return 'MessageObject';
  if (event.startsWith('thread.run.step.')) return 'RunStepObject';
  return 'RunObject';
}

/** Errors of `value` against `#/components/schemas/<name>`, as readable strings (`[]` when valid). */
export function specErrors(name: string, value: unknown): string[] {
  ajv ??= load();
  const validate = ajv.getSchema(`spec#/components/schemas/${name}`);
  if (!validate) throw new Error(`No schema ${name} in the spec`);
  return validate(value)
    ? []
    : (validate.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      );
}
