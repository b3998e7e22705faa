import { filter, type Observable, Subject, type Subscription, takeUntil, takeWhile, timer } from 'rxjs';
import { longTimer } from '../core/limits';
import { TERMINAL_STATUSES } from '../events/guards';
import type { FunctionToolCall } from '../events/types';
import { askBrain, describeError } from './askBrain';
import type { Brain, BrainContext, BrainToolResult } from './Brain';
import { nowMs } from './clock';
import { drive } from './drive';
import { RunOps } from './runOps';
import { turnScript } from './runScript';
import type { EmulatorStore, RunRecord } from './store';

/** One event of a run as it goes on the wire: its name and its JSON text. */
export interface WireEvent {
  runId: string;
  event: string;
  data: string;
}

/** Events of a run's end. */
const RUN_END: ReadonlySet<string> = new Set(TERMINAL_STATUSES.map((s) => `thread.run.${s}`));

/** Events after which a stream of the run ends with `done`: the run paused or ended. */
const STREAM_END: ReadonlySet<string> = new Set([...RUN_END, 'thread.run.requires_action']);

interface Control {
  turn: number;
  toolResults: BrainToolResult[];
  /** The turn being played, or the pending end of a cancel. */
  work?: Subscription;
  /** The run's expiry at `expires_at`, from its start until it ends. */
  expiry?: Subscription;
}

/**
 * Plays runs: asks the brain for each turn, drives the turn's script on RxJS timers, and handles
 * `submit_tool_outputs`, cancel and expiry. Every change is emitted to the run's streams (`runEvents`).
 */
export class RunEngine {
  private readonly events = new Subject<WireEvent>();
  /** Ids of runs stopped without an end (thread deleted): their streams end at once. */
  private readonly forgotten = new Subject<string>();
  private readonly controls = new Map<string, Control>();
  private readonly ops: RunOps;
  private disposed = false;

  constructor(
    private readonly store: EmulatorStore,
    private readonly brain: Brain,
    private readonly latencyMs: number,
  ) {
    this.ops = new RunOps(store, (runId, event, payload) => {
      // A run that ended no longer expires: no timer outlives it, and its control goes (a
      // long-running emulator must not keep one per run it ever played).
      if (RUN_END.has(event)) {
        this.controls.get(runId)?.expiry?.unsubscribe();
        this.controls.delete(runId);
      }
      this.events.next({ runId, event, data: JSON.stringify(payload) });
    });
  }

  /** The run's events from now on, up to and including the one that pauses or ends it. */
  runEvents(runId: string): Observable<WireEvent> {
    return this.events.pipe(
      filter((e) => e.runId === runId),
      takeWhile((e) => !STREAM_END.has(e.event), true),
      takeUntil(this.forgotten.pipe(filter((id) => id === runId))),
    );
  }

  /**
   * Starts a stored `queued` run: `thread.run.created`, `thread.run.queued`, then its first turn.
   * A run that has not ended by its `expires_at` (still working, or waiting for tool outputs)
   * expires then, as on the service.
   */
  start(record: RunRecord): void {
    if (this.disposed) return;
    const control: Control = { turn: 0, toolResults: [] };
    this.controls.set(record.run.id, control);
    this.ops.emitRun(record, 'thread.run.created');
    this.ops.emitRun(record, 'thread.run.queued');
    // From a stored time, so through longTimer: a far `expires_at` never fires early.
    control.expiry = longTimer(record.expiresAtMs - nowMs()).subscribe(() => {
      control.work?.unsubscribe();
      this.ops.endRun(record, 'expired');
    });
    this.playTurn(record);
  }

  /** Takes validated outputs for every pending call: the tool step completes, the run is queued again. */
  submit(record: RunRecord, outputs: ReadonlyMap<string, string>): void {
    if (this.disposed) return;
    const control = this.control(record);
    const step = record.steps.find(
      (s) =>
        s.status === 'in_progress' &&
        s.step_details.type === 'tool_calls' &&
        s.step_details.tool_calls.some((call) => outputs.has(call.id)),
    );
    if (step?.step_details.type === 'tool_calls') {
      const calls = step.step_details.tool_calls.filter((c): c is FunctionToolCall => c.type === 'function');
      for (const call of calls) {
        const output = outputs.get(call.id);
        if (output === undefined) continue;
        call.function.output = output;
        control.toolResults.push({
          id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
          output,
        });
      }
      this.ops.finishStep(record, step, 'completed', calls.length);
    }
    control.turn++;
    this.ops.setStatus(record, 'queued', { required_action: null });
    this.playTurn(record);
  }

  /** `cancelling` now, `cancelled` one `latencyMs` later (open steps and messages end with it). */
  cancel(record: RunRecord): void {
    if (this.disposed) return;
    const control = this.control(record);
    control.work?.unsubscribe();
    control.expiry?.unsubscribe();
    this.ops.setStatus(record, 'cancelling');
    control.work = timer(this.latencyMs).subscribe(() => this.ops.endRun(record, 'cancelled'));
  }

  /** Stops a run without a word (its thread was deleted). */
  forget(runId: string): void {
    const control = this.controls.get(runId);
    control?.work?.unsubscribe();
    control?.expiry?.unsubscribe();
    this.controls.delete(runId);
    this.forgotten.next(runId);
  }

  /** Stops every run and timer for good, and completes every stream. */
  dispose(): void {
    this.disposed = true;
    for (const runId of [...this.controls.keys()]) this.forget(runId);
    this.events.complete();
    this.forgotten.complete();
  }

  private control(record: RunRecord): Control {
    let control = this.controls.get(record.run.id);
    if (!control) {
      control = { turn: 0, toolResults: [] };
      this.controls.set(record.run.id, control);
    }
    return control;
  }

  private playTurn(record: RunRecord): void {
    const control = this.control(record);
    // The turn's signal: aborted when its work ends, however (see BrainContext.signal).
    const turn = new AbortController();
    const work = drive(
      turnScript(record, {
        ops: this.ops,
        latencyMs: this.latencyMs,
        askBrain: () => askBrain(this.brain, () => this.context(record, control, turn.signal)),
      }),
    ).subscribe({
      error: (error: unknown) =>
        this.ops.endRun(record, 'failed', {
          last_error: { code: 'server_error', message: `The brain failed: ${describeError(error)}` },
        }),
    });
    work.add(() => turn.abort());
    control.work = work;
  }

  private context(record: RunRecord, control: Control, signal: AbortSignal): BrainContext {
    const thread = this.store.thread(record.run.thread_id);
    const lastUser = [...thread.messages].reverse().find((m) => m.role === 'user');
    const lastUserText = (lastUser?.content ?? [])
      .flatMap((block) => (block.type === 'text' ? [block.text.value] : []))
      .join('\n');
    const copy = structuredClone({
      api: 'assistants',
      assistant: record.assistant,
      thread: thread.thread,
      run: record.run,
      messages: thread.messages,
      lastUserText,
      toolResults: control.toolResults,
      turn: control.turn,
    } as const);
    return { ...copy, signal };
  }
}
