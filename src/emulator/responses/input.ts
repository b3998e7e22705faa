import type { AssistantTool } from '../../events/types';
import { badRequest } from '../http';
import { newId } from '../ids';
import type { StoredItem } from './objects';

// Input items and tools of the Responses family, validated where they enter: a bad item is a 400
// naming its place (`input[2].call_id`), and what is stored has the shape the service returns.

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

const invalidType = (param: string, expected: string, value: unknown) =>
  badRequest(
    `Invalid type for '${param}': expected ${expected}, but got ${kindOf(value)} instead.`,
    param,
    'invalid_type',
  );

const missing = (param: string) =>
  badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');

const ROLES = ['user', 'assistant', 'system', 'developer'];

const requiredString = (item: Record<string, unknown>, key: string, param: string): string => {
  const value = item[key];
  if (value === undefined || value === null) throw missing(`${param}.${key}`);
  if (typeof value !== 'string') throw invalidType(`${param}.${key}`, 'a string', value);
  return value;
};

const idOf = (item: Record<string, unknown>, prefix: 'msg' | 'fc'): string =>
  typeof item['id'] === 'string' && item['id'] !== '' ? item['id'] : newId(prefix);

/**
 * `input` as stored items: a string is one user message; an array holds messages (`role` and
 * `content`, `type: 'message'` optional), `function_call_output`, `function_call` and any other
 * typed item (kept as sent, with an id). Throws the service's 400 for a malformed item.
 */
export function inputItems(value: unknown, param = 'input'): StoredItem[] {
  if (typeof value === 'string') return [message('user', value, param)];
  if (!Array.isArray(value)) throw invalidType(param, 'a string or an array of input items', value);
  return value.map((item: unknown, i) => inputItem(item, `${param}[${i}]`));
}

function inputItem(item: unknown, param: string): StoredItem {
  if (!isObject(item)) throw invalidType(param, 'an object', item);
  const type = item['type'] ?? (item['role'] === undefined ? undefined : 'message');
  if (type === undefined) throw missing(`${param}.type`);
  if (typeof type !== 'string') throw invalidType(`${param}.type`, 'a string', type);
  if (type === 'message') {
    const role = item['role'];
    if (role === undefined) throw missing(`${param}.role`);
    if (typeof role !== 'string' || !ROLES.includes(role))
      throw badRequest(
        `Invalid value: '${String(role)}'. Supported values are: 'user', 'assistant', 'system', and 'developer'.`,
        `${param}.role`,
        'invalid_value',
      );
    return message(role, item['content'], param, idOf(item, 'msg'));
  }
  if (type === 'function_call_output') {
    const call_id = requiredString(item, 'call_id', param);
    const output = item['output'];
    if (output === undefined || output === null) throw missing(`${param}.output`);
    if (typeof output !== 'string' && !Array.isArray(output))
      throw invalidType(`${param}.output`, 'a string or an array of content parts', output);
    return { id: idOf(item, 'fc'), type, status: 'completed', call_id, output };
  }
  if (type === 'function_call') {
    const call_id = requiredString(item, 'call_id', param);
    const name = requiredString(item, 'name', param);
    const args = requiredString(item, 'arguments', param);
    return { id: idOf(item, 'fc'), type, status: 'completed', arguments: args, call_id, name };
  }
  return { ...item, id: idOf(item, 'msg'), type };
}

/** A message item: string content becomes one text part (`output_text` for the assistant's). */
function message(role: string, content: unknown, param: string, id = newId('msg')): StoredItem {
  const assistant = role === 'assistant';
  if (content === undefined || content === null) throw missing(`${param}.content`);
  if (typeof content === 'string')
    return {
      id,
      type: 'message',
      status: 'completed',
      content: [assistant ? outputText(content) : { type: 'input_text', text: content }],
      role,
    };
  if (!Array.isArray(content)) throw invalidType(`${param}.content`, 'a string or an array', content);
  const parts = content.map((part: unknown, i) => {
    const where = `${param}.content[${i}]`;
    if (!isObject(part)) throw invalidType(where, 'an object', part);
    if (typeof part['type'] !== 'string') throw missing(`${where}.type`);
    const text = part['text'];
    if ((part['type'] === 'input_text' || part['type'] === 'output_text') && typeof text !== 'string')
      throw text === undefined ? missing(`${where}.text`) : invalidType(`${where}.text`, 'a string', text);
    // The stored form of output text always has its annotations and logprobs, as the service's.
    return part['type'] === 'output_text' ? { ...outputText(String(text)), ...part } : part;
  });
  return { id, type: 'message', status: 'completed', content: parts, role };
}

const outputText = (text: string) => ({ type: 'output_text', annotations: [], logprobs: [], text });

/** The most tools a response may have, as on the service (it also bounds the default brain's search). */
const MAX_TOOLS = 128;

/** `tools` as the response echoes them: function tools with their defaults, others as sent. */
export function responseTools(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidType('tools', 'an array', value);
  if (value.length > MAX_TOOLS)
    throw badRequest(
      `Invalid 'tools': array too long. Expected an array with maximum length ${MAX_TOOLS}, but got an array with length ${value.length} instead.`,
      'tools',
      'array_above_max_length',
    );
  return value.map((tool: unknown, i) => {
    const param = `tools[${i}]`;
    if (!isObject(tool)) throw invalidType(param, 'an object', tool);
    if (typeof tool['type'] !== 'string') throw missing(`${param}.type`);
    if (tool['type'] !== 'function') return tool;
    const name = tool['name'];
    if (name === undefined) throw missing(`${param}.name`);
    if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(name))
      throw badRequest(
        `Invalid '${param}.name': expected 1 to 64 letters, digits, '_' or '-'.`,
        `${param}.name`,
        'invalid_value',
      );
    return {
      type: 'function',
      description: tool['description'] ?? null,
      name,
      parameters: tool['parameters'] ?? null,
      strict: tool['strict'] ?? true,
    };
  });
}

/** The response's tools as the Assistants vocabulary names them, for the brain's view of a response. */
export function assistantTools(tools: readonly unknown[]): AssistantTool[] {
  return tools.flatMap((tool): AssistantTool[] => {
    if (!isObject(tool)) return [];
    if (tool['type'] === 'function' && typeof tool['name'] === 'string') {
      const { name, description, parameters, strict } = tool;
      return [
        {
          type: 'function',
          function: {
            name,
            ...(typeof description === 'string' ? { description } : {}),
            ...(isObject(parameters) ? { parameters } : {}),
            strict: strict === true,
          },
        },
      ];
    }
    if (tool['type'] === 'file_search') return [{ type: 'file_search' }];
    if (tool['type'] === 'code_interpreter') return [{ type: 'code_interpreter' }];
    return [];
  });
}
