import type { Frame } from './helpers';
import {
  type Check,
  createSpecValidator,
  type Leniency,
  orNull,
  type Schema,
  type Schemas,
  unrequire,
} from './specValidator';

// Validates what the emulator emits against ../shared/fixtures/openapi-assistants.json (OpenAI's
// published spec, v2.3.0), rewritten to plain JSON Schema (specValidator.ts), with LENIENCIES where
// the real wire (the recordings) and the spec disagree. The emulator follows the wire there. Every
// entry names its evidence.

const prop = (schemas: Schemas, name: string, key: string): Schema => {
  const properties = schemas[name]?.['properties'] as Record<string, Schema> | undefined;
  return properties?.[key] ?? {};
};

/** The known differences between the real wire and the published spec, each allowed on purpose. */
export const LENIENCIES: readonly Leniency[] = [
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
    apply: (s) => unrequire(s['RunObject'], 'parallel_tool_calls'),
  },
  {
    where: 'RunStepObject carries expires_at instead of expired_at, and no metadata',
    evidence:
      'every recorded thread.run.step.* payload (fixtures README, "Where the wire and the spec disagree")',
    apply: (s) => unrequire(s['RunStepObject'], 'expired_at', 'metadata'),
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

/** Event name → schema of its data, from the oneOf branches of the stream-event schemas. */
function events(schemas: Schemas): Map<string, string> {
  const eventData = new Map<string, string>();
  for (const group of ['ThreadStreamEvent', 'RunStreamEvent', 'RunStepStreamEvent', 'MessageStreamEvent']) {
    for (const branch of (schemas[group]?.['oneOf'] as Schema[]) ?? []) {
      const properties = branch['properties'] as Record<string, Schema>;
      const name = (properties['event']?.['enum'] as string[] | undefined)?.[0] ?? '';
      eventData.set(name, String(properties['data']?.['$ref'] ?? '').replace(/^#/, ''));
    }
  }
  return eventData;
}

/** `done` and `error` frames: not stream events of the spec. */
function frame({ event, data }: Frame, check: Check): string[] | undefined {
  if (event === 'done') return data === '[DONE]' ? [] : [`done frame with data ${data}`];
  if (event === 'error') return check('/components/schemas/Error', JSON.parse(data));
  return undefined;
}

/** Builds validators for objects, SSE frames and whole answers, with or without the leniencies. */
export const createValidator = (options: { lenient?: boolean } = {}) =>
  createSpecValidator({ file: 'openapi-assistants.json', leniencies: LENIENCIES, events, frame }, options);
