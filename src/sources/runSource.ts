import type { Observable } from 'rxjs';
import type { AssistantsClient } from '../client/AssistantsClient';
import { type RunStart, type RunWire, runEngine } from '../core/runEngine';
import { isTerminalStatus } from '../events/guards';
import type { RunEvent } from '../events/RunEvent';
import type { Run } from '../events/types';
import { cancelOnLeave } from './cancelOnLeave';
import { markAfterEnd, markAnswer, markLeftAlone, warnIfUnanswered } from './marks';
import { pollRun } from './pollRun';
import type { ResolvedRunConfig, RunRef } from './RunConfig';
import { belongsToRun, type RunShown, resumeShown, runShown, showEvent, showForeign } from './RunShown';
import { runStatusEvent } from './snapshotEvents';

/** The ids an Assistants source knows before its first event. */
export interface RunIds {
  threadId?: string | undefined;
  runId?: string | undefined;
}

/** How an Assistants source starts its run (see {@link RunStart}). Internal. */
export type AssistantsStart = RunStart<RunEvent, Run, RunIds>;

/**
 * The Assistants wire, in the engine's terms: a run is named by its thread and run ids, its
 * events are `thread.*` frames folded into {@link RunShown}, a non-streaming answer is a `Run`, it
 * is followed by polling (`pollRun`), and cancelled with `runs.cancel`. Internal.
 */
function assistantsWire(
  client: AssistantsClient,
  config: ResolvedRunConfig,
  include: readonly string[] | undefined,
  throughPauses: boolean,
): RunWire<RunEvent, RunShown, RunRef, Run, RunIds> {
  // Following a run through its pauses (a watch while another process answers the tools): only a
  // terminal status ends it.
  const ends = throughPauses ? (shown: RunShown) => isTerminalStatus(shown.status) : undefined;
  return {
    nameOf: (event) => event.event,
    payloadOf: (event) => event.data,
    // Carrying on from an earlier source of the run: its pause is stale (a poll must report even a
    // next requires_action as a change).
    start: (ids, carried) => (carried === undefined ? runShown(ids) : resumeShown(carried, ids)),
    belongs: belongsToRun,
    show: showEvent,
    foreign: showForeign,
    ref: ({ threadId, runId }) =>
      threadId !== undefined && runId !== undefined ? { threadId, runId } : undefined,
    finished: ends ?? ((shown) => shown.finished),
    paused: (shown) => shown.status === 'requires_action',
    snapshot: (run, created) =>
      created
        ? [{ event: 'thread.run.created', data: run } as RunEvent, runStatusEvent(run)]
        : [runStatusEvent(run)],
    // After a create the run was just read: the engine waits one interval. To catch up: at once.
    follow: (shown, { firstDelayMs, onEnded }) =>
      pollRun(client, shown, { poll: config.poll, include, firstDelayMs, onEnded, ends }),
    cancel: (ref) => cancelOnLeave(client, ref, config.onCancelError),
    marks: {
      answer: markAnswer,
      leftAlone: markLeftAlone,
      afterEnd: markAfterEnd,
      paused: config.warnIfUnanswered
        ? (event) =>
            warnIfUnanswered(event, () => {
              const run = event.data as Run;
              return (
                `run ${run.id} paused at requires_action and nothing downstream answers its tools: it stays paused on the server, ` +
                `and its thread ${run.thread_id} stays locked until the run expires. Pipe the source through handleRequiresAction(client, handlers), ` +
                `or cancelRun(client, { threadId, runId }) (config warnIfUnanswered: false silences this when you submit the outputs yourself).`
              );
            })
        : undefined,
    },
  };
}

/**
 * One Assistants run as one cold Observable of its events: the run engine on the Assistants
 * wire. Every source (`createRun`, `createThreadAndRun`, `submitToolOutputs`, `watchRun`) is this
 * with its own start. Internal.
 */
export function runSource(
  client: AssistantsClient,
  config: ResolvedRunConfig,
  start: AssistantsStart,
  include?: readonly string[],
  throughPauses = false,
): Observable<RunEvent> {
  return runEngine(assistantsWire(client, config, include, throughPauses), config, start);
}
