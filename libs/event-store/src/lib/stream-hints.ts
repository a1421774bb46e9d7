/** Streams whose head an adapter keeps as a hint for its next append (PostgreSQL: the version; SQLite: version and hash). */
export const STREAM_HINTS_KEPT = 10_000;

/** `value` as `streamId`'s most recent hint; beyond STREAM_HINTS_KEPT the least recently set is dropped (Map order is set order). */
export function rememberHint<V>(hints: Map<string, V>, streamId: string, value: V): void {
  hints.delete(streamId);
  hints.set(streamId, value);
  if (hints.size > STREAM_HINTS_KEPT) hints.delete(hints.keys().next().value as string);
}
