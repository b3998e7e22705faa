import { asyncScheduler } from 'rxjs';

// Time is read through RxJS's scheduler clock, like every other timing in the project.

/** Milliseconds since the epoch. */
export const nowMs = (): number => asyncScheduler.now();

/** Unix seconds, as in `created_at`. */
export const toSeconds = (ms: number): number => Math.floor(ms / 1000);

/** Unix seconds now. */
export const nowSeconds = (): number => toSeconds(nowMs());
