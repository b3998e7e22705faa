import { EMPTY, type Observable } from 'rxjs';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AssistantsClient, PolledRun } from '../../src/client/AssistantsClient';
import type { EndpointKey } from '../../src/client/endpoints';
import type {
  AssistantCreateParams,
  AssistantUpdateParams,
  IncludeQuery,
  ListQuery,
  MessageCreateParams,
  MessageListQuery,
  MessageUpdateParams,
  RunCreateParams,
  RunUpdateParams,
  SubmitToolOutputsParams,
  ThreadAndRunCreateParams,
  ThreadCreateParams,
  ThreadUpdateParams,
} from '../../src/client/params';
import type { RunEvent } from '../../src/events/RunEvent';
import type { Assistant, Deleted, Message, Page, Run, RunStep, Thread } from '../../src/events/types';
import type {
  ConversationCreateParams,
  ConversationItemsCreateParams,
  ConversationUpdateParams,
  ItemListQuery,
  ResponseCreateParams,
  ResponseRetrieveQuery,
  ResponseStreamQuery,
} from '../../src/responses/params';
import type { ResponseEvent } from '../../src/responses/ResponseEvent';
import type {
  Conversation,
  ConversationItem,
  ItemPage,
  ResponseDeleted,
  ResponseObject,
} from '../../src/responses/types';
import type { MockMethod } from '../../src/testing/mockClient';

/**
 * `AssistantsClient` is derived from the endpoint table. This is the interface as it was written
 * by hand before the table, plus the Responses family as it must come out of it: the derived type
 * must stay equal to it, names of parameters included.
 */
interface HandWrittenClient {
  readonly assistants: {
    create(body: AssistantCreateParams): Observable<Assistant>;
    retrieve(assistantId: string): Observable<Assistant>;
    list(query?: ListQuery): Observable<Page<Assistant>>;
    update(assistantId: string, body: AssistantUpdateParams): Observable<Assistant>;
    delete(assistantId: string): Observable<Deleted>;
  };
  readonly threads: {
    create(body?: ThreadCreateParams): Observable<Thread>;
    retrieve(threadId: string): Observable<Thread>;
    update(threadId: string, body: ThreadUpdateParams): Observable<Thread>;
    delete(threadId: string): Observable<Deleted>;
    createAndRun(body: ThreadAndRunCreateParams): Observable<Run>;
    createAndRunStream(body: ThreadAndRunCreateParams): Observable<RunEvent>;
  };
  readonly messages: {
    create(threadId: string, body: MessageCreateParams): Observable<Message>;
    retrieve(threadId: string, messageId: string): Observable<Message>;
    list(threadId: string, query?: MessageListQuery): Observable<Page<Message>>;
    update(threadId: string, messageId: string, body: MessageUpdateParams): Observable<Message>;
    delete(threadId: string, messageId: string): Observable<Deleted>;
  };
  readonly runs: {
    create(threadId: string, body: RunCreateParams, query?: IncludeQuery): Observable<Run>;
    createStream(threadId: string, body: RunCreateParams, query?: IncludeQuery): Observable<RunEvent>;
    retrieve(threadId: string, runId: string): Observable<Run>;
    poll(threadId: string, runId: string): Observable<PolledRun>;
    list(threadId: string, query?: ListQuery): Observable<Page<Run>>;
    update(threadId: string, runId: string, body: RunUpdateParams): Observable<Run>;
    submitToolOutputs(threadId: string, runId: string, body: SubmitToolOutputsParams): Observable<Run>;
    submitToolOutputsStream(
      threadId: string,
      runId: string,
      body: SubmitToolOutputsParams,
    ): Observable<RunEvent>;
    cancel(threadId: string, runId: string): Observable<Run>;
  };
  readonly steps: {
    list(threadId: string, runId: string, query?: ListQuery & IncludeQuery): Observable<Page<RunStep>>;
    retrieve(threadId: string, runId: string, stepId: string, query?: IncludeQuery): Observable<RunStep>;
  };
  readonly responses: {
    create(body: ResponseCreateParams): Observable<ResponseObject>;
    createStream(body: ResponseCreateParams): Observable<ResponseEvent>;
    retrieve(responseId: string, query?: ResponseRetrieveQuery): Observable<ResponseObject>;
    retrieveStream(responseId: string, query?: ResponseStreamQuery): Observable<ResponseEvent>;
    cancel(responseId: string): Observable<ResponseObject>;
    delete(responseId: string): Observable<ResponseDeleted>;
    inputItems(responseId: string, query?: ItemListQuery): Observable<ItemPage<ConversationItem>>;
  };
  readonly conversations: {
    create(body?: ConversationCreateParams): Observable<Conversation>;
    retrieve(conversationId: string): Observable<Conversation>;
    update(conversationId: string, body: ConversationUpdateParams): Observable<Conversation>;
    delete(conversationId: string): Observable<ResponseDeleted>;
  };
  readonly conversationItems: {
    create(
      conversationId: string,
      body: ConversationItemsCreateParams,
    ): Observable<ItemPage<ConversationItem>>;
    list(conversationId: string, query?: ItemListQuery): Observable<ItemPage<ConversationItem>>;
    retrieve(conversationId: string, itemId: string): Observable<ConversationItem>;
    delete(conversationId: string, itemId: string): Observable<Conversation>;
  };
}

