// events: the RunEvent union, payload types and guards

export {
  isKnownRunEvent,
  isMessageEvent,
  isRunEvent,
  isRunEventName,
  isRunStatusEvent,
  isRunStepEvent,
  isTerminalStatus,
  TERMINAL_STATUSES,
} from './events/guards';
export type {
  MessageDeltaEvent,
  MessageEvent,
  MessageEventName,
  RunEvent,
  RunEventName,
  RunEventOf,
  RunStatusEvent,
  RunStatusEventName,
  RunStepDeltaEvent,
  RunStepEvent,
  RunStepEventName,
  ThreadCreatedEvent,
} from './events/RunEvent';
export { MESSAGE_EVENTS, RUN_EVENT_NAMES, RUN_STATUS_EVENTS, RUN_STEP_EVENTS } from './events/RunEvent';
export type {
  Annotation,
  AnnotationDelta,
  Assistant,
  AssistantTool,
  CodeInterpreterOutput,
  CodeInterpreterOutputDelta,
  CodeInterpreterToolCall,
  CodeInterpreterToolCallDelta,
  Deleted,
  ErrorPayload,
  FileCitationAnnotation,
  FileCitationDeltaAnnotation,
  FilePathAnnotation,
  FilePathDeltaAnnotation,
  FileSearchResult,
  FileSearchToolCall,
  FileSearchToolCallDelta,
  FunctionDefinition,
  FunctionToolCall,
  FunctionToolCallDelta,
  ImageFileContentBlock,
  ImageFileDeltaBlock,
  ImageURLContentBlock,
  ImageURLDeltaBlock,
  LastError,
  Message,
  MessageContent,
  MessageContentDelta,
  MessageCreationStepDetails,
  MessageDelta,
  Metadata,
  Page,
  RefusalContentBlock,
  RefusalDeltaBlock,
  RequiredAction,
  RequiredActionFunctionToolCall,
  Run,
  RunStatus,
  RunStep,
  RunStepDelta,
  StepDetails,
  StepDetailsDelta,
  TextContentBlock,
  TextDeltaBlock,
  Thread,
  ToolCall,
  ToolCallDelta,
  ToolCallsStepDetails,
  Usage,
} from './events/types';

// client: the endpoint interface, its two factories and their request parameters

export type { AssistantsClient, PolledRun } from './client/AssistantsClient';
export type { Endpoints } from './client/endpoints';
export type { FetchClientOptions, FetchFunction } from './client/fetchClient';
export { fetchClient } from './client/fetchClient';
export type { InvalidResponseErrorInit } from './client/InvalidResponseError';
export { InvalidResponseError } from './client/InvalidResponseError';
export type {
  OpenAIClientOptions,
  OpenAILike,
  OpenAIPromiseLike,
  OpenAIRequestOptionsLike,
} from './client/openaiClient';
export { openaiClient } from './client/openaiClient';
export type {
  AssistantCreateParams,
  AssistantUpdateParams,
  IncludeQuery,
  ListQuery,
  MessageCreateParams,
  MessageInputContent,
  MessageListQuery,
  MessageUpdateParams,
  RunCreateParams,
  RunUpdateParams,
  SubmitToolOutputsParams,
  ThreadAndRunCreateParams,
  ThreadCreateParams,
  ThreadUpdateParams,
  ToolOutput,
} from './client/params';
export { CANCEL_DEADLINE_MS, CANCEL_MAX_RETRIES, CANCEL_MAX_RETRY_DELAY_MS } from './client/RequestPolicy';
export type { QueryValue } from './client/Transport';

// errors: every error the library raises extends AssistantsError

