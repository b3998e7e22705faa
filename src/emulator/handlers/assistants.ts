import type { Handler } from '../app';
import { nowSeconds } from '../clock';
import { newId } from '../ids';
import type { AssistantObject } from '../objects';
import { paginate } from '../paginate';
import {
  checkArgs,
  optionalMetadata,
  optionalNumber,
  optionalString,
  optionalTools,
  requireString,
} from '../validate';

const FIELDS = [
  'model',
  'name',
  'description',
  'instructions',
  'reasoning_effort',
  'tools',
  'tool_resources',
  'metadata',
  'temperature',
  'top_p',
  'response_format',
];

/** `POST /assistants` */
export const createAssistant: Handler = ({ body }, { store }) => {
  checkArgs(body, FIELDS);
  const assistant: AssistantObject = {
    id: newId('asst'),
    object: 'assistant',
    created_at: nowSeconds(),
    name: optionalString(body, 'name') ?? null,
    description: optionalString(body, 'description') ?? null,
    model: requireString(body, 'model'),
    instructions: optionalString(body, 'instructions') ?? null,
    tools: optionalTools(body) ?? [],
    top_p: optionalNumber(body, 'top_p') ?? 1,
    temperature: optionalNumber(body, 'temperature') ?? 1,
    reasoning_effort: optionalString(body, 'reasoning_effort') ?? null,
    tool_resources: body['tool_resources'] ?? {},
    metadata: optionalMetadata(body) ?? {},
    response_format: body['response_format'] ?? 'auto',
  };
  store.addAssistant(assistant);
  return { body: assistant };
};

/** `GET /assistants` */
export const listAssistants: Handler = ({ query }, { store }) => ({
  body: paginate([...store.assistants.values()], query),
});

/** `GET /assistants/{assistant_id}` */
export const retrieveAssistant: Handler = ({ ids: [id = ''] }, { store }) => ({ body: store.assistant(id) });

/** `POST /assistants/{assistant_id}` */
export const updateAssistant: Handler = ({ ids: [id = ''], body }, { store }) => {
  const assistant = store.assistant(id);
  checkArgs(body, FIELDS);
  const patch: Partial<AssistantObject> = {};
  if (body['model'] !== undefined) patch.model = requireString(body, 'model');
  for (const key of ['name', 'description', 'instructions', 'reasoning_effort'] as const) {
    const value = optionalString(body, key);
    if (value !== undefined) patch[key] = value;
  }
  for (const key of ['temperature', 'top_p'] as const) {
    const value = optionalNumber(body, key);
    if (value !== undefined) patch[key] = value;
  }
  const tools = optionalTools(body);
  if (tools) patch.tools = tools;
  const metadata = optionalMetadata(body);
  if (metadata) patch.metadata = metadata;
  if (body['tool_resources'] !== undefined) patch.tool_resources = body['tool_resources'];
  if (body['response_format'] !== undefined) patch.response_format = body['response_format'];
  Object.assign(assistant, patch);
  return { body: assistant };
};

/** `DELETE /assistants/{assistant_id}` */
export const deleteAssistant: Handler = ({ ids: [id = ''] }, { store }) => {
  store.assistant(id);
  store.assistants.delete(id);
  return { body: { id, object: 'assistant.deleted', deleted: true } };
};
