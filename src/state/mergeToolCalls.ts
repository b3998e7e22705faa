import type {
  CodeInterpreterOutput,
  CodeInterpreterToolCall,
  FunctionToolCall,
  ToolCall,
} from '../events/types';
import { copyExtras, copyOwn, isRecord, mergeByIndex, type Rec } from './objects';

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

function mergeCall(prev: ToolCall | undefined, delta: Rec): ToolCall {
  const id = typeof delta['id'] === 'string' ? delta['id'] : (prev?.id ?? '');
  let next: ToolCall;
  switch (delta['type']) {
    case 'function': {
      const fn = mergeFunction((prev as FunctionToolCall | undefined)?.function, delta['function']);
      if (prev !== undefined && id === prev.id && fn === (prev as FunctionToolCall).function) return prev;
      next = { id, type: 'function', function: fn };
      break;
    }
    case 'code_interpreter': {
      const code = mergeCode(
        (prev as CodeInterpreterToolCall | undefined)?.code_interpreter,
        delta['code_interpreter'],
      );
      if (
        prev !== undefined &&
        id === prev.id &&
        code === (prev as CodeInterpreterToolCall).code_interpreter
      ) {
        return prev;
      }
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
        call[key] =
          isRecord(value) && isRecord(call[key])
            ? Object.assign(copyOwn(call[key] as Rec), copyOwn(value))
            : value;
      }
      call['id'] = id;
      return call as unknown as ToolCall;
    }
  }
  if (prev !== undefined) copyExtras(next as unknown as Rec, prev, CALL_KEYS);
  copyExtras(next as unknown as Rec, delta, CALL_KEYS);
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
    if (d !== undefined) copyExtras(fn as unknown as Rec, d, FUNCTION_KEYS);
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
  copyExtras(fn as unknown as Rec, prev, FUNCTION_KEYS);
  if (d !== undefined) copyExtras(fn as unknown as Rec, d, FUNCTION_KEYS);
  return fn;
}

type CodeFields = CodeInterpreterToolCall['code_interpreter'];

function mergeCode(prev: CodeFields | undefined, delta: unknown): CodeFields {
  const d = isRecord(delta) ? delta : undefined;
  const input = typeof d?.['input'] === 'string' ? d['input'] : '';
  const prevOutputs = prev?.outputs ?? [];
  const outputs = Array.isArray(d?.['outputs'])
    ? mergeOutputs(prevOutputs, d['outputs'] as unknown[])
    : prevOutputs;
  if (prev !== undefined && input === '' && outputs === prev.outputs) return prev;
  const code: CodeFields = { input: prev === undefined ? input : prev.input + input, outputs };
  if (prev !== undefined) copyExtras(code as unknown as Rec, prev, CODE_KEYS);
  if (d !== undefined) copyExtras(code as unknown as Rec, d, CODE_KEYS);
  return code;
}

function mergeOutputs(outputs: CodeInterpreterOutput[], deltas: readonly unknown[]): CodeInterpreterOutput[] {
  return mergeByIndex(outputs, deltas, (prev, delta) => {
    let next: CodeInterpreterOutput;
    if (delta['type'] === 'logs') {
      const logs = typeof delta['logs'] === 'string' ? delta['logs'] : '';
      if (prev !== undefined && logs === '') return prev;
      next = { type: 'logs', logs: prev === undefined ? logs : (prev as { logs: string }).logs + logs };
    } else if (delta['type'] === 'image') {
      if (prev !== undefined && !isRecord(delta['image'])) return prev;
      const image = prev === undefined ? {} : copyOwn((prev as { image: object }).image);
      if (isRecord(delta['image'])) Object.assign(image, copyOwn(delta['image']));
      if (typeof image['file_id'] !== 'string') image['file_id'] = '';
      next = { type: 'image', image: image as { file_id: string } };
    } else {
      next = Object.assign(prev === undefined ? {} : copyOwn(prev), copyOwn(delta, 'index')) as never;
    }
    if (prev !== undefined) copyExtras(next as unknown as Rec, prev, OUTPUT_KEYS);
    copyExtras(next as unknown as Rec, delta, OUTPUT_KEYS);
    return next;
  });
}