describe('AssistantsClient, derived from the endpoint table', () => {
  it('is the hand-written interface (checked by tsc)', () => {
    expectTypeOf<AssistantsClient>().toEqualTypeOf<HandWrittenClient>();
    expectTypeOf<MockMethod>().toEqualTypeOf<EndpointKey>();
    // Methods keep a method's parameter bivariance: an implementation with narrower parameters fits,
    // as it did with the hand-written interface.
    const narrower: AssistantsClient['runs']['create'] = (
      _threadId: string,
      _body: RunCreateParams & { x: 1 },
    ) => EMPTY;
    const before: HandWrittenClient['runs']['create'] = narrower;
    expect(before).toBe(narrower);
  });

  it('has the same signatures, parameter names included, in the same order', () => {
    const file = new URL(import.meta.url).pathname;
    const program = ts.createProgram([file], {
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
    });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`TypeScript did not load ${file}`);
    const signatures = (name: string): string[] => {
      let found: ts.Node | undefined;
      ts.forEachChild(source, (node) => {
        if (ts.isInterfaceDeclaration(node) && node.name.text === name) found = node;
        if (ts.isImportDeclaration(node)) {
          for (const element of node.importClause?.namedBindings &&
          ts.isNamedImports(node.importClause.namedBindings)
            ? node.importClause.namedBindings.elements
            : []) {
            if (element.name.text === name) found = element.name;
          }
        }
      });
      if (!found) throw new Error(`${name} not found`);
      const at = found;
      const type = checker.getTypeAtLocation(ts.isInterfaceDeclaration(at) ? at.name : at);
      return checker.getPropertiesOfType(type).flatMap((namespace) => {
        const members = checker.getTypeOfSymbolAtLocation(namespace, at);
        return checker
          .getPropertiesOfType(members)
          .map(
            (method) =>
              `${namespace.name}.${method.name}${checker.typeToString(
                checker.getTypeOfSymbolAtLocation(method, at),
                undefined,
                ts.TypeFormatFlags.NoTruncation,
              )}`,
          );
      });
    };
    const derived = signatures('AssistantsClient');
    expect(derived).toHaveLength(42);
    expect(derived).toContain(
      'runs.create(threadId: string, body: RunCreateParams, query?: IncludeQuery | undefined) => Observable<Run>',
    );
    expect(derived).toContain(
      'responses.retrieveStream(responseId: string, query?: ResponseStreamQuery | undefined) => Observable<ResponseEvent>',
    );
    expect(derived).toEqual(signatures('HandWrittenClient'));
  }, 30_000);
});
