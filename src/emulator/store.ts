import type { RunStatus } from '../events/types';
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

const ACTIVE: ReadonlySet<RunStatus> = new Set(['queued', 'in_progress', 'requires_action', 'cancelling']);

/** `true` while a run holds its thread (one active run per thread). */
export const isActive = (run: RunObject): boolean => ACTIVE.has(run.status);

/** The emulator's in-memory state. Lookups throw the service's 404s. */
export class EmulatorStore {
  readonly assistants = new Map<string, AssistantObject>();
  readonly threads = new Map<string, ThreadRecord>();
  readonly runs = new Map<string, RunRecord>();

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

  deleteThread(id: string): void {
    const thread = this.thread(id);
    for (const record of thread.runs) this.runs.delete(record.run.id);
    this.threads.delete(id);
  }
}
