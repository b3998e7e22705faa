import type { Frame } from './helpers';
import {
  createSpecValidator,
  type Leniency,
  orNull,
  type Schema,
  type Schemas,
  unrequire,
} from './specValidator';

// Validates what the emulator's Responses endpoints emit against
// ../shared/fixtures/openapi-responses.json (OpenAI's published spec, v2.3.0), rewritten to plain
// JSON Schema (specValidator.ts), with RESPONSE_LENIENCIES where the wire and the spec part (each
// names its evidence). Every SSE frame's data is checked against the ResponseStreamEvent member
// its `type` names, and must carry the frame's event name as `type`.

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

/** The known differences between the Responses wire and the published spec, each allowed on purpose. */
export const RESPONSE_LENIENCIES: readonly Leniency[] = [
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

/** Event type → schema of its data, from the members of ResponseStreamEvent. */
function events(schemas: Schemas, lenient: boolean): Map<string, string> {
  const eventData = new Map<string, string>();
  for (const member of (schemas['ResponseStreamEvent']?.['anyOf'] as Schema[]) ?? []) {
    const ref = String(member['$ref'] ?? '').replace(/^#/, '');
    const schema = schemas[ref.split('/').pop() ?? ''];
    const type = ((schema?.['properties'] as Record<string, Schema>)?.['type']?.['enum'] as string[])?.[0];
    if (type) eventData.set(type, ref);
  }
  if (lenient) eventData.set('keepalive', '/components/schemas/KeepaliveEvent');
  return eventData;
}

/** A frame whose data does not carry its event name as `type`. */
function frame({ event, data }: Frame): string[] | undefined {
  const value = JSON.parse(data) as { type?: unknown };
  return value.type === event ? undefined : [`frame ${event} carries type ${String(value.type)}`];
}

/** Builds validators for Responses objects, SSE frames and whole answers, with or without the leniencies. */
export const createResponsesValidator = (options: { lenient?: boolean } = {}) =>
  createSpecValidator(
    {
      file: 'openapi-responses.json',
      leniencies: RESPONSE_LENIENCIES,
      added: { ResponseDeleted: RESPONSE_DELETED_SCHEMA },
      events,
      frame,
      answers: [
        { method: 'DELETE', path: /^\/v1\/responses\/[^/]+$/, ref: '/components/schemas/ResponseDeleted' },
      ],
    },
    options,
  );
