import { describe, expect, it } from 'vitest';
import type { Brain, BrainContext, Emulator } from '../../src/emulator';
import { emulatorPerTest } from '../helpers/emulators';
import { eventsOf, eventually, followStream, rawApi } from './helpers';

// A brain may stream: an async iterable of text chunks, written as it yields them (a local
// model's tokens), for runs and responses; a cancel stops it with return(), a throw fails it.

const start = emulatorPerTest({ latencyMs: 0 });

/**
 * An async iterable the test feeds by hand: `push` a chunk, `end()`, `fail(error)`. Counts the
 * `next()` calls it was asked and the `return()` calls it got.
 */
class Channel implements AsyncIterable<unknown> {
  nextCalls = 0;
  returned = 0;
  private readonly queued: (IteratorResult<unknown> | { error: unknown })[] = [];
  private waiting: ((answer: IteratorResult<unknown> | { error: unknown }) => void) | undefined;

  push(value: unknown): void {
    this.deliver({ value, done: false });
  }
  end(): void {
    this.deliver({ value: undefined, done: true });
  }
  fail(error: unknown): void {
    this.deliver({ error });
  }
  /** Resolves once the script asks for a chunk that is not there yet. */
  waitingForChunk(): Promise<true> {
    return eventually(() => (this.waiting ? true : undefined));
  }

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return {
      next: () => {
        this.nextCalls++;
        const answer =
          this.queued.shift() ??
          new Promise<IteratorResult<unknown> | { error: unknown }>((resolve) => {
            this.waiting = resolve;
          });
        return Promise.resolve(answer).then((a) => {
          if ('error' in a) throw a.error;
          return a;
        });
      },
      return: () => {
        this.returned++;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private deliver(answer: IteratorResult<unknown> | { error: unknown }): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting(answer);
    else this.queued.push(answer);
  }
}

/** A brain whose every turn streams `channel`; `seen` holds the contexts it was called with. */
function channelBrain(channel: Channel, wrap = false) {
  const seen: BrainContext[] = [];
  const brain: Brain = (context) => {
    seen.push(context);
    const text = channel as AsyncIterable<string>;
    return wrap
      ? [
          { type: 'text', text: 'Intro.' },
          { type: 'text', text },
        ]
      : text;
  };
  return { brain, seen };
}

async function openRunStream(emulator: Emulator, content: string) {
  const api = rawApi(emulator);
  const assistant = (await api.post('/assistants', { model: 'gpt-4o' })).json;
  const thread = (await api.post('/threads', { messages: [{ role: 'user', content }] })).json;
  const response = await fetch(`${emulator.url}/threads/${thread.id}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' },
    body: JSON.stringify({ assistant_id: assistant.id, stream: true }),
  });
  return { api, thread, stream: followStream(response) };
}

async function openResponseStream(emulator: Emulator, body: Record<string, unknown>) {
  const response = await fetch(`${emulator.url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', input: 'hi', stream: true, ...body }),
  });
  return followStream(response);
}

const deltasOf = (frames: ReturnType<ReturnType<typeof followStream>['frames']>, event: string) =>
  frames
    .filter((f) => f.event === event)
    .map((f) => {
      const data = JSON.parse(f.data);
      return event === 'thread.message.delta' ? data.delta.content[0].text.value : data.delta;
    });

describe('a streaming brain (async iterable of text chunks)', () => {
  it('a run streams each chunk as the iterable yields it, before the iterable has finished', async () => {
    const channel = new Channel();
    const emulator = await start({ brain: channelBrain(channel).brain });
    const { api, thread, stream } = await openRunStream(emulator, 'hello');

    channel.push('Hel');
    await eventually(() =>
      deltasOf(stream.frames(), 'thread.message.delta').includes('Hel') ? true : undefined,
    );
    // The delta is out while the iterable is still being waited on.
    await channel.waitingForChunk();
    expect(stream.frames().some((f) => f.event === 'thread.run.completed')).toBe(false);

    channel.push('lo');
    channel.push(''); // skipped: the service sends no empty delta
    channel.end();
    expect(await stream.done).toBe('ended');
    expect(deltasOf(stream.frames(), 'thread.message.delta')).toEqual(['Hel', 'lo']);
    expect(stream.frames().map((f) => f.event)).toContain('thread.run.completed');
    const messages = (await api.get(`/threads/${thread.id}/messages?order=asc`)).json.data;
    expect(messages.at(-1)).toMatchObject({
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'text', text: { value: 'Hello' } }],
    });
    expect(channel.returned).toBe(0);
  });

  it('a response streams each chunk as the iterable yields it (in a text action after another one)', async () => {
    const channel = new Channel();
    const emulator = await start({ brain: channelBrain(channel, true).brain });
    const stream = await openResponseStream(emulator, {});

    channel.push('Str');
    await eventually(() =>
      deltasOf(stream.frames(), 'response.output_text.delta').includes('Str') ? true : undefined,
    );
    await channel.waitingForChunk();
    expect(stream.frames().some((f) => f.event === 'response.completed')).toBe(false);

    channel.push('eamed');
    channel.end();
    expect(await stream.done).toBe('ended');
    const events = eventsOf(stream.frames());
    expect(deltasOf(stream.frames(), 'response.output_text.delta')).toEqual(['Intro.', 'Str', 'eamed']);
    const done = events.filter((e) => e.type === 'response.output_text.done').map((e) => e.text);
    expect(done).toEqual(['Intro.', 'Streamed']);
    expect(events.at(-1).type).toBe('response.completed');
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });

