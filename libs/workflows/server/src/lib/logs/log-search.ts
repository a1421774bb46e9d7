import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { LogEntryRecord } from './log-entry.entity';

/**
 * Keyword search over log entries with each engine's full-text index: PostgreSQL a generated
 * tsvector column with a GIN index (`websearch_to_tsquery`: quoted phrases, OR, -not); SQLite an
 * FTS5 table kept in step by triggers, queried with the same language (`parseSearch`).
 */
export const LOG_FTS_TABLE = 'log_entries_fts';

export async function createLogSearch(manager: EntityManager): Promise<void> {
  if (manager.connection.options.type === 'postgres') {
    await manager.query(`ALTER TABLE log_entries ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED`);
    await manager.query('CREATE INDEX IF NOT EXISTS log_entries_search ON log_entries USING GIN (search)');
    return;
  }
  await manager.query(`CREATE VIRTUAL TABLE IF NOT EXISTS ${LOG_FTS_TABLE} USING fts5(content, content='log_entries', content_rowid='rowid')`);
  await manager.query(`CREATE TRIGGER IF NOT EXISTS log_entries_fts_insert AFTER INSERT ON log_entries BEGIN
    INSERT INTO ${LOG_FTS_TABLE}(rowid, content) VALUES (new.rowid, new.content); END`);
  await manager.query(`CREATE TRIGGER IF NOT EXISTS log_entries_fts_delete AFTER DELETE ON log_entries BEGIN
    INSERT INTO ${LOG_FTS_TABLE}(${LOG_FTS_TABLE}, rowid, content) VALUES ('delete', old.rowid, old.content); END`);
  await manager.query(`CREATE TRIGGER IF NOT EXISTS log_entries_fts_update AFTER UPDATE OF content ON log_entries BEGIN
    INSERT INTO ${LOG_FTS_TABLE}(${LOG_FTS_TABLE}, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO ${LOG_FTS_TABLE}(rowid, content) VALUES (new.rowid, new.content); END`);
}

interface SearchGroup {
  readonly include: string[];
  readonly exclude: string[];
}

/**
 * The query language people type (PostgreSQL's websearch: words all required, "quoted phrases",
 * `or` between alternatives, `-word` to exclude) as groups of terms; FTS5's own syntax is not for
 * users (a stray quote or `*` is an error there).
 */
export function parseSearch(q: string): SearchGroup[] {
  const groups: SearchGroup[] = [{ include: [], exclude: [] }];
  for (const match of q.matchAll(/(-?)"([^"]*)"|(\S+)/g)) {
    const negated = match[1] === '-' || (match[3]?.startsWith('-') ?? false);
    const raw = match[2] ?? match[3]?.replace(/^-/, '') ?? '';
    if (match[3] !== undefined && match[3].toLowerCase() === 'or') {
      groups.push({ include: [], exclude: [] });
      continue;
    }
    const term = raw.replace(/"/g, '').trim();
    if (term === '') continue;
    const group = groups[groups.length - 1];
    (negated ? group.exclude : group.include).push(term);
  }
  return groups.filter((g) => g.include.length > 0 || g.exclude.length > 0);
}

const quoted = (term: string) => `"${term}"`;

/** An FTS5 MATCH expression for the groups that name at least one wanted term. */
function fts5Expression(groups: readonly SearchGroup[]): string | null {
  const parts = groups
    .filter((g) => g.include.length > 0)
    .map((g) => [g.include.map(quoted).join(' '), ...g.exclude.map((t) => `NOT ${quoted(t)}`)].join(' '));
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' OR ');
}

export function whereKeyword(qb: SelectQueryBuilder<LogEntryRecord>, alias: string, q: string): void {
  if (qb.connection.options.type === 'postgres') {
    qb.andWhere(`${alias}.search @@ websearch_to_tsquery('simple', :q)`, { q });
    return;
  }
  const groups = parseSearch(q);
  const expression = fts5Expression(groups);
  const onlyExcluded = groups.length === 1 && groups[0].include.length === 0 ? groups[0].exclude : null;
  if (expression) {
    qb.andWhere(`${alias}.rowid IN (SELECT rowid FROM ${LOG_FTS_TABLE} WHERE ${LOG_FTS_TABLE} MATCH :q)`, { q: expression });
  } else if (onlyExcluded) {
    // `-word` alone: every entry without the word (FTS5 cannot match a pure negation).
    qb.andWhere(`${alias}.rowid NOT IN (SELECT rowid FROM ${LOG_FTS_TABLE} WHERE ${LOG_FTS_TABLE} MATCH :q)`, { q: onlyExcluded.map(quoted).join(' OR ') });
  } else {
    qb.andWhere('1 = 0');
  }
}

/** Terms to highlight in the console (the words of the query, without operators). */
export const keywordTerms = (q: string): string[] =>
  q
    .split(/\s+/)
    .map((w) => w.replace(/^[-"]+|"+$/g, ''))
    .filter((w) => w.length > 0 && w.toUpperCase() !== 'OR');