export type { AssistantsApiErrorInit } from './errors/AssistantsApiError';
export { AssistantsApiError } from './errors/AssistantsApiError';
export { AssistantsConnectionError } from './errors/AssistantsConnectionError';
export { AssistantsError } from './errors/AssistantsError';
export { RequestOutcomeUnknownError } from './errors/RequestOutcomeUnknownError';
export { RequestTimeoutError } from './errors/RequestTimeoutError';
export { RunStreamError, StreamDisconnectedError, StreamParseError } from './errors/StreamErrors';
export { ThreadBusyError } from './errors/ThreadBusyError';
export type { UnexpectedRedirectErrorInit } from './errors/UnexpectedRedirectError';
export { UnexpectedRedirectError } from './errors/UnexpectedRedirectError';

// sources: one run as one cold Observable of its events

export { cancelRun } from './sources/cancelRun';
export { PaginationError } from './sources/collectPages';
export type { CreateRunParams } from './sources/createRun';
export { createRun } from './sources/createRun';
export { createThreadAndRun } from './sources/createThreadAndRun';
export type { RunConfig, RunRef } from './sources/RunConfig';
export type { MessageShown, RunShown, StepShown } from './sources/RunShown';
export { runShown, showEvent } from './sources/RunShown';
export type { SubmitToolOutputsSourceParams } from './sources/submitToolOutputs';
export { submitToolOutputs } from './sources/submitToolOutputs';
export type { WatchRunConfig, WatchRunParams } from './sources/watchRun';
export { watchRun } from './sources/watchRun';

// operators: tools, timeouts, retries, failures, filtering

export type {
  HandleRequiresActionConfig,
  ToolCallFailureReason,
  ToolCallHandler,
  ToolContext,
  ToolHandler,
  ToolHandlers,
} from './operators/handleRequiresAction';
export {
  handleRequiresAction,
  RepeatedToolCallsError,
  RequiredActionExpiredError,
  ToolCallError,
} from './operators/handleRequiresAction';
export { ofType } from './operators/ofType';
export type { RetryRunConfig } from './operators/retryRun';
export { retryRun } from './operators/retryRun';
export type { RunTimeoutConfig } from './operators/runTimeout';
export { RunTimeoutError, runTimeout } from './operators/runTimeout';
export type { RunFailureStatus } from './operators/throwOnFailure';
export { ResponseFailedError, RunFailedError, throwOnFailure } from './operators/throwOnFailure';

// collectors: RunEvent -> value

export { finalMessages } from './operators/finalMessages';
export { finalRun, NoRunEventError } from './operators/finalRun';
export type { RunStateOptions } from './operators/runState';
export { runState } from './operators/runState';
export { runStatus } from './operators/runStatus';
export { textDeltas } from './operators/textDeltas';
export { toolCalls } from './operators/toolCalls';

// relay: run events across an HTTP hop as Server-Sent Events

export type { FromServerSentEventsOptions } from './relay/fromServerSentEvents';
export { fromServerSentEvents } from './relay/fromServerSentEvents';
export type { NodeResponseLike, PipeToNodeResponseOptions } from './relay/pipeToNodeResponse';
export { pipeToNodeResponse } from './relay/pipeToNodeResponse';
export type { ToServerSentEventsOptions } from './relay/toServerSentEvents';
export { toServerSentEvents } from './relay/toServerSentEvents';
export type { SSEResponseOptions } from './relay/toSSEResponse';
export { toSSEResponse } from './relay/toSSEResponse';

// state: the pure reducer behind runState(), for UI stores

export type { RunState } from './state/RunState';
export { initialRunState } from './state/RunState';
export { reduceRunState } from './state/reduceRunState';

// ui: runs and responses as the AI SDK's UI message stream (useChat, assistant-ui), and paced snapshots

export { pace } from './ui/pace';
export type { PipeUIMessageStreamOptions } from './ui/pipeUIMessageStreamToNodeResponse';
export { pipeUIMessageStreamToNodeResponse } from './ui/pipeUIMessageStreamToNodeResponse';
export type { ToUIMessageStreamOptions } from './ui/toUIMessageStream';
export { toUIMessageStream } from './ui/toUIMessageStream';
export type { UIMessageStreamResponseInit } from './ui/toUIMessageStreamResponse';
export { toUIMessageStreamResponse } from './ui/toUIMessageStreamResponse';
export type {
  RunStatusData,
  UIFinishReason,
  UIJSONValue,
  UIMessageStreamChunk,
  UIMessageStreamChunkOf,
  UIProviderMetadata,
} from './ui/UIMessageStreamChunk';
export type { UIMessageFramesOptions } from './ui/uiMessageFrames';

