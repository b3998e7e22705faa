import { type Brain, defaultBrain } from '../../src/emulator/index';

/** Text of the `[stall]` run before it stalls, and what it would say if never stopped. */
export const STALL_TEXT = 'Working on it, one step at a time.';
export const STALL_NEVER = 'This never arrives.';
/** Text of the `[hold]` run before its tool call; its reply after the call waits for `release()`. */
export const HOLD_TEXT = 'Let me check the weather first.';
export const FAIL_MESSAGE = 'The assistant tripped over a cable.';

/**
 * The emulator's default brain, plus markers that let the browser test put a run where it wants it
 * without racing the clock:
 * - `[stall]`: writes {@link STALL_TEXT}, then waits a minute (so Stop always lands mid-run);
 * - `[hold]`: writes {@link HOLD_TEXT} and calls the tool the message names, then, after the
 *   outputs arrive, waits for `release()` before replying (so a reload always lands mid-run);
 * - `[fail]`: fails the run with {@link FAIL_MESSAGE}.
 */
export function browserTestBrain(): { brain: Brain; release(): void } {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const brain: Brain = async (context) => {
    const text = context.lastUserText;
    if (text.includes('[stall]')) {
      return [
        { type: 'text', text: STALL_TEXT },
        { type: 'delay', ms: 60_000 },
        { type: 'text', text: STALL_NEVER },
      ];
    }
    if (text.includes('[fail]')) return [{ type: 'fail', code: 'server_error', message: FAIL_MESSAGE }];
    if (text.includes('[hold]')) {
      if (context.turn === 0) return [{ type: 'text', text: HOLD_TEXT }, ...(await defaultBrain(context))];
      await held;
    }
    return defaultBrain(context);
  };
  return { brain, release: () => release() };
}
