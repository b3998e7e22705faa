import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator';
import { eventually, rawApi } from './helpers';

// After close(), nothing of the emulator keeps the process alive: no server, socket or timer, even
// with a stream open, a run mid-delay, a run waiting for tool outputs, a request mid-latency, and
// responses mid-delay (one streamed with its keepalive timer, one whose answer waits for its end).

const LEAKY = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'];
const count = (): Record<string, number> => {
  const counts: Record<string, number> = Object.fromEntries(LEAKY.map((k) => [k, 0]));
  for (const name of process.getActiveResourcesInfo())
    if (name in counts) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
};

describe('close()', () => {
  it('ends every connection, stream and timer', async () => {
    const baseline = count();
    const emulator = await startEmulator({
      faults: { rules: [{ type: 'latency', ms: 60_000, on: 'threads.retrieve' }] },
      brain: (ctx) =>
        ctx.lastUserText === 'tool'
          ? [{ type: 'function_calls', calls: [{ name: 'f' }] }]
          : [
              { type: 'text', text: 'partial' },
              { type: 'delay', ms: 60_000 },
            ],
    });
    const api = rawApi(emulator);
    const assistant = (await api.post('/assistants', { model: 'gpt-4o' })).json;
    // a run paused at requires_action (its expiry timer pending)
    await api.post('/threads/runs', {
      assistant_id: assistant.id,
      thread: { messages: [{ role: 'user', content: 'tool' }] },
    });
    // a streamed run in a 60 s delay, with its SSE connection open
    const response = await fetch(`${emulator.url}/threads/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        assistant_id: assistant.id,
        stream: true,
        thread: { messages: [{ role: 'user', content: 'x' }] },
      }),
    });
    const reading = response.text().then(
      (text) => ({ text, error: undefined }),
      (error: unknown) => ({ text: '', error }),
    );
    await eventually(() => emulator.runs().find((r) => r.status === 'in_progress'));
    await eventually(() => (emulator.runs().some((r) => r.status === 'requires_action') ? true : undefined));
    // a request held by a 60 s latency fault
    const held = fetch(`${emulator.url}/threads/thread_x`).then(
      (r) => r.status,
      (error: unknown) => error,
    );
    await eventually(() => (emulator.requests.some((r) => r.faults.includes('latency')) ? true : undefined));
    // a background response streamed (keepalive timer running) and one answered when done, both mid-delay
    const responseStream = fetch(`${emulator.url}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', input: 'x', stream: true, background: true }),
    }).then((r) => r.text().catch(() => ''));
    const waitingResponse = fetch(`${emulator.url}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', input: 'x' }),
    }).then(
      (r) => r.status,
      (error: unknown) => error,
    );
    await eventually(() =>
      emulator.responses().filter((r) => r.status === 'in_progress').length === 2 ? true : undefined,
    );
    expect(count()['Timeout']).toBeGreaterThan(baseline['Timeout'] ?? 0);
    expect(count()['TCPServerWrap']).toBe((baseline['TCPServerWrap'] ?? 0) + 1);

    await emulator.close();
    await emulator.close(); // idempotent
    const streamed = await reading;
    expect(streamed.text).not.toContain('event: done');
    expect(await held).toBeInstanceOf(Error);
    expect(await responseStream).not.toContain('response.completed');
    expect(await waitingResponse).toBeInstanceOf(Error);
    // Sockets close on the client side a few ticks after the server destroyed them; timers of
    // vitest's own may come and go, so the check is "no more than before".
    const settled = () => LEAKY.every((k) => (count()[k] ?? 0) <= (baseline[k] ?? 0));
    for (let i = 0; i < 200 && !settled(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect({ after: count(), baseline, settled: settled() }).toMatchObject({ settled: true });
    // and the port is really closed
    await expect(fetch(`${emulator.url}/assistants`)).rejects.toThrow();
  });
});
