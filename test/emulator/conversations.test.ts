import { describe, expect, it } from 'vitest';
import { type Brain, defaultBrain } from '../../src/emulator';
import { emulatorPerTest } from '../helpers/emulators';
import { eventually, rawApi } from './helpers';

// Conversations through the raw HTTP API: their checks, paging, how responses add to them, and
// the limits that keep a long-running emulator's memory bounded.

const startEmulator = emulatorPerTest({ latencyMs: 0 });

const say = (content: string) => ({ type: 'message', role: 'user', content });

describe('conversations', () => {
  it('checks its requests as the service does', async () => {
    const api = rawApi(await startEmulator());
    const tooMany = await api.post('/conversations', {
      items: Array.from({ length: 21 }, (_, i) => say(`${i}`)),
    });
    expect(tooMany.json.error).toMatchObject({ param: 'items', code: 'array_above_max_length' });
    expect((await api.post('/conversations', { title: 'x' })).json.error.code).toBe('unknown_parameter');
    expect((await api.post('/conversations', { items: [{ role: 'user' }] })).json.error.param).toBe(
      'items[0].content',
    );
    const { id } = (await api.post('/conversations')).json;
    expect((await api.post(`/conversations/${id}`, {})).json.error).toMatchObject({
      param: 'metadata',
      code: 'missing_required_parameter',
    });
    expect((await api.post(`/conversations/${id}/items`, {})).json.error.param).toBe('items');
    expect((await api.get(`/conversations/${id}/items/msg_nope`)).json).toEqual({
      error: {
        message: "Item with id 'msg_nope' not found.",
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    expect((await api.get('/conversations/conv_nope')).status).toBe(404);
    // metadata: null clears it
    await api.post(`/conversations/${id}`, { metadata: { a: 'b' } });
    expect((await api.post(`/conversations/${id}`, { metadata: null })).json.metadata).toEqual({});
  });

  it('pages its items with limit, order and after', async () => {
    const api = rawApi(await startEmulator());
    const { id } = (await api.post('/conversations', { items: ['a', 'b', 'c', 'd', 'e'].map(say) })).json;
    const page = (await api.get(`/conversations/${id}/items?limit=2&order=asc`)).json;
    expect(page.data.map((i: { content: { text: string }[] }) => i.content[0]?.text)).toEqual(['a', 'b']);
    expect(page).toMatchObject({ has_more: true, first_id: page.data[0].id, last_id: page.data[1].id });
    const next = (await api.get(`/conversations/${id}/items?limit=2&order=asc&after=${page.last_id}`)).json;
    expect(next.data.map((i: { content: { text: string }[] }) => i.content[0]?.text)).toEqual(['c', 'd']);
    expect((await api.get(`/conversations/${id}/items?limit=0`)).status).toBe(400);
  });

  it('a response adds each output item as it is done, and lists only its own input as input_items', async () => {
    const brain: Brain = (ctx) =>
      ctx.lastUserText === 'slow'
        ? [
            { type: 'text', text: 'first' },
            { type: 'delay', ms: 60_000 },
          ]
        : defaultBrain(ctx);
    const emulator = await startEmulator({ brain });
    const api = rawApi(emulator);
    const { id } = (await api.post('/conversations', { items: [say('earlier')] })).json;
    const slow = (
      await api.post('/responses', { model: 'gpt-4o', conversation: id, input: 'slow', background: true })
    ).json;
    const items = await eventually(async () => {
      const list = (await api.get(`/conversations/${id}/items?order=asc`)).json.data;
      return list.length === 3 ? list : undefined;
    });
    expect(items.map((i: { role: string; status: string }) => [i.role, i.status])).toEqual([
      ['user', 'completed'],
      ['user', 'completed'],
      ['assistant', 'completed'],
    ]);
    expect((await api.get(`/responses/${slow.id}`)).json.status).toBe('in_progress');
    const inputs = (await api.get(`/responses/${slow.id}/input_items`)).json.data;
    expect(inputs.map((i: { content: { text: string }[] }) => i.content[0]?.text)).toEqual(['slow']);
    // Deleting the conversation leaves its response running, and adding to nothing.
    expect((await api.del(`/conversations/${id}`)).json.deleted).toBe(true);
    expect((await api.post(`/responses/${slow.id}/cancel`)).json.status).toBe('cancelled');
  });
});

describe('limits', () => {
  it('keeps the newest limits.conversations conversations and limits.itemsPerConversation items each', async () => {
    const emulator = await startEmulator({ limits: { conversations: 2, itemsPerConversation: 3 } });
    const api = rawApi(emulator);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api.post('/conversations')).json.id);
    expect((await api.get(`/conversations/${ids[0]}`)).status).toBe(404);
    const id = ids[2] ?? '';
    await api.post(`/conversations/${id}/items`, { items: ['a', 'b'].map(say) });
    await api.post('/responses', { model: 'gpt-4o', conversation: id, input: 'c' });
    const texts = (await api.get(`/conversations/${id}/items?order=asc`)).json.data.map(
      (i: { content: { text: string }[] }) => i.content[0]?.text,
    );
    expect(texts).toEqual(['b', 'c', 'You said: "c"']);
  });
});
