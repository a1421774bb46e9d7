import { DomainError, type LogSort } from '@camel/contracts';

/** A keyset cursor: the sort key of the last entry of a page and its position (the tie-breaker). */
export interface LogCursor {
  readonly key: number;
  readonly position: number;
}

export const encodeCursor = (cursor: LogCursor): string => Buffer.from(JSON.stringify([cursor.key, cursor.position])).toString('base64url');

export function decodeCursor(raw: string): LogCursor {
  try {
    const [key, position] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (typeof key === 'number' && typeof position === 'number' && Number.isFinite(key) && Number.isSafeInteger(position)) return { key, position };
  } catch {
    // falls through to the 400
  }
  throw DomainError.validation('logs.cursor.invalid', 'after', 'after must be the `next` cursor of a previous page');
}

/** The column a sort orders by (before the position), and its direction. */
export const SORT_COLUMNS: Readonly<Record<LogSort, { readonly column: 'position' | 'latencyMs' | 'totalTokens'; readonly descending: boolean }>> = {
  newest: { column: 'position', descending: true },
  oldest: { column: 'position', descending: false },
  latency: { column: 'latencyMs', descending: true },
  tokens: { column: 'totalTokens', descending: true },
};
