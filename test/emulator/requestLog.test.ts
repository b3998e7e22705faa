import { describe, expect, it, vi } from 'vitest';
import type { EmulatorRequest } from '../../src/emulator';
import { boundedLineWriter, formatRequestLine } from '../../src/emulator/requestLogLine';
import { emulatorPerTest } from '../helpers/emulators';
import { eventually, rawApi } from './helpers';

// onRequest (what the CLI's --log prints): once per request, when its answer has ended, kept
// nowhere; the line writer never lets a stalled stdout hold more than its cap.

const start = emulatorPerTest({ latencyMs: 0 });

describe('onRequest', () => {
  it('is called once per request when its answer ends, a stream when it ends, with its duration', async () => {
    const seen: [EmulatorRequest, number][] = [];
    const emulator = await start({
      faults: { rules: [{ type: 'latency', ms: 30, on: 'assistants.list' }] },
      onRequest: (request, ms) => seen.push([{ ...request, faults: [...request.faults] }, ms]),
    });
    const api = rawApi(emulator);
    await api.get('/assistants');
    await api.get('/nowhere');
    const assistant = (await api.post('/assistants', { model: 'gpt-4o' })).json;
    await api.stream('/threads/runs', {
      assistant_id: assistant.id,
      thread: { messages: [{ role: 'user', content: 'hi' }] },
    });
    await eventually(() => (seen.length === 4 ? true : undefined));

    expect(seen.map(([r]) => [r.method, r.path, r.status, r.stream, r.faults])).toEqual([
      ['GET', '/v1/assistants', 200, false, ['latency']],
      ['GET', '/v1/nowhere', 404, false, []],
      ['POST', '/v1/assistants', 200, false, []],
      ['POST', '/v1/threads/runs', 200, true, []],
    ]);
    expect(seen[0]?.[1]).toBeGreaterThanOrEqual(25);
    expect(emulator.requests).toHaveLength(4);
  });

  it('a throwing onRequest is reported on stderr and the emulator goes on answering', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const emulator = await start({
        onRequest: () => {
          throw new Error('log full');
        },
      });
      expect((await rawApi(emulator).get('/assistants')).status).toBe(200);
      expect((await rawApi(emulator).get('/assistants')).status).toBe(200);
      await eventually(() => (errors.mock.calls.length === 2 ? true : undefined));
      expect(errors).toHaveBeenCalledWith('rxjs-assistants emulator: onRequest threw: log full');
    } finally {
      errors.mockRestore();
    }
  });

  it('must be a function', async () => {
    await expect(start({ onRequest: 'yes' as never })).rejects.toThrow(
      "startEmulator: 'onRequest' must be a function (request, durationMs) => void.",
    );
  });
});

describe('request log lines', () => {
  const request = (extra: Partial<EmulatorRequest> = {}): EmulatorRequest => ({
    method: 'POST',
    path: '/v1/threads/thread_1/runs',
    endpoint: 'runs.create',
    stream: false,
    status: 200,
    faults: [],
    ...extra,
  });

  it('say method, path, status, ms, stream and faults', () => {
    expect(formatRequestLine(request(), 12.4)).toBe('POST /v1/threads/thread_1/runs 200 12ms');
    expect(formatRequestLine(request({ stream: true, faults: ['latency', 'drop'] }), 1500)).toBe(
      'POST /v1/threads/thread_1/runs 200 1500ms stream faults=latency,drop',
    );
    expect(formatRequestLine(request({ status: 0 }), 3)).toBe('POST /v1/threads/thread_1/runs closed 3ms');
    const long = formatRequestLine(request({ path: `/v1/${'x'.repeat(10_000)}` }), 1);
    expect(long.length).toBeLessThan(600);
  });

  it('are dropped (and counted) while the sink lags past its cap, so memory stays bounded', () => {
    const written: string[] = [];
    const sink = { writableLength: 0, write: (text: string) => written.push(text) };
    const writeLine = boundedLineWriter(sink, 100);
    writeLine('one');
    sink.writableLength = 101; // the reader stalls
    for (let i = 0; i < 10_000; i++) writeLine(`lost ${i}`);
    expect(written).toEqual(['one\n']);
    sink.writableLength = 0; // it caught up
    writeLine('two');
    writeLine('three');
    expect(written).toEqual([
      'one\n',
      '(10000 log lines dropped: stdout was not keeping up)\n',
      'two\n',
      'three\n',
    ]);
  });
});
