/** What one `handleRequiresAction` knows of one tool call id. */
interface Entry {
  /** The output to submit; dropped once the server took it. */
  output: string | undefined;
  /** The server answered a submit request that carried this output. */
  accepted: boolean;
  /** Submit requests sent with this output. */
  sends: number;
  /** The last failure of such a request before any answer. */
  lastFailure: unknown;
}

/** The ledger of one run's calls (see {@link ToolOutputLedger.forRun}). Internal. */
export type RunLedger = Pick<
  ToolOutputLedger,
  'has' | 'accepted' | 'output' | 'sends' | 'lastFailure' | 'record' | 'sending' | 'accept' | 'failed'
>;

/** Ids remembered per operator; the oldest are forgotten past this (a long-lived, shared operator). */
const MAX_REMEMBERED_CALLS = 10_000;

/**
 * The tool calls one `handleRequiresAction(...)` has executed and submitted, per run, across all
 * its subscriptions, so that a re-observed `requires_action` (a poll that read the run early, a
 * re-subscription of a watch, a `retry()`) never runs a handler twice, and a lost submit request
 * is sent again with the same output. Keyed by run and call id: a server that numbers calls per
 * run (`call_0` in every run) still gets each run's calls run. Internal.
 */
export class ToolOutputLedger {
  private readonly entries = new Map<string, Entry>();

  /** The ledger of one run: the same questions and records, for that run's call ids. */
  forRun(runId: string): RunLedger {
    const key = (id: string) => `${runId}\u0000${id}`;
    const keys = (ids: readonly string[]) => ids.map(key);
    return {
      has: (id) => this.has(key(id)),
      accepted: (id) => this.accepted(key(id)),
      output: (id) => this.output(key(id)),
      sends: (id) => this.sends(key(id)),
      lastFailure: (id) => this.lastFailure(key(id)),
      record: (id, output) => this.record(key(id), output),
      sending: (ids) => this.sending(keys(ids)),
      accept: (ids) => this.accept(keys(ids)),
      failed: (ids, error) => this.failed(keys(ids), error),
    };
  }

  /** `true` once the call's handler gave an output (or an error string was decided for it). */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** `true` once a submit request carrying the call's output was answered. */
  accepted(id: string): boolean {
    return this.entries.get(id)?.accepted === true;
  }

  output(id: string): string {
    return this.entries.get(id)?.output ?? '';
  }

  sends(id: string): number {
    return this.entries.get(id)?.sends ?? 0;
  }

  lastFailure(id: string): unknown {
    return this.entries.get(id)?.lastFailure;
  }

  record(id: string, output: string): void {
    this.entries.set(id, { output, accepted: false, sends: 0, lastFailure: undefined });
    if (this.entries.size > MAX_REMEMBERED_CALLS) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  sending(ids: readonly string[]): void {
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry) entry.sends += 1;
    }
  }

  accept(ids: readonly string[]): void {
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry) {
        entry.accepted = true;
        entry.output = undefined;
        entry.lastFailure = undefined;
      }
    }
  }

  failed(ids: readonly string[], error: unknown): void {
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry && !entry.accepted) entry.lastFailure = error;
    }
  }
}
