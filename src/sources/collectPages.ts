import { EMPTY, expand, type Observable, reduce } from 'rxjs';
import type { Page } from '../events/types';

/** Reads every page of a cursor-paginated list, in order. Internal. */
export function collectPages<T extends { id: string }>(
  page: (after: string | undefined) => Observable<Page<T>>,
): Observable<T[]> {
  return page(undefined).pipe(
    expand((current) => {
      const last = current.last_id ?? current.data[current.data.length - 1]?.id;
      return current.has_more && last ? page(last) : EMPTY;
    }),
    reduce((all: T[], current) => all.concat(current.data), []),
  );
}
