import { DomainError, type LogQuery } from '@camel/contracts';

/**
 * A keyset cursor: the sort key of the last entry of a page and its position (the tie-breaker).
 * The key is a number (latency, tokens, the position itself) or, for a page ordered by time, the
 * entry's time.
 */
export interface LogCursor {
  readonly key: number | string;
  readonly position: number;
}

export const encodeCursor = (cursor: LogCursor): string => Buffer.from(JSON.stringify([cursor.key, cursor.position])).toString('base64url');

const invalid = () => DomainError.validation('logs.cursor.invalid', 'after', 'after must be the `next` cursor of a previous page of the same query');

export function decodeCursor(raw: string): LogCursor {
  try {
    const [key, position] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    const validKey = (typeof key === 'number' && Number.isFinite(key)) || (typeof key === 'string' && !Number.isNaN(Date.parse(key)));
    if (validKey && typeof position === 'number' && Number.isSafeInteger(position)) return { key: key as number | string, position };
  } catch {
    // falls through to the 400
  }
  throw invalid();
}

type SortColumn = 'position' | 'latencyMs' | 'totalTokens' | 'createdAt';

/** How a page is ordered: the column before the position (the tie-breaker), and the direction. */
export interface LogOrder {
  readonly column: SortColumn;
  readonly descending: boolean;
}

/**
 * The order of a query's pages. newest/oldest follow the log (position); with a time range they
 * follow the entries' time, then the position: entries carry the time of the event that recorded
 * them, so both orders agree but for clock skew between writers, and a time-range page is then a
 * range scan of `(project_id, created_at, position)` in index order on both engines (walking the
 * position index instead reads every entry newer than the window first).
 */
export function orderOf(query: LogQuery): LogOrder {
  const timed = query.from !== undefined || query.to !== undefined;
  switch (query.sort ?? 'newest') {
    case 'newest':
      return { column: timed ? 'createdAt' : 'position', descending: true };
    case 'oldest':
      return { column: timed ? 'createdAt' : 'position', descending: false };
    case 'latency':
      return { column: 'latencyMs', descending: true };
    case 'tokens':
      return { column: 'totalTokens', descending: true };
  }
}

/** The cursor's key must be of the order's kind (a time for a time order, else a number). */
export function cursorFor(order: LogOrder, raw: string): LogCursor {
  const cursor = decodeCursor(raw);
  if ((order.column === 'createdAt') !== (typeof cursor.key === 'string')) throw invalid();
  return cursor;
}
