import type {
  CodeInterpreterOutput,
  CodeInterpreterToolCall,
  FunctionToolCall,
  ToolCall,
} from '../events/types';
import { copyExtras, copyOwn, isRecord, listOf, mergeByIndex, type Part } from './objects';

/**
 * Merging of `thread.run.step.delta` tool-call fragments into a step's tool calls, by `index`.
 * Internal. Like `mergeContent`, every function returns its input when nothing usable arrived.
 */

const CALL_KEYS: ReadonlySet<string> = new Set([
  'index',
  'id',
  'type',
  'function',
  'code_interpreter',
  'file_search',
]);
const FUNCTION_KEYS: ReadonlySet<string> = new Set(['name', 'arguments', 'output']);
const CODE_KEYS: ReadonlySet<string> = new Set(['input', 'outputs']);
const OUTPUT_KEYS: ReadonlySet<string> = new Set(['index', 'type', 'logs', 'image']);

/** `calls` with every usable tool-call delta merged in (`calls` itself when none was). */
export function mergeToolCalls(calls: ToolCall[], deltas: readonly unknown[]): ToolCall[] {
  return mergeByIndex(calls, deltas, mergeCall);
}

/** `mergeByIndex` passes a `prev` of the delta's own type only; the checks below just narrow it. */
function mergeCall(prev: ToolCall | undefined, delta: Part): ToolCall {
  const id = typeof delta['id'] === 'string' ? delta['id'] : (prev?.id ?? '');
  let next: ToolCall;
  switch (delta.type) {
    case 'function': {
      const prevFn = prev?.type === 'function' ? prev : undefined;
      const fn = mergeFunction(prevFn?.function, delta['function']);
      if (prevFn !== undefined && id === prevFn.id && fn === prevFn.function) return prevFn;
      next = { id, type: 'function', function: fn };
      break;
    }
    case 'code_interpreter': {
      const prevCode = prev?.type === 'code_interpreter' ? prev : undefined;
      const code = mergeCode(prevCode?.code_interpreter, delta['code_interpreter']);
      if (prevCode !== undefined && id === prevCode.id && code === prevCode.code_interpreter) return prevCode;
      next = { id, type: 'code_interpreter', code_interpreter: code };
      break;
    }
    default: {
      // file_search (whose results only come whole, in step.completed) and types this version does
      // not know: set the fields that arrived, one level deep, never concatenate.
      const call = prev === undefined ? {} : copyOwn(prev);
      for (const key in delta) {
        if (key === 'index' || !Object.hasOwn(delta, key)) continue;
        const value = delta[key];
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
        const current = call[key];
        call[key] =
          isRecord(value) && isRecord(current) ? Object.assign(copyOwn(current), copyOwn(value)) : value;
      }
      call['id'] = id;
      return call as unknown as ToolCall;
    }
  }
  if (prev !== undefined) copyExtras(next, prev, CALL_KEYS);
  copyExtras(next, delta, CALL_KEYS);
  return next;
}

type FunctionFields = FunctionToolCall['function'];

function mergeFunction(prev: FunctionFields | undefined, delta: unknown): FunctionFields {
  const d = isRecord(delta) ? delta : undefined;
  const name = typeof d?.['name'] === 'string' && d['name'] !== '' ? d['name'] : undefined;
  const args = typeof d?.['arguments'] === 'string' ? d['arguments'] : '';
  const output = typeof d?.['output'] === 'string' || d?.['output'] === null ? d['output'] : undefined;
  if (prev === undefined) {
    const fn: FunctionFields = { name: name ?? '', arguments: args, output: output ?? null };
    if (d !== undefined) copyExtras(fn, d, FUNCTION_KEYS);
    return fn;
  }
  if (
    (name === undefined || name === prev.name) &&
    args === '' &&
    (output === undefined || output === prev.output)
  ) {
    return prev;
  }
  const fn: FunctionFields = {
    name: name ?? prev.name,
    arguments: args === '' ? prev.arguments : prev.arguments + args,
    output: output === undefined ? prev.output : output,
  };
  copyExtras(fn, prev, FUNCTION_KEYS);
  if (d !== undefined) copyExtras(fn, d, FUNCTION_KEYS);
  return fn;
}

type CodeFields = CodeInterpreterToolCall['code_interpreter'];

function mergeCode(prev: CodeFields | undefined, delta: unknown): CodeFields {
  const d = isRecord(delta) ? delta : undefined;
  const input = typeof d?.['input'] === 'string' ? d['input'] : '';
  const prevOutputs = prev?.outputs ?? [];
  const outputDeltas = listOf(d?.['outputs']);
  const outputs = outputDeltas ? mergeOutputs(prevOutputs, outputDeltas) : prevOutputs;
  if (prev !== undefined && input === '' && outputs === prev.outputs) return prev;
  const code: CodeFields = { input: prev === undefined ? input : prev.input + input, outputs };
  if (prev !== undefined) copyExtras(code, prev, CODE_KEYS);
  if (d !== undefined) copyExtras(code, d, CODE_KEYS);
  return code;
}

function mergeOutputs(outputs: CodeInterpreterOutput[], deltas: readonly unknown[]): CodeInterpreterOutput[] {
  return mergeByIndex(outputs, deltas, (prev, delta) => {
    // As in mergeCall, a `prev` has the delta's type; the checks narrow it.
    let next: CodeInterpreterOutput;
    if (delta.type === 'logs') {
      const prevLogs = prev?.type === 'logs' ? prev : undefined;
      const logs = typeof delta['logs'] === 'string' ? delta['logs'] : '';
      if (prevLogs !== undefined && logs === '') return prevLogs;
      next = { type: 'logs', logs: prevLogs === undefined ? logs : prevLogs.logs + logs };
    } else if (delta.type === 'image') {
      const prevImage = prev?.type === 'image' ? prev : undefined;
      const add = delta['image'];
      if (prevImage !== undefined && !isRecord(add)) return prevImage;
      const image = prevImage === undefined ? {} : copyOwn(prevImage.image);
      if (isRecord(add)) Object.assign(image, copyOwn(add));
      // `file_id` keeps its place among the fields, or comes last when it was missing.
      const file_id = typeof image['file_id'] === 'string' ? image['file_id'] : '';
      next = { type: 'image', image: { ...image, file_id } };
    } else {
      // An output type this version does not know: its fields are set, shallowly.
      const output = Object.assign(prev === undefined ? {} : copyOwn(prev), copyOwn(delta, 'index'));
      return output as unknown as CodeInterpreterOutput;
    }
    if (prev !== undefined) copyExtras(next, prev, OUTPUT_KEYS);
    copyExtras(next, delta, OUTPUT_KEYS);
    return next;
  });
}
