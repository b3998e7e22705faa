/**
 * The payload types against the `openai` package's (v6, the devDependency), both ways.
 *
 * SDK → ours must always hold (DESIGN 3.1: assignable from the SDK's types). Ours → SDK holds where
 * the wire allows; each direction that does not hold is asserted as such, with the reason, so a
 * change that makes it hold (or breaks one that held) shows up here. Checked by `npm run
 * typecheck` (tsc includes the test files); the `it` bodies hold no runtime checks.
 */
import type OpenAI from 'openai';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  Annotation,
  AnnotationDelta,
  Assistant,
  AssistantTool,
  CodeInterpreterToolCall,
  Deleted,
  FileSearchToolCall,
  FunctionDefinition,
  FunctionToolCall,
  LastError,
  Message,
  MessageContent,
  MessageContentDelta,
  MessageCreationStepDetails,
  MessageDelta,
  RequiredAction,
  RequiredActionFunctionToolCall,
  Run,
  RunStatus,
  RunStep,
  RunStepDelta,
  Thread,
  ToolCall,
  ToolCallDelta,
  Usage,
} from '../../src/index';

type SdkRun = OpenAI.Beta.Threads.Runs.Run;
type SdkStep = OpenAI.Beta.Threads.Runs.RunStep;
type SdkMessage = OpenAI.Beta.Threads.Message;

describe('ours → SDK: holds where the wire allows', () => {
  it('content and annotations', () => {
    expectTypeOf<MessageContent>().toExtend<OpenAI.Beta.Threads.MessageContent>();
    expectTypeOf<Annotation>().toExtend<OpenAI.Beta.Threads.Annotation>();
    expectTypeOf<MessageContentDelta>().toExtend<OpenAI.Beta.Threads.MessageContentDelta>();
    expectTypeOf<AnnotationDelta>().toExtend<OpenAI.Beta.Threads.AnnotationDelta>();
    expectTypeOf<MessageDelta['delta']>().toExtend<OpenAI.Beta.Threads.MessageDelta>();
  });

  it('tools, tool calls and their deltas', () => {
    expectTypeOf<AssistantTool>().toExtend<OpenAI.Beta.AssistantTool>();
    expectTypeOf<FunctionDefinition>().toExtend<OpenAI.FunctionDefinition>();
    expectTypeOf<RequiredAction>().toExtend<OpenAI.Beta.Threads.Runs.Run.RequiredAction>();
    expectTypeOf<RequiredActionFunctionToolCall>().toExtend<OpenAI.Beta.Threads.Runs.RequiredActionFunctionToolCall>();
    expectTypeOf<FunctionToolCall>().toExtend<OpenAI.Beta.Threads.Runs.FunctionToolCall>();
    expectTypeOf<CodeInterpreterToolCall>().toExtend<OpenAI.Beta.Threads.Runs.CodeInterpreterToolCall>();
    expectTypeOf<MessageCreationStepDetails>().toExtend<OpenAI.Beta.Threads.Runs.MessageCreationStepDetails>();
    expectTypeOf<ToolCallDelta>().toExtend<OpenAI.Beta.Threads.Runs.ToolCallDelta>();
    expectTypeOf<RunStepDelta>().toExtend<OpenAI.Beta.Threads.Runs.RunStepDeltaEvent>();
  });

  it('usage and statuses', () => {
    expectTypeOf<Usage>().toExtend<OpenAI.Beta.Threads.Runs.Run.Usage>();
    expectTypeOf<RunStatus>().toEqualTypeOf<OpenAI.Beta.Threads.Runs.RunStatus>();
  });

  it('the run fields every payload carries have the SDK types (the issue 15 case: assistant_id)', () => {
    type Carried = 'id' | 'object' | 'created_at' | 'assistant_id' | 'thread_id' | 'status' | 'model';
    expectTypeOf<Pick<Run, Carried | 'tools' | 'metadata'>>().toExtend<
      Pick<SdkRun, Carried | 'tools' | 'metadata'>
    >();
    expectTypeOf<Run['assistant_id']>().toEqualTypeOf<string>();
    expectTypeOf<Run['created_at']>().toEqualTypeOf<number>();
  });
});