  it('an async generator function is a brain', async () => {
    const brain: Brain = async function* ({ lastUserText }) {
      for (const word of ['You', ' wrote', ` ${lastUserText}`]) yield word;
    };
    const emulator = await start({ brain });
    const { stream } = await openRunStream(emulator, 'this');
    await stream.done;
    expect(deltasOf(stream.frames(), 'thread.message.delta')).toEqual(['You', ' wrote', ' this']);
  });

  it('cancelling a run calls return() on the iterator and aborts the turn signal', async () => {
    const channel = new Channel();
    const { brain, seen } = channelBrain(channel);
    const emulator = await start({ brain });
    const { api, thread, stream } = await openRunStream(emulator, 'hello');
    channel.push('partial');
    await channel.waitingForChunk();
    const runId = eventsOf(stream.frames())[0].id;
    expect(seen[0]?.signal.aborted).toBe(false);

    expect((await api.post(`/threads/${thread.id}/runs/${runId}/cancel`)).status).toBe(200);
    expect(channel.returned).toBe(1);
    expect(seen[0]?.signal.aborted).toBe(true);
    await stream.done;
    expect((await api.get(`/threads/${thread.id}/runs/${runId}`)).json.status).toBe('cancelled');
    const last = (await api.get(`/threads/${thread.id}/messages`)).json.data[0];
    expect(last).toMatchObject({ status: 'incomplete', content: [{ text: { value: 'partial' } }] });
    channel.push('late'); // the cancelled run takes nothing more
    expect(channel.nextCalls).toBe(2);
  });

  it('cancelling a background response calls return() on the iterator', async () => {
    const channel = new Channel();
    const { brain, seen } = channelBrain(channel);
    const emulator = await start({ brain });
    const api = rawApi(emulator);
    const created = await api.post('/responses', { model: 'gpt-4o', input: 'hi', background: true });
    await channel.waitingForChunk();
    const cancelled = await api.post(`/responses/${created.json.id}/cancel`);
    expect(cancelled.json.status).toBe('cancelled');
    expect(channel.returned).toBe(1);
    expect(seen[0]?.signal.aborted).toBe(true);
  });

  it('a response whose client leaves (not in the background) stops its iterator', async () => {
    const channel = new Channel();
    const emulator = await start({ brain: channelBrain(channel).brain });
    const stream = await openResponseStream(emulator, {});
    channel.push('one');
    await channel.waitingForChunk();
    await stream.cancel();
    await eventually(() => (channel.returned === 1 ? true : undefined));
  });

  it('closing the emulator stops the iterators of runs in progress', async () => {
    const channel = new Channel();
    const emulator = await start({ brain: channelBrain(channel).brain });
    await openRunStream(emulator, 'hello');
    await channel.waitingForChunk();
    await emulator.close();
    expect(channel.returned).toBe(1);
  });

  it('an iterator that throws fails the run with a clear last_error, keeping the text written', async () => {
    const channel = new Channel();
    const emulator = await start({ brain: channelBrain(channel).brain });
    const { api, thread, stream } = await openRunStream(emulator, 'hello');
    channel.push('Half a');
    channel.fail(new Error('the model crashed'));
    await stream.done;
    const failed = JSON.parse(stream.frames().find((f) => f.event === 'thread.run.failed')?.data ?? '{}');
    expect(failed.last_error).toEqual({
      code: 'server_error',
      message: "The brain's text stream failed: the model crashed",
    });
    const last = (await api.get(`/threads/${thread.id}/messages`)).json.data[0];
    expect(last).toMatchObject({ status: 'incomplete', content: [{ text: { value: 'Half a' } }] });
    expect(channel.returned).toBe(0); // a throwing iterator has ended: no return(), as for await
  });

  it('an iterator that throws fails the response with a clear error', async () => {
    const channel = new Channel();
    const emulator = await start({ brain: channelBrain(channel).brain });
    const stream = await openResponseStream(emulator, {});
    channel.push('Half');
    channel.fail('connection reset');
    await stream.done;
    const last = eventsOf(stream.frames()).at(-1);
    expect(last.type).toBe('response.failed');
    expect(last.response.error).toEqual({
      code: 'server_error',
      message: "The brain's text stream failed: connection reset",
    });
    expect(last.response.output[0]).toMatchObject({ status: 'incomplete', content: [{ text: 'Half' }] });
  });

  it('a chunk that is not a string fails the run and stops the iterator', async () => {
    const channel = new Channel();
    const emulator = await start({ brain: channelBrain(channel).brain });
    const { stream } = await openRunStream(emulator, 'hello');
    channel.push({ token: 'x' });
    await stream.done;
    const failed = JSON.parse(stream.frames().find((f) => f.event === 'thread.run.failed')?.data ?? '{}');
    expect(failed.last_error.message).toBe(
      "The brain's text stream failed: it yielded a value of type object, not a string.",
    );
    expect(channel.returned).toBe(1);
  });

  it('the token limit stops an endless iterable: the run ends incomplete, return() called', async () => {
    let returned = 0;
    const endless: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ value: 'tok ', done: false }),
        return: async () => {
          returned++;
          return { value: undefined, done: true };
        },
      }),
    };
    const emulator = await start({ brain: () => endless });
    const api = rawApi(emulator);
    const assistant = (await api.post('/assistants', { model: 'gpt-4o' })).json;
    const thread = (await api.post('/threads', { messages: [{ role: 'user', content: 'go' }] })).json;
    const limited = await fetch(`${emulator.url}/threads/${thread.id}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' },
      body: JSON.stringify({ assistant_id: assistant.id, stream: true, max_completion_tokens: 3 }),
    });
    const second = followStream(limited);
    await second.done;
    expect(deltasOf(second.frames(), 'thread.message.delta')).toEqual(['tok ', 'tok ', 'tok ']);
    expect(second.frames().map((f) => f.event)).toContain('thread.run.incomplete');
    expect(returned).toBe(1);
  });
});
