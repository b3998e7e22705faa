import { from, lastValueFrom, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Page } from '../../src/events/types';
import { collectPages, MAX_PAGES, PaginationError } from '../../src/sources/collectPages';
import { watchRun } from '../../src/sources/watchRun';
import { aMessage, aPage, aRun, mockClient } from '../../src/testing';

type Item = { id: string };
const page = (ids: string[], has_more: boolean, last_id: string | null = ids.at(-1) ?? null): Page<Item> => ({
  object: 'list',
  data: ids.map((id) => ({ id })),
  first_id: ids[0] ?? null,
  last_id,
  has_more,
});

// Answers come asynchronously, as from a real client (a synchronous source 1,000 pages deep
// would only measure the call stack).
const read = (pages: (after: string | undefined) => Page<Item>) => {
  const asked: Array<string | undefined> = [];
  const result = lastValueFrom(
    collectPages('items', (after) => {
      asked.push(after);
      return from(Promise.resolve(pages(after)));
    }),
  );
  return { result, asked };
};

describe('collectPages', () => {
  it('reads pages in order until has_more is false', async () => {
    const { result, asked } = read((after) =>
      after === undefined ? page(['a', 'b'], true) : after === 'b' ? page(['c'], true) : page(['d'], false),
    );
    expect((await result).map((item) => item.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(asked).toEqual([undefined, 'b', 'c']);
  });

  it('a server that answers the same page forever is a PaginationError after two requests', async () => {
    const { result, asked } = read(() => page(['a'], true));
    await expect(result).rejects.toThrow(PaginationError);
    await expect(result).rejects.toThrow(/the cursor "a" came back: the list does not advance/);
    expect(asked).toEqual([undefined, 'a']);
  });

  it('an empty page with has_more and a fixed last_id is a PaginationError', async () => {
    const { result, asked } = read(() => page([], true, 'x'));
    await expect(result).rejects.toThrow(/"x" came back/);
    expect(asked).toHaveLength(2);
  });

  it('has_more without any cursor is a PaginationError, not a silent stop', async () => {
    const { result } = read(() => page([], true, null));
    await expect(result).rejects.toThrow(/has_more but gave no cursor/);
  });

  it('a list whose cursors always advance stops at MAX_PAGES', async () => {
    let n = 0;
    const { result, asked } = read(() => page([`id_${n++}`], true));
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as PaginationError).pages).toBe(MAX_PAGES);
    expect(asked).toHaveLength(MAX_PAGES);
  });
});

describe('a run whose message list never advances', () => {
  it('watchRun ends with a PaginationError instead of looping', async () => {
    const client = mockClient({
      runs: { poll: () => of({ run: aRun({ status: 'completed' }) }) },
      steps: { list: () => of(aPage([])) },
      messages: { list: () => of(aPage([aMessage()], { has_more: true })) },
    });
    const events = lastValueFrom(watchRun(client, { threadId: 'thread_1', runId: 'run_1' }));
    await expect(events).rejects.toBeInstanceOf(PaginationError);
    expect(client.callsTo('messages.list')).toHaveLength(2);
  });
});
