// rxjs-assistants/emulator: a local Assistants v2 and Responses server (Node only).
export type {
  Brain,
  BrainAction,
  BrainCodeInterpreterAction,
  BrainContext,
  BrainDelayAction,
  BrainFailAction,
  BrainFileSearchAction,
  BrainFunctionCallsAction,
  BrainIncompleteAction,
  BrainText,
  BrainTextAction,
  BrainToolResult,
} from './Brain';
export { defaultBrain } from './defaultBrain';
export type { Emulator, EmulatorLimits, EmulatorOptions, EmulatorRequest } from './EmulatorOptions';
export type { EndpointName } from './endpoints';
export type {
  DropFault,
  EmulatorFaults,
  ErrorEventFault,
  FaultRule,
  FaultRuleBase,
  LatencyFault,
  StatusFault,
} from './faults';
export { startEmulator } from './startEmulator';