describe('ours → SDK: cannot hold, and why', () => {
  it('Run: the wire sends instructions: null (the SDK says string), and 2024 servers no parallel_tool_calls', () => {
    expectTypeOf<Run>().not.toExtend<SdkRun>();
    expectTypeOf<null>().toExtend<Run['instructions']>();
    expectTypeOf<null>().not.toExtend<SdkRun['instructions']>();
  });

  it('RunStep: the wire carries expires_at and no metadata (the SDK: expired_at and metadata); a step known from its deltas has no created_at', () => {
    expectTypeOf<RunStep>().not.toExtend<SdkStep>();
    expectTypeOf<RunStep>().toHaveProperty('expires_at');
  });

  it('Message: the messages endpoints leave out status, completed_at and incomplete_details; a message known from its deltas has no created_at', () => {
    expectTypeOf<Message>().not.toExtend<SdkMessage>();
    expectTypeOf<undefined>().toExtend<Message['status']>();
  });

  it('LastError: the code is an open set of strings here (the SDK lists three)', () => {
    expectTypeOf<LastError>().not.toExtend<OpenAI.Beta.Threads.Runs.Run.LastError>();
    expectTypeOf<LastError['code']>().toEqualTypeOf<string>();
  });

  it('Deleted: one type for every delete endpoint (object: string), the SDK has one per endpoint', () => {
    expectTypeOf<Deleted>().not.toExtend<OpenAI.Beta.ThreadDeleted>();
  });

  it('not yet, though the wire would allow it: test doubles of the emulator and the state tests build these without the fields', () => {
    // Optional or untyped here: Run's timestamps, required_action, last_error, usage,
    // incomplete_details, token limits, truncation_strategy, tool_choice and response_format;
    // Thread.tool_resources; Assistant.created_at/name/description; MessageDelta.object; the
    // file_search ranking_options of a step's tool call.
    expectTypeOf<Thread>().not.toExtend<OpenAI.Beta.Thread>();
    expectTypeOf<Assistant>().not.toExtend<OpenAI.Beta.Assistant>();
    expectTypeOf<MessageDelta>().not.toExtend<OpenAI.Beta.Threads.MessageDeltaEvent>();
    expectTypeOf<FileSearchToolCall>().not.toExtend<OpenAI.Beta.Threads.Runs.FileSearchToolCall>();
    expectTypeOf<ToolCall>().not.toExtend<OpenAI.Beta.Threads.Runs.ToolCall>();
  });
});

describe('SDK → ours: always holds', () => {
  it('objects', () => {
    expectTypeOf<SdkRun>().toExtend<Run>();
    expectTypeOf<SdkStep>().toExtend<RunStep>();
    expectTypeOf<SdkMessage>().toExtend<Message>();
    expectTypeOf<OpenAI.Beta.Thread>().toExtend<Thread>();
    expectTypeOf<OpenAI.Beta.Assistant>().toExtend<Assistant>();
    expectTypeOf<OpenAI.Beta.ThreadDeleted>().toExtend<Deleted>();
  });

  it('parts', () => {
    expectTypeOf<OpenAI.Beta.AssistantTool>().toExtend<AssistantTool>();
    expectTypeOf<OpenAI.FunctionDefinition>().toExtend<FunctionDefinition>();
    expectTypeOf<OpenAI.Beta.Threads.Runs.Run.RequiredAction>().toExtend<RequiredAction>();
    expectTypeOf<OpenAI.Beta.Threads.Runs.Run.LastError>().toExtend<LastError>();
    expectTypeOf<OpenAI.Beta.Threads.Runs.Run.Usage>().toExtend<Usage>();
    expectTypeOf<OpenAI.Beta.Threads.Runs.ToolCall>().toExtend<ToolCall>();
    expectTypeOf<OpenAI.Beta.Threads.Runs.ToolCallDelta>().toExtend<ToolCallDelta>();
    expectTypeOf<OpenAI.Beta.Threads.MessageContent>().toExtend<MessageContent>();
    expectTypeOf<OpenAI.Beta.Threads.MessageContentDelta>().toExtend<MessageContentDelta>();
    expectTypeOf<OpenAI.Beta.Threads.Annotation>().toExtend<Annotation>();
    expectTypeOf<OpenAI.Beta.Threads.AnnotationDelta>().toExtend<AnnotationDelta>();
    expectTypeOf<OpenAI.Beta.Threads.MessageDeltaEvent>().toExtend<MessageDelta>();
    expectTypeOf<OpenAI.Beta.Threads.Runs.RunStepDeltaEvent>().toExtend<RunStepDelta>();
  });
});
