import { describe, expectTypeOf, it } from 'vitest';
import type {
  BrainAction,
  BrainCodeInterpreterAction,
  BrainDelayAction,
  BrainFailAction,
  BrainFileSearchAction,
  BrainFunctionCallsAction,
  BrainIncompleteAction,
  BrainText,
  BrainTextAction,
  DropFault,
  ErrorEventFault,
  FaultRule,
  LatencyFault,
  StatusFault,
} from '../../src/emulator';

// Every member of a public union is exported from `rxjs-assistants/emulator` by name, so users can
// write a brain or a fault rule one kind at a time (a member left out fails this file's imports).

describe('rxjs-assistants/emulator exports', () => {
  it('every member of its public unions (checked by tsc)', () => {
    expectTypeOf<BrainAction>().toEqualTypeOf<
      | BrainTextAction
      | BrainFunctionCallsAction
      | BrainCodeInterpreterAction
      | BrainFileSearchAction
      | BrainDelayAction
      | BrainFailAction
      | BrainIncompleteAction
    >();
    expectTypeOf<BrainText>().toEqualTypeOf<string | readonly string[] | AsyncIterable<string>>();
    expectTypeOf<BrainTextAction['text']>().toEqualTypeOf<BrainText>();
    expectTypeOf<FaultRule>().toEqualTypeOf<StatusFault | LatencyFault | DropFault | ErrorEventFault>();
  });
});
