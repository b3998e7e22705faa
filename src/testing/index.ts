/**
 * `rxjs-assistants/testing`: test doubles for code built on rxjs-assistants.
 *
 * - {@link mockClient}: an `AssistantsClient` whose methods return the Observables you give
 *   (`cold('-a-b|')` under `TestScheduler.run`) and record their calls.
 * - Builders with deterministic defaults (ids `asst_1`, `thread_1`, `run_1`, `step_1`, `msg_1`,
 *   `call_1`; timestamps from `BUILDER_DEFAULTS.createdAt`), each taking a partial override:
 *   - objects: `a`/`an` + type name: `aRun`, `aThread`, `anAssistant`, `aMessage`, `aRunStep`,
 *     `aFunctionToolCall`, `aPage` …
 *   - events: the event name without `thread.`, with `run.step` shortened to `step`, in camelCase:
 *     `thread.created` → `threadCreated`, `thread.run.in_progress` → `runInProgress`,
 *     `thread.run.step.delta` → `stepDelta`, `thread.message.completed` → `messageCompleted`.
 *     Run, step and message events set `data.status` to match the name (`runCreated` → `queued`);
 *     `eventBuilders` maps each of the 23 names to its builder.
 *   - whole streams: `runEvents({ text, toolCalls, status })` and `requiresActionEvents({ calls })`.
 * - {@link replayFetch}: a `fetch` that serves a recorded session (openai-dotnet format).
 *
 * @packageDocumentation
 */

// builders: payload objects
export {
  aCodeInterpreterToolCall,
  aFileSearchToolCall,
  aFunctionToolCall,
  aMessage,
  anAssistant,
  aPage,
  aRequiredAction,
  aRun,
  aRunStep,
  aTextContent,
  aThread,
  BUILDER_DEFAULTS,
  type FunctionCallSpec,
} from './builders';
// builders: delta payloads
export { aFunctionToolCallDelta, aMessageDelta, aRunStepDelta, toolCallToDelta } from './deltaBuilders';
// builders: one per event name
export {
  eventBuilders,
  type MessagePartial,
  messageCompleted,
  messageCreated,
  messageDelta,
  messageIncomplete,
  messageInProgress,
  type RunPartial,
  type RunStepPartial,
  runCancelled,
  runCancelling,
  runCompleted,
  runCreated,
  runExpired,
  runFailed,
  runIncomplete,
  runInProgress,
  runQueued,
  runRequiresAction,
  stepCancelled,
  stepCompleted,
  stepCreated,
  stepDelta,
  stepExpired,
  stepFailed,
  stepInProgress,
  threadCreated,
} from './eventBuilders';
// mock client
export {
  type MockArgs,
  type MockCall,
  type MockClient,
  type MockClientOverrides,
  type MockMethod,
  mockClient,
  UnmockedMethodError,
} from './mockClient';
// replayed HTTP
export {
  type FlatRecordingEntry,
  type Recording,
  type RecordingEntry,
  type ReplayedRequest,
  type ReplayFetch,
  type ReplayFetchOptions,
  ReplayMismatchError,
  replayFetch,
} from './replayFetch';
// builders: whole streamed runs
export {
  type RequiresActionEventsOptions,
  type RunEventsOptions,
  type RunIds,
  requiresActionEvents,
  runEvents,
} from './runEvents';
