import type { Handler } from '../app';
import type { EndpointName } from '../endpoints';
import {
  createAssistant,
  deleteAssistant,
  listAssistants,
  retrieveAssistant,
  updateAssistant,
} from './assistants';
import {
  createConversation,
  createConversationItems,
  deleteConversation,
  deleteConversationItem,
  listConversationItems,
  retrieveConversation,
  retrieveConversationItem,
  updateConversation,
} from './conversations';
import { createMessage, deleteMessage, listMessages, retrieveMessage, updateMessage } from './messages';
import {
  cancelResponse,
  createResponse,
  deleteResponse,
  listInputItems,
  retrieveResponse,
} from './responses';
import { cancelRun, createRun, listRuns, retrieveRun, updateRun } from './runs';
import { listSteps, retrieveStep } from './steps';
import { submitToolOutputs } from './submitToolOutputs';
import { createThread, createThreadAndRun, deleteThread, retrieveThread, updateThread } from './threads';

/** One handler per route of the endpoint table. */
export const HANDLERS: Record<EndpointName, Handler> = {
  'assistants.create': createAssistant,
  'assistants.list': listAssistants,
  'assistants.retrieve': retrieveAssistant,
  'assistants.update': updateAssistant,
  'assistants.delete': deleteAssistant,
  'threads.create': createThread,
  'threads.createAndRun': createThreadAndRun,
  'threads.retrieve': retrieveThread,
  'threads.update': updateThread,
  'threads.delete': deleteThread,
  'messages.create': createMessage,
  'messages.list': listMessages,
  'messages.retrieve': retrieveMessage,
  'messages.update': updateMessage,
  'messages.delete': deleteMessage,
  'runs.create': createRun,
  'runs.list': listRuns,
  'runs.retrieve': retrieveRun,
  'runs.update': updateRun,
  'runs.cancel': cancelRun,
  'runs.submitToolOutputs': submitToolOutputs,
  'steps.list': listSteps,
  'steps.retrieve': retrieveStep,
  'responses.create': createResponse,
  'responses.retrieve': retrieveResponse,
  'responses.cancel': cancelResponse,
  'responses.delete': deleteResponse,
  'responses.inputItems': listInputItems,
  'conversations.create': createConversation,
  'conversations.retrieve': retrieveConversation,
  'conversations.update': updateConversation,
  'conversations.delete': deleteConversation,
  'conversationItems.create': createConversationItems,
  'conversationItems.list': listConversationItems,
  'conversationItems.retrieve': retrieveConversationItem,
  'conversationItems.delete': deleteConversationItem,
};
