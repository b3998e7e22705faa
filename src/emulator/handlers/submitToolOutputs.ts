import type { Handler } from '../app';
import { streamRunEvents } from '../app';
import { badRequest } from '../http';
import { checkArgs } from '../validate';

const pyList = (ids: readonly string[]): string => `[${ids.map((id) => `'${id}'`).join(', ')}]`;

/**
 * `POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs`: the run must be
 * `requires_action`, and every pending call must get exactly one output.
 */
export const submitToolOutputs: Handler = ({ ids: [threadId = '', runId = ''], body }, app) => {
  const record = app.store.run(threadId, runId);
  checkArgs(body, ['tool_outputs', 'stream']);
  const { status, required_action } = record.run;
  if (status !== 'requires_action' || !required_action)
    throw badRequest(`Runs in status "${status}" do not accept tool outputs.`);
  const outputs = body['tool_outputs'];
  if (outputs === undefined || outputs === null)
    throw badRequest(
      "Missing required parameter: 'tool_outputs'.",
      'tool_outputs',
      'missing_required_parameter',
    );
  if (!Array.isArray(outputs))
    throw badRequest("Invalid type for 'tool_outputs': expected an array.", 'tool_outputs', 'invalid_type');
  const pending = required_action.submit_tool_outputs.tool_calls.map((call) => call.id);
  const isPending = new Set(pending);
  const answers = new Map<string, string>();
  outputs.forEach((item: unknown, i) => {
    const param = `tool_outputs[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw badRequest(`Invalid type for '${param}': expected an object.`, param, 'invalid_type');
    const entry = item as Record<string, unknown>;
    checkArgs(entry, ['tool_call_id', 'output'], `${param}.`);
    const id = entry['tool_call_id'];
    const output = entry['output'] ?? '';
    if (typeof id !== 'string')
      throw badRequest(
        `Missing required parameter: '${param}.tool_call_id'.`,
        `${param}.tool_call_id`,
        'missing_required_parameter',
      );
    if (typeof output !== 'string')
      throw badRequest(
        `Invalid type for '${param}.output': expected a string.`,
        `${param}.output`,
        'invalid_type',
      );
    if (!isPending.has(id))
      throw badRequest(
        `Invalid '${param}.tool_call_id': no pending tool call '${id}' in run ${record.run.id}.`,
        `${param}.tool_call_id`,
        'invalid_value',
      );
    if (answers.has(id))
      throw badRequest(`Duplicate tool_call_id '${id}' in 'tool_outputs'.`, 'tool_outputs');
    answers.set(id, output);
  });
  if (pending.some((id) => !answers.has(id)))
    throw badRequest(
      `Expected tool outputs for call_ids ${pyList(pending)}, got ${pyList([...answers.keys()])}`,
      'tool_outputs',
    );
  if (body['stream'] !== true) {
    app.engine.submit(record, answers);
    return { body: record.run };
  }
  return {
    stream: (sink) => {
      const subscription = streamRunEvents(app, record.run.id, sink);
      app.engine.submit(record, answers);
      return subscription;
    },
  };
};
