import { badRequest } from './http';

/** A page of a list endpoint. `first_id`/`last_id` are `null` on an empty page, as on the wire. */
export interface ListPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/**
 * Cursor pagination of `items` (oldest first) by the query's `limit` (1–100, default 20), `order`
 * (`asc | desc`, default `desc`), `after` and `before` (ids; an unknown cursor gives an empty page).
 */
export function paginate<T extends { id: string }>(items: readonly T[], query: URLSearchParams): ListPage<T> {
  const limitText = query.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw badRequest(
      `Invalid 'limit': expected an integer between 1 and 100, got '${limitText}'.`,
      'limit',
      'integer_out_of_range',
    );
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc')
    throw badRequest(
      `Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`,
      'order',
      'invalid_value',
    );
  let list = order === 'asc' ? [...items] : [...items].reverse();
  const after = query.get('after');
  const before = query.get('before');
  let hasMore: boolean;
  let data: T[];
  if (after !== null) {
    const at = list.findIndex((item) => item.id === after);
    list = at < 0 ? [] : list.slice(at + 1);
  }
  if (before !== null) {
    const at = list.findIndex((item) => item.id === before);
    list = at < 0 ? [] : list.slice(0, at);
    // The page closest to the cursor; "more" are those further away from it.
    data = list.slice(Math.max(0, list.length - limit));
    hasMore = list.length > limit;
  } else {
    data = list.slice(0, limit);
    hasMore = list.length > limit;
  }
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: hasMore,
  };
}