// responses: a Responses API (background) response as one cold Observable, on the same engine

export type { ToolArguments } from './operators/runToolCall';
export type { ToolFailure, ToolLoopConfig } from './operators/toolConfig';
export type { SchemaResult, StandardSchemaLike } from './operators/typedHandler';
export { ToolArgumentsError, typedHandler } from './operators/typedHandler';
export { finalResponse, NoResponseEventError } from './responses/operators/finalResponse';
export type { HandleFunctionCallsConfig } from './responses/operators/handleFunctionCalls';
export { FunctionCallError, handleFunctionCalls } from './responses/operators/handleFunctionCalls';
export { outputText } from './responses/operators/outputText';
export { responseState } from './responses/operators/responseState';
export type {
  ConversationCreateParams,
  ConversationItemsCreateParams,
  ConversationUpdateParams,
  ItemListQuery,
  ResponseCreateParams,
  ResponseInputItem,
  ResponseRetrieveQuery,
  ResponseStreamQuery,
} from './responses/params';
export type {
  ResponseAnnotationAddedEvent,
  ResponseArgumentsDeltaEvent,
  ResponseArgumentsDoneEvent,
  ResponseContentPartEvent,
  ResponseErrorEvent,
  ResponseEvent,
  ResponseEventOf,
  ResponseEventType,
  ResponseFunctionCallOutputEvent,
  ResponseKeepaliveEvent,
  ResponseLifecycleEvent,
  ResponseLifecycleEventType,
  ResponseOtherEvent,
  ResponseOutputItemEvent,
  ResponseReasoningSummaryDeltaEvent,
  ResponseReasoningSummaryDoneEvent,
  ResponseReasoningSummaryPartEvent,
  ResponseRefusalDoneEvent,
  ResponseTextDeltaEvent,
  ResponseTextDoneEvent,
  ResponseToolProgressEvent,
} from './responses/ResponseEvent';
export {
  isResponseEvent,
  isResponseLifecycleEvent,
  isTerminalResponseStatus,
  RESPONSE_LIFECYCLE_EVENTS,
} from './responses/ResponseEvent';
export { cancelResponse } from './responses/sources/cancelResponse';
export { createResponse } from './responses/sources/createResponse';
export type { ResponseConfig, ResponseRef } from './responses/sources/ResponseConfig';
export type { WatchResponseParams } from './responses/sources/watchResponse';
export { watchResponse } from './responses/sources/watchResponse';
export type { ResponseState, ResponseTurn } from './responses/state/ResponseState';
export { initialResponseState } from './responses/state/ResponseState';
export { reduceResponseState } from './responses/state/reduceResponseState';
export type {
  Conversation,
  ConversationItem,
  FunctionCallOutput,
  ItemPage,
  ResponseAnnotation,
  ResponseContentPart,
  ResponseDeleted,
  ResponseError,
  ResponseFunctionCall,
  ResponseItemStatus,
  ResponseObject,
  ResponseOtherItem,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseReasoningItem,
  ResponseStatus,
  ResponseTerminalStatus,
  ResponseUsage,
} from './responses/types';

// promises: one call for simple scripts, over the Observables above

export type { CompleteResponseOptions, CompleteResponseResult } from './promises/completeResponse';
export { completeResponse } from './promises/completeResponse';
export type { CompleteRunOptions, CompleteRunParams, CompleteRunResult } from './promises/completeRun';
export { completeRun } from './promises/completeRun';
export type { NoRunConfigKeys } from './sources/RunConfig';
