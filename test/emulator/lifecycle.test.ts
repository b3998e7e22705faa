import { describe, expect, it, vi } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator';
import { emulatorPerTest } from '../helpers/emulators';
import { eventually, runFixture, slowBrain } from './helpers';

// The run lifecycle as the real service has it, through raw HTTP.

const startEmulator = emulatorPerTest();

async function setup(options: EmulatorOptions = {}, tools?: unknown[]) {
  const emulator = await startEmulator({ brain: slowBrain, ...options });
  return { emulator, ...(await runFixture(emulator, tools)) };
}

describe('one active run per thread', () => {
  it('refuses a second run and new messages while a run is active, with the service messages', async () => {
    const { api, assistant, thread, startRun, until } = await setup();
    const run = await startRun('wait for it');
    expect(run.status).toBe('queued');
    const second = await api.post(`/threads/${thread.id}/runs`, { assistant_id: assistant.id });
    expect(second.status).toBe(400);
    expect(second.json).toEqual({
      error: {
        message: `Thread ${thread.id} already has an active run ${run.id}.`,
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    const message = await api.post(`/threads/${thread.id}/messages`, { role: 'user', content: 'hello?' });
    expect(message.status).toBe(400);
    expect(message.json.error.message).toBe(
      `Can't add messages to ${thread.id} while a run ${run.id} is active.`,
    );
    await api.post(`/threads/${thread.id}/runs/${run.id}/cancel`);
    await until(run.id, 'cancelled');
    expect((await api.post(`/threads/${thread.id}/messages`, { role: 'user', content: '1+1' })).status).toBe(
      200,
    );
  });
});

describe('polling sees the run as it progresses', () => {
  it('shows in_progress, the finished step and message while the run goes on, and the poll-after hint', async () => {
    const { api, thread, startRun, until, statusOf } = await setup({ pollAfterMs: 250 });
    const run = await startRun('wait a moment');
    await until(run.id, 'in_progress');
    const steps = await eventually(async () => {
      const list = (await api.get(`/threads/${thread.id}/runs/${run.id}/steps`)).json;
      return list.data[0]?.status === 'completed' ? list : undefined;
    });
    expect(steps.data).toHaveLength(1);
    expect(steps.data[0]).toMatchObject({
      type: 'message_creation',
      run_id: run.id,
      object: 'thread.run.step',
    });
    const messages = (await api.get(`/threads/${thread.id}/messages?run_id=${run.id}`)).json;
    expect(messages.data).toMatchObject([
      { role: 'assistant', status: 'completed', content: [{ text: { value: 'first part' } }] },
    ]);
    expect(await statusOf(run.id)).toBe('in_progress');
    const retrieved = await api.get(`/threads/${thread.id}/runs/${run.id}`);
    expect(retrieved.headers.get('openai-poll-after-ms')).toBe('250');
    expect(retrieved.json.id).toMatch(/^run_[A-Za-z0-9]{24}$/);
    expect(retrieved.json.started_at).toEqual(expect.any(Number));
    expect(retrieved.json.expires_at - retrieved.json.created_at).toBe(600);
  });

  it('sends no openai-poll-after-ms unless configured', async () => {
    const { api, thread, startRun } = await setup();
    const run = await startRun('1 + 2');
    expect(
      (await api.get(`/threads/${thread.id}/runs/${run.id}`)).headers.get('openai-poll-after-ms'),
    ).toBeNull();
  });
});

describe('submit_tool_outputs', () => {
  it('is refused unless the run requires action, and must answer every pending call exactly once', async () => {
    const calls = [{ name: 'get_weather', arguments: { city: 'Rome' } }, { name: 'get_time' }];
    const { api, assistant } = await setup({
      brain: ({ turn, toolResults }) =>
        turn === 0
          ? [{ type: 'function_calls', calls }]
          : [{ type: 'text', text: toolResults.map((r) => `${r.name}=${r.output}`).join(' ') }],
    });
    const created = (
      await api.post('/threads/runs', {
        assistant_id: assistant.id,
        thread: { messages: [{ role: 'user', content: 'go' }] },
      })
    ).json;
    const base = `/threads/${created.thread_id}/runs/${created.id}`;
    const early = await api.post(`${base}/submit_tool_outputs`, { tool_outputs: [] });
    expect(early.status).toBe(400);
    expect(early.json.error.message).toMatch(
      /^Runs in status "(queued|in_progress)" do not accept tool outputs\.$/,
    );
    const waiting = await eventually(async () => {
      const run = (await api.get(base)).json;
      return run.status === 'requires_action' ? run : undefined;
    });
    const [c1, c2] = waiting.required_action.submit_tool_outputs.tool_calls;
    expect([c1.function, c2.function]).toEqual([
      { name: 'get_weather', arguments: '{"city":"Rome"}' },
      { name: 'get_time', arguments: '{}' },
    ]);
    const partial = await api.post(`${base}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: c1.id, output: 'warm' }],
    });
    expect(partial.status).toBe(400);
    expect(partial.json.error.message).toBe(
      `Expected tool outputs for call_ids ['${c1.id}', '${c2.id}'], got ['${c1.id}']`,
    );
    const unknown = await api.post(`${base}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: 'call_nope', output: 'x' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.param).toBe('tool_outputs[0].tool_call_id');
    const twice = await api.post(`${base}/submit_tool_outputs`, {
      tool_outputs: [
        { tool_call_id: c1.id, output: 'a' },
        { tool_call_id: c1.id, output: 'b' },
      ],
    });
    expect(twice.status).toBe(400);
    const missing = await api.post(`${base}/submit_tool_outputs`, {});
    expect(missing.json.error).toMatchObject({ param: 'tool_outputs', code: 'missing_required_parameter' });
    // nothing of the refused submissions stuck
    expect((await api.get(base)).json.status).toBe('requires_action');
    const ok = await api.post(`${base}/submit_tool_outputs`, {
      tool_outputs: [
        { tool_call_id: c2.id, output: 'noon' },
        { tool_call_id: c1.id, output: 'warm' },
      ],
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ status: 'queued', required_action: null });
    const again = await api.post(`${base}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: c1.id, output: 'x' }],
    });
    expect(again.status).toBe(400);
    const reply = await eventually(async () => {
      const list = (await api.get(`/threads/${created.thread_id}/messages?run_id=${created.id}`)).json;
      return list.data[0]?.status === 'completed' ? list.data[0] : undefined;
    });
    expect(reply.content[0].text.value).toBe('get_weather=warm get_time=noon');
  });
});

describe('cancel', () => {
  it('streams cancelling then cancelled and ends; an open message ends incomplete, its step cancelled', async () => {
    const long = Array.from({ length: 10_000 }, (_, i) => ` w${i}`);
    const { api, assistant, thread } = await setup({
      brain: () => [{ type: 'text', text: long }],
      latencyMs: 1,
    });
    await api.post(`/threads/${thread.id}/messages`, { role: 'user', content: 'talk' });
    const streaming = api.stream(`/threads/${thread.id}/runs`, { assistant_id: assistant.id });
    const message = await eventually(async () =>
      (await api.get(`/threads/${thread.id}/messages?limit=1`)).json.data.find(
        (m: { role: string }) => m.role === 'assistant',
      ),
    );
    const cancelled = await api.post(`/threads/${thread.id}/runs/${message.run_id}/cancel`);
    expect(cancelled.json.status).toBe('cancelling');
    const { frames } = await streaming;
    expect(frames.slice(-5).map((f) => f.event)).toEqual([
      'thread.run.cancelling',
      'thread.message.incomplete',
      'thread.run.step.cancelled',
      'thread.run.cancelled',
      'done',
    ]);
    expect(JSON.parse(frames.at(-4)?.data ?? '{}').incomplete_details).toEqual({ reason: 'run_cancelled' });
    const run = JSON.parse(frames.at(-2)?.data ?? '{}');
    expect(run).toMatchObject({ status: 'cancelled', expires_at: null, cancelled_at: expect.any(Number) });
    const again = await api.post(`/threads/${thread.id}/runs/${run.id}/cancel`);
    expect(again.status).toBe(400);
    expect(again.json.error.message).toBe("Cannot cancel run with status 'cancelled'.");
  });

  it('cancels a run waiting for tool outputs: the tool step is cancelled', async () => {
    const { api, thread, startRun, until } = await setup();
    const run = await startRun('get_weather');
    await until(run.id, 'requires_action');
    expect((await api.post(`/threads/${thread.id}/runs/${run.id}/cancel`)).json.status).toBe('cancelling');
    await until(run.id, 'cancelled');
    const steps = (await api.get(`/threads/${thread.id}/runs/${run.id}/steps`)).json.data;
    expect(steps.map((s: { type: string; status: string }) => [s.type, s.status])).toEqual([
      ['tool_calls', 'cancelled'],
    ]);
  });
});

describe('expiry', () => {
  it('expires a run left at requires_action past expires_at; submitting then is refused', async () => {
    const { api, thread, startRun, until } = await setup({ expiresAfterMs: 40 });
    const run = await startRun('get_weather now');
    await until(run.id, 'expired');
    const expired = (await api.get(`/threads/${thread.id}/runs/${run.id}`)).json;
    expect(expired).toMatchObject({
      status: 'expired',
      required_action: null,
      expires_at: expect.any(Number),
    });
    const steps = (await api.get(`/threads/${thread.id}/runs/${run.id}/steps`)).json.data;
    expect(steps[0]).toMatchObject({ type: 'tool_calls', status: 'expired' });
    const late = await api.post(`/threads/${thread.id}/runs/${run.id}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: steps[0].step_details.tool_calls[0].id, output: 'x' }],
    });
    expect(late.status).toBe(400);
    expect(late.json.error.message).toBe('Runs in status "expired" do not accept tool outputs.');
    expect(
      (await api.post(`/threads/${thread.id}/messages`, { role: 'user', content: 'free again' })).status,
    ).toBe(200);
  });

  it('expires a run still working at expires_at: its stream ends with thread.run.expired', async () => {
    const { api, assistant, thread } = await setup({ expiresAfterMs: 200, latencyMs: 1 });
    await api.post(`/threads/${thread.id}/messages`, { role: 'user', content: 'wait for it' });
    // slowBrain writes "first part", then works on for a minute: past expires_at.
    const { frames } = await api.stream(`/threads/${thread.id}/runs`, { assistant_id: assistant.id });
    expect(frames.map((f) => f.event).slice(-3)).toEqual([
      'thread.run.step.completed',
      'thread.run.expired',
      'done',
    ]);
    const runId = JSON.parse(frames[0]?.data ?? '{}').id as string;
    const run = (await api.get(`/threads/${thread.id}/runs/${runId}`)).json;
    expect(run).toMatchObject({ status: 'expired', expires_at: expect.any(Number), completed_at: null });
    expect(
      (await api.post(`/threads/${thread.id}/messages`, { role: 'user', content: 'free again' })).status,
    ).toBe(200);
  });

  it('does not expire a run that ended first', async () => {
    // The emulator keeps time through RxJS's async scheduler (Date and timers): faked here, it runs
    // along with real time, and the test moves it past expires_at at once instead of sleeping there.
    vi.useFakeTimers({
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
      shouldAdvanceTime: true,
    });
    try {
      const expiresAfterMs = 60_000;
      const { emulator, api, assistant, thread, startRun, until, statusOf } = await setup({ expiresAfterMs });
      const run = await startRun('2 + 2');
      await until(run.id, 'completed');
      // A run left waiting for tool outputs on another thread: it must expire, which shows that the
      // jump below reaches the emulator's timers.
      const other = (await api.post('/threads')).json;
      await api.post(`/threads/${other.id}/messages`, { role: 'user', content: 'get_weather now' });
      const waiting = (await api.post(`/threads/${other.id}/runs`, { assistant_id: assistant.id })).json;
      await eventually(async () => {
        const status = (await api.get(`/threads/${other.id}/runs/${waiting.id}`)).json.status;
        return status === 'requires_action' ? true : undefined;
      });

      await vi.advanceTimersByTimeAsync(2 * expiresAfterMs);

      expect(await statusOf(run.id)).toBe('completed');
      expect((await api.get(`/threads/${other.id}/runs/${waiting.id}`)).json.status).toBe('expired');
      expect(emulator.runs().map((r) => [r.id, r.status])).toEqual([
        [run.id, 'completed'],
        [waiting.id, 'expired'],
      ]);
      expect((await api.get(`/threads/${thread.id}/runs/${run.id}`)).json.expires_at).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('threads and runs', () => {
  it('deleting a thread stops its run and forgets it', async () => {
    const { emulator, api, thread, startRun, until } = await setup();
    const run = await startRun('wait here');
    await until(run.id, 'in_progress');
    expect((await api.del(`/threads/${thread.id}`)).json).toEqual({
      id: thread.id,
      object: 'thread.deleted',
      deleted: true,
    });
    expect((await api.get(`/threads/${thread.id}/runs/${run.id}`)).status).toBe(404);
    expect(emulator.runs()).toEqual([]);
  });

  it('deleting a thread while its run streams ends the stream (without a terminal event)', async () => {
    const { emulator, api, assistant, thread } = await setup();
    await api.post(`/threads/${thread.id}/messages`, { role: 'user', content: 'wait forever' });
    const streaming = api.stream(`/threads/${thread.id}/runs`, { assistant_id: assistant.id });
    await eventually(() => emulator.runs().find((r) => r.status === 'in_progress'));
    await api.del(`/threads/${thread.id}`);
    const { frames } = await streaming;
    expect(frames.at(-1)).toEqual({ event: 'done', data: '[DONE]' });
    expect(frames.map((f) => f.event)).not.toContain('thread.run.completed');
  });

  it('lists runs newest first and updates run metadata', async () => {
    const { api, thread, startRun, until } = await setup();
    const first = await startRun('1 + 1');
    await until(first.id, 'completed');
    const second = await startRun('2 + 2', { metadata: { n: '2' } });
    await until(second.id, 'completed');
    const list = (await api.get(`/threads/${thread.id}/runs`)).json;
    expect(list).toMatchObject({ object: 'list', first_id: second.id, last_id: first.id, has_more: false });
    const updated = await api.post(`/threads/${thread.id}/runs/${first.id}`, { metadata: { tag: 'x' } });
    expect(updated.json.metadata).toEqual({ tag: 'x' });
    expect((await api.post(`/threads/${thread.id}/runs/${first.id}`, { status: 'failed' })).status).toBe(400);
  });
});
