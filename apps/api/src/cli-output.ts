/**
 * What the CLI prints, as pure functions of what it read (tested without a database).
 */

export interface ProjectionRow {
  readonly name: string;
  readonly version: number;
  /** The last event the projection applied (its checkpoint). */
  readonly position: number;
  /** Events after the checkpoint, counted up to `lagCap`. */
  readonly lag: number;
  /** When the checkpoint last moved (ISO-8601), if it ever did. */
  readonly updatedAt?: string;
  readonly lastError?: string;
}

const count = (n: number) => n.toLocaleString('en-US');

function ago(from: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(from)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

/** Left-aligned columns separated by two spaces; a header row and a rule under it. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/**
 * The `projections` table: how far each read model is, in the log's terms, and what that means.
 * The CLI applies nothing itself, so it never says "stopped": whether a projection is being kept up
 * to date shows in how far behind it is and when it last moved (a running api applies them).
 */
export function projectionsTable(rows: readonly ProjectionRow[], head: number, now: Date, lagCap: number): string {
  const errors = rows.some((row) => row.lastError);
  const table = textTable(
    ['projection', 'version', 'applied up to', 'behind', 'last applied', ...(errors ? ['last error'] : [])],
    rows.map((row) => [
      row.name,
      String(row.version),
      row.position === 0 ? 'nothing yet' : `event ${count(row.position)}`,
      row.lag === 0 ? 'up to date' : `${row.lag >= lagCap ? `${count(lagCap)}+` : count(row.lag)} events`,
      row.updatedAt ? `${row.updatedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} (${ago(row.updatedAt, now)})` : 'never',
      ...(errors ? [row.lastError ?? ''] : []),
    ]),
  );
  const behind = rows.filter((row) => row.lag > 0).map((row) => row.name);
  const summary =
    head === 0
      ? 'The log is empty.'
      : behind.length === 0
        ? `The log's newest event is ${count(head)}; every projection has applied it.`
        : `The log's newest event is ${count(head)}; behind: ${behind.join(', ')}. A running api applies new events within moments; ` +
          'if nothing runs, start the api (or `npm run cli -- rebuild <name>`).';
  return `${table}\n\n${summary}`;
}
