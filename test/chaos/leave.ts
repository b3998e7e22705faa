// When a seed leaves its pipeline: drawn from the seed (drawLeave), and as the drive options that
// leave then (leaveAt). Shared by the unsubscribe rows of both APIs and the relay-disconnect row.

import type { StopOptions } from './drive';
import type { Rng } from './harness';
import type { Plan } from './plan';

/** When a seed leaves its run, drawn from the seed: what the unsubscribe and relay-disconnect rows share. */
export interface Leave<Start extends string> {
  /** After the k-th event, after t ms, at the start (`Start`), or as a tool handler starts. */
  moment: 'event' | 'time' | Start | 'handler';
  k: number;
  t: number;
  /** How the tool handlers behave meanwhile. */
  behaviour: 'ok' | 'slow';
  /** The moment in words, for the outcome table. */
  when: string;
}

/** Draws a {@link Leave}; `start` names the earliest moment of the row and says it in words. */
export function drawLeave<Start extends string>(
  rng: Rng,
  plan: Plan,
  start: { moment: Start; words: string },
): Leave<Start> {
  const drawn = rng.pick<'event' | 'time' | Start>(['event', 'event', 'time', start.moment]);
  const moment = plan.shape === 'tools' && rng.chance(0.5) ? 'handler' : drawn;
  const k = rng.int(1, 40);
  const t = rng.int(1, 80);
  const behaviour = rng.pick(['ok', 'slow'] as const);
  const when =
    moment === 'event'
      ? `after event ${k}`
      : moment === 'time'
        ? `after ${t} ms`
        : moment === 'handler'
          ? 'as a tool handler starts'
          : start.words;
  return { moment, k, t, behaviour, when };
}

/** The options that unsubscribe at a drawn moment (`drawLeave`, earliest at subscribe). */
export function leaveAt({ moment, k, t }: Leave<'subscribe'>): StopOptions<unknown, unknown> {
  switch (moment) {
    case 'event':
      return { onEvent: (_e, i, stop) => i + 1 === k && stop() };
    case 'time':
      return { stopAfterMs: t };
    case 'subscribe':
      return { stopAfterMs: 0 };
    case 'handler':
      return { onHandler: (_call, stop) => stop() };
  }
}
