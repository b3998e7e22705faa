import { defer, EMPTY, expand, type Observable, reduce, throwError } from 'rxjs';
import { AssistantsError } from '../errors/AssistantsError';
import type { Page } from '../events/types';

/** Pages read of one list at most: 1,000 pages of 100 is far beyond any run's steps or messages. */
export const MAX_PAGES = 1000;

/**
 * A paginated list did not advance: a page asked for more (`has_more: true`) without a cursor
 * that moves on (the same `last_id` again, or none), or the list ran past `MAX_PAGES` (1,000) pages.
 * What a server that loops would otherwise turn into endless requests.
 */
export class PaginationError extends AssistantsError {
  override readonly name = 'PaginationError';
  /** Pages read before giving up. */
  readonly pages: number;
  /** The cursor that did not advance (`undefined`: the page gave none, or the page limit was hit). */
  readonly cursor: string | undefined;

  constructor(what: string, pages: number, cursor: string | undefined, reason: string) {
    super(`Reading the ${what} stopped after ${pages} page(s): ${reason}.`);
    this.pages = pages;
    this.cursor = cursor;
  }
}

/**
 * Reads every page of a cursor-paginated list, in order. Internal. Bounded whatever the server
 * answers: each page's cursor must be new, and at most `MAX_PAGES` (1,000) pages are read;
 * otherwise a {@link PaginationError}.
 */
export function collectPages<T extends { id: string }>(
  what: string,
  page: (after: string | undefined) => Observable<Page<T>>,
): Observable<T[]> {
  return defer(() => {
    const cursors = new Set<string>();
    return page(undefined).pipe(
      expand((current, index) => {
        if (!current.has_more) return EMPTY;
        const pages = index + 1;
        const last = current.last_id ?? current.data[current.data.length - 1]?.id;
        const fail = (reason: string) =>
          throwError(() => new PaginationError(what, pages, last ?? undefined, reason));
        if (!last) return fail('a page said has_more but gave no cursor (no last_id, no items)');
        if (cursors.has(last))
          return fail(`the cursor ${JSON.stringify(last)} came back: the list does not advance`);
        if (pages >= MAX_PAGES) return fail(`more than ${MAX_PAGES} pages`);
        cursors.add(last);
        return page(last);
      }),
      reduce((all: T[], current) => all.concat(current.data), []),
    );
  });
}
