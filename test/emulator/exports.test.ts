import { describe, expectTypeOf, it } from 'vitest';
import type {
  BrainAction,
  BrainCodeInterpreterAction,
  BrainDelayAction,
  BrainFailAction,
  BrainFileSearchAction,
  BrainFunctionCallsAction,
  BrainIncompleteAction,
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
    expectTypeOf<FaultRule>().toEqualTypeOf<StatusFault | LatencyFault | DropFault | ErrorEventFault>();
  });
});
