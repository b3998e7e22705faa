import { lastValueFrom, share, toArray, zip } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fetchClient } from '../../src/client/fetchClient';
import { finalResponse } from '../../src/responses/operators/finalResponse';
import { handleFunctionCalls } from '../../src/responses/operators/handleFunctionCalls';
import { outputText } from '../../src/responses/operators/outputText';
import { responseState } from '../../src/responses/operators/responseState';
import { createResponse } from '../../src/responses/sources/createResponse';
import { emulatorPerTest } from '../helpers/emulators';
import { textOfResponse } from './recordedResponses';

const start = emulatorPerTest();
const tools = [
  {
    type: 'function',
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
];
const ask = { model: 'gpt-4o-mini', input: 'Use get_weather with {"city": "Oslo"}', tools };

/** The collectors over a function-call chain from the emulator, in each mode, from one run. */
async function collectChain(mode: 'stream' | 'poll') {
  const emulator = await start();
  const client = fetchClient({ baseURL: emulator.url, apiKey: 'k' });
  const config = { mode, poll: { intervalMs: 20 } };
  const events = createResponse(client, ask, config).pipe(
    handleFunctionCalls(
      client,
      { get_weather: (args: { city: string }) => ({ ...args, temperature_c: 7 }) },
      config,
    ),
    share(),
  );
  const [snapshots, text, response] = await lastValueFrom(
    zip(events.pipe(responseState(), toArray()), events.pipe(outputText()), events.pipe(finalResponse())),
  );
  return { snapshots, text, response };
}

describe('the collectors over a function-call chain from the emulator', () => {
  it.each(['stream', 'poll'] as const)(
    '%s mode: both turns, the output, the final response agree',
    async (mode) => {
      const { snapshots, text, response } = await collectChain(mode);
      const state = snapshots.at(-1);
      expect(response.status).toBe('completed');
      expect(text).toBe(textOfResponse(response));
      expect(text).toContain('get_weather returned');
      expect(state?.response).toBe(response);
      expect(state?.output).toEqual(response.output);
      expect(state?.turns).toHaveLength(1);
      expect(state?.turns[0]?.response?.status).toBe('completed');
      expect(state?.toolOutputs).toHaveLength(1);
      expect(state?.done).toBe(true);
      // The chain is never shown as done before its end: not while the call waits, nor after its output.
      expect(snapshots.slice(0, -1).every((s) => !s.done)).toBe(true);
    },
  );

  it('stream and poll mode end in the same text and the same chain shape', async () => {
    const [streamed, polled] = [await collectChain('stream'), await collectChain('poll')];
    expect(polled.text).toBe(streamed.text);
    const shape = (r: typeof streamed) => {
      const state = r.snapshots.at(-1);
      return {
        turns: state?.turns.length,
        outputs: state?.toolOutputs.length,
        items: state?.output.map((i) => i.type),
      };
    };
    expect(shape(polled)).toEqual(shape(streamed));
  });
});
