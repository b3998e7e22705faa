import type { AssistantTool, MessageContent } from '../events/types';
import { badRequest } from './http';
import { type MetadataMap, normalizeTools } from './objects';

/** A parsed JSON request body. */
export type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const typeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

const invalidType = (param: string, expected: string, value: unknown) =>
  badRequest(
    `Invalid type for '${param}': expected ${expected}, but got ${typeName(value)} instead.`,
    param,
    'invalid_type',
  );

/** Rejects arguments the endpoint does not know, in the service's words. */
export function checkArgs(body: Body, allowed: readonly string[], prefix = ''): void {
  for (const key of Object.keys(body))
    if (!allowed.includes(key))
      throw badRequest(
        `Unrecognized request argument supplied: ${prefix}${key}`,
        `${prefix}${key}`,
        'unknown_parameter',
      );
}

/** A required string. */
export function requireString(body: Body, key: string): string {
  const value = body[key];
  if (value === undefined || value === null)
    throw badRequest(`Missing required parameter: '${key}'.`, key, 'missing_required_parameter');
  if (typeof value !== 'string') throw invalidType(key, 'a string', value);
  return value;
}

/** An optional string (`undefined` when absent, `null` when sent as null). */
export function optionalString(body: Body, key: string): string | null | undefined {
  const value = body[key];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw invalidType(key, 'a string', value);
  return value;
}

/** An optional number (`undefined` when absent, `null` when sent as null). */
export function optionalNumber(body: Body, key: string): number | null | undefined {
  const value = body[key];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(key, 'a number', value);
  return value;
}

/** Metadata: up to 16 string values (`null` clears it). */
export function optionalMetadata(body: Body, key = 'metadata'): MetadataMap | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (value === null) return {};
  if (!isObject(value)) throw invalidType(key, 'an object', value);
  const entries = Object.entries(value);
  if (entries.length > 16) throw badRequest(`Invalid '${key}': too many properties (at most 16).`, key);
  for (const [k, v] of entries) if (typeof v !== 'string') throw invalidType(`${key}.${k}`, 'a string', v);
  return { ...(value as MetadataMap) };
}

/** The most tools an assistant or a run may have. */
const MAX_TOOLS = 128;

/** Tools (at most 128), with the defaults the service fills in. */
export function optionalTools(body: Body, key = 'tools'): AssistantTool[] | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidType(key, 'an array', value);
  // As on the service; it also bounds the default brain's search for tool names in a message.
  if (value.length > MAX_TOOLS)
    throw badRequest(
      `Invalid '${key}': array too long. Expected an array with maximum length ${MAX_TOOLS}, but got an array with length ${value.length} instead.`,
      key,
      'array_above_max_length',
    );
  value.forEach((tool: unknown, i) => {
    const param = `${key}[${i}]`;
    if (!isObject(tool)) throw invalidType(param, 'an object', tool);
    if (tool['type'] === 'function') {
      const fn = tool['function'];
      if (!isObject(fn))
        throw badRequest(`Missing required parameter: '${param}.function'.`, `${param}.function`);
      if (typeof fn['name'] !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(fn['name']))
        throw badRequest(
          `Invalid '${param}.function.name': expected 1 to 64 letters, digits, '_' or '-'.`,
          `${param}.function.name`,
          'invalid_value',
        );
    } else if (tool['type'] !== 'code_interpreter' && tool['type'] !== 'file_search')
      throw badRequest(
        `Invalid value: '${String(tool['type'])}'. Supported values are: 'code_interpreter', 'function', and 'file_search'.`,
        `${param}.type`,
        'invalid_value',
      );
  });
  return normalizeTools(value as AssistantTool[]);
}

/** A message to create: role, content (a string or content parts), attachments, metadata. */
export function messageInput(
  value: unknown,
  param: string,
): { role: 'user' | 'assistant'; content: MessageContent[]; attachments: unknown[]; metadata: MetadataMap } {
  if (!isObject(value)) throw invalidType(param, 'an object', value);
  checkArgs(value, ['role', 'content', 'attachments', 'metadata'], param === '' ? '' : `${param}.`);
  const at = (key: string) => (param === '' ? key : `${param}.${key}`);
  const role = value['role'];
  if (role === undefined) throw badRequest(`Missing required parameter: '${at('role')}'.`, at('role'));
  if (role !== 'user' && role !== 'assistant')
    throw badRequest(
      `Invalid value: '${String(role)}'. Supported values are: 'user' and 'assistant'.`,
      at('role'),
      'invalid_value',
    );
  const attachments = value['attachments'] ?? [];
  if (!Array.isArray(attachments)) throw invalidType(at('attachments'), 'an array', attachments);
  return {
    role,
    content: messageContent(value['content'], at('content')),
    attachments,
    metadata: optionalMetadata(value, 'metadata') ?? {},
  };
}

function messageContent(value: unknown, param: string): MessageContent[] {
  if (value === undefined || value === null)
    throw badRequest(`Missing required parameter: '${param}'.`, param);
  if (typeof value === 'string') {
    if (value === '')
      throw badRequest(
        `Invalid '${param}': string too short. Expected a string with minimum length 1.`,
        param,
      );
    return [{ type: 'text', text: { value, annotations: [] } }];
  }
  if (!Array.isArray(value) || value.length === 0)
    throw invalidType(param, 'a string or an array of content parts', value);
  return value.map((part: unknown, i): MessageContent => {
    const where = `${param}[${i}]`;
    if (!isObject(part)) throw invalidType(where, 'an object', part);
    if (part['type'] === 'text' && typeof part['text'] === 'string')
      return { type: 'text', text: { value: part['text'], annotations: [] } };
    if (
      part['type'] === 'image_url' &&
      isObject(part['image_url']) &&
      typeof part['image_url']['url'] === 'string'
    )
      return { type: 'image_url', image_url: { detail: 'auto', ...(part['image_url'] as { url: string }) } };
    if (
      part['type'] === 'image_file' &&
      isObject(part['image_file']) &&
      typeof part['image_file']['file_id'] === 'string'
    )
      return {
        type: 'image_file',
        image_file: { detail: 'auto', ...(part['image_file'] as { file_id: string }) },
      };
    throw badRequest(
      `Invalid '${where}': expected a text, image_url or image_file content part.`,
      where,
      'invalid_value',
    );
  });
}
