import { afterEach } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator';

/**
 * For a test file that starts emulators: returns `start(options)`, and closes every emulator it
 * started after each test (so no server outlives its test, whatever the test's outcome).
 */
export function emulatorPerTest(
  defaults: EmulatorOptions = {},
): (options?: EmulatorOptions) => Promise<Emulator> {
  const open: Emulator[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((emulator) => emulator.close()));
  });
  return async (options = {}) => {
    const emulator = await startEmulator({ ...defaults, ...options });
    open.push(emulator);
    return emulator;
  };
}
