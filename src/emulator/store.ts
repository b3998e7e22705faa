import type { RunStatus } from '../events/types';
import type { EmulatorLimits } from './EmulatorOptions';
import { notFound } from './http';
import type { AssistantObject, MessageObject, RunObject, StepObject, ThreadObject } from './objects';

/** A thread with its messages and runs, oldest first. */
export interface ThreadRecord {
  thread: ThreadObject;
  messages: MessageObject[];
  runs: RunRecord[];
}

/** A run with its steps (oldest first) and the assistant as it was when the run was created. */
export interface RunRecord {
  run: RunObject;
  steps: StepObject[];
  assistant: AssistantObject;
  /** When the run expires if it has not ended by then (`expires_at`), in ms. */
  expiresAtMs: number;
}

/** How many objects of each kind the store keeps, every limit set. */
export type StoreLimits = Required<Omit<EmulatorLimits, 'requestLog'>>;

/** The defaults of {@link EmulatorLimits}, in one place. */
export const DEFAULT_LIMITS: Required<EmulatorLimits> = {
  requestLog: 1_000,
  assistants: 1_000,
  threads: 1_000,
  runs: 1_000,
  messagesPerThread: 1_000,
  responses: 1_000,
  conversations: 1_000,
  itemsPerConversation: 1_000,
};

const ACTIVE: ReadonlySet<RunStatus> = new Set(['queued', 'in_progress', 'requires_action', 'cancelling']);

/** `true` while a run holds its thread (one active run per thread). */
export const isActive = (run: RunObject): boolean => ACTIVE.has(run.status);

/**
 * The emulator's in-memory state. Lookups throw the service's 404s. Adding an object past its
 * kind's limit removes the oldest of that kind (finished runs and idle threads first), so memory
 * stays bounded however long the emulator runs; `onRunRemoved` stops a run that goes.
 */
export class EmulatorStore {
  readonly assistants = new Map<string, AssistantObject>();
  readonly threads = new Map<string, ThreadRecord>();
  readonly runs = new Map<string, RunRecord>();

  constructor(
    private readonly limits: StoreLimits = DEFAULT_LIMITS,
    private readonly onRunRemoved: (runId: string) => void = () => {},
  ) {}

  assistant(id: string): AssistantObject {
    const assistant = this.assistants.get(id);
    if (!assistant) throw notFound('assistant', id);
    return assistant;
  }

  thread(id: string): ThreadRecord {
    const thread = this.threads.get(id);
    if (!thread) throw notFound('thread', id);
    return thread;
  }

  run(threadId: string, runId: string): RunRecord {
    this.thread(threadId);
    const record = this.runs.get(runId);
    if (!record || record.run.thread_id !== threadId) throw notFound('run', runId);
    return record;
  }

  message(threadId: string, messageId: string): MessageObject {
    const message = this.thread(threadId).messages.find((m) => m.id === messageId);
    if (!message) throw notFound('message', messageId);
    return message;
  }

  step(threadId: string, runId: string, stepId: string): StepObject {
    const step = this.run(threadId, runId).steps.find((s) => s.id === stepId);
    if (!step) throw notFound('run step', stepId);
    return step;
  }

  /** The run that holds the thread, if any. */
  activeRun(thread: ThreadRecord): RunRecord | undefined {
    return thread.runs.find((r) => isActive(r.run));
  }

  addAssistant(assistant: AssistantObject): void {
    this.assistants.set(assistant.id, assistant);
    // Maps iterate in insertion order: the first key is the oldest.
    while (this.assistants.size > this.limits.assistants) {
      const oldest = this.assistants.keys().next().value;
      if (oldest === undefined) break;
      this.assistants.delete(oldest);
    }
  }

  /** Stores a thread with its messages and runs; past the limit the oldest thread without an active run goes. */
  addThread(record: ThreadRecord): void {
    this.threads.set(record.thread.id, record);
    while (this.threads.size > this.limits.threads) {
      const oldest = oldestOf(this.threads, (t) => t !== record && !this.activeRun(t));
      if (!oldest) break;
      this.deleteThread(oldest.thread.id);
    }
    while (record.messages.length > this.limits.messagesPerThread) record.messages.shift();
  }

  /** Appends a message to a thread; past the limit the thread's oldest message goes. */
  addMessage(thread: ThreadRecord, message: MessageObject): void {
    thread.messages.push(message);
    while (thread.messages.length > this.limits.messagesPerThread) thread.messages.shift();
  }

  /** Stores a run on its thread; past the limit the oldest finished run goes (the oldest one if none is). */
  addRun(thread: ThreadRecord, record: RunRecord): void {
    thread.runs.push(record);
    this.runs.set(record.run.id, record);
    while (this.runs.size > this.limits.runs) {
      const oldest = oldestOf(this.runs, (r) => r !== record && !isActive(r.run));
      if (!oldest) break;
      this.deleteRun(oldest);
    }
  }

  /** Removes a run (stopping it if it is still going), e.g. one whose start failed or the oldest past the limit. */
  deleteRun(record: RunRecord): void {
    this.onRunRemoved(record.run.id);
    this.runs.delete(record.run.id);
    const thread = this.threads.get(record.run.thread_id);
    if (thread) thread.runs = thread.runs.filter((r) => r !== record);
  }

  /** Removes a thread with its messages and runs (its runs stop). */
  deleteThread(id: string): void {
    const thread = this.thread(id);
    for (const record of thread.runs) {
      this.onRunRemoved(record.run.id);
      this.runs.delete(record.run.id);
    }
    this.threads.delete(id);
  }
}

/**
 * The oldest value that `preferred` accepts, else the oldest one other than the newest: a store
 * full of active runs, threads or responses still stays within its limit. Maps iterate in
 * insertion order: the first value is the oldest.
 */
export function oldestOf<T>(map: ReadonlyMap<string, T>, preferred: (value: T) => boolean): T | undefined {
  let fallback: T | undefined;
  let newest: T | undefined;
  for (const value of map.values()) {
    if (preferred(value)) return value;
    fallback ??= value;
    newest = value;
  }
  return fallback === newest ? undefined : fallback;
}
