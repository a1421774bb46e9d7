import { parseSearch, type SearchGroup } from '@camel/workflows';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { LogEntryRecord } from './log-entry.entity';

/**
 * Keyword search over log entries with each engine's full-text index: PostgreSQL a generated
 * tsvector column with a GIN index (`websearch_to_tsquery`: quoted phrases, OR, -not); SQLite an
 * FTS5 table kept in step by triggers, queried with the same language (`parseSearch`).
 */
export const LOG_FTS_TABLE = 'log_entries_fts';

/**
 * PostgreSQL's statistics target for the tsvector column. At the default (100) a word outside the
 * most-common-lexeme list is estimated at ~0.25 % of the entries whatever its real frequency, so a
 * rare word looks common and the planner walks the position index backwards, filtering (2 s at
 * 1M entries); at 1000 the list is longer and unlisted words are estimated ten times rarer, so it
 * reads them from the GIN index and sorts the few matches. ANALYZE samples 300 × target rows.
 */
export const LOG_SEARCH_STATISTICS = 1000;

export async function createLogSearch(manager: EntityManager): Promise<void> {
  if (manager.connection.options.type === 'postgres') {
    await manager.query(`ALTER TABLE log_entries ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED`);
    await manager.query(`ALTER TABLE log_entries ALTER COLUMN search SET STATISTICS ${LOG_SEARCH_STATISTICS}`);
    await manager.query('CREATE INDEX IF NOT EXISTS log_entries_search ON log_entries USING GIN (search)');
    return;
  }
  // Keyed on the entry's position (one entry per event, so unique), not on the implicit rowid that
  // a VACUUM may renumber: FTS5 returns matches in position order, so a keyword page walks the
  // index newest first and stops at the page's end.
  await manager.query(`CREATE VIRTUAL TABLE IF NOT EXISTS ${LOG_FTS_TABLE} USING fts5(content, content='log_entries', content_rowid='position')`);
  await manager.query(`CREATE TRIGGER IF NOT EXISTS log_entries_fts_insert AFTER INSERT ON log_entries BEGIN
    INSERT INTO ${LOG_FTS_TABLE}(rowid, content) VALUES (new.position, new.content); END`);
  await manager.query(`CREATE TRIGGER IF NOT EXISTS log_entries_fts_delete AFTER DELETE ON log_entries BEGIN
    INSERT INTO ${LOG_FTS_TABLE}(${LOG_FTS_TABLE}, rowid, content) VALUES ('delete', old.position, old.content); END`);
  await manager.query(`CREATE TRIGGER IF NOT EXISTS log_entries_fts_update AFTER UPDATE OF content, position ON log_entries BEGIN
    INSERT INTO ${LOG_FTS_TABLE}(${LOG_FTS_TABLE}, rowid, content) VALUES ('delete', old.position, old.content);
    INSERT INTO ${LOG_FTS_TABLE}(rowid, content) VALUES (new.position, new.content); END`);
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

/**
 * Restricts `qb` to the entries matching `q`. Returns the expression to order and page by position
 * with: on SQLite with wanted words, the FTS5 table's rowid (= the position), so the full-text index
 * drives the query in position order (FTS5 walks its doclists newest first without sorting, and the
 * entry is looked up by `(project_id, position)`) instead of collecting every match first.
 */
export function whereKeyword(qb: SelectQueryBuilder<LogEntryRecord>, alias: string, q: string): string {
  const position = `${alias}.position`;
  if (qb.connection.options.type === 'postgres') {
    qb.andWhere(`${alias}.search @@ websearch_to_tsquery('simple', :q)`, { q });
    return position;
  }
  const groups = parseSearch(q);
  const expression = fts5Expression(groups);
  const onlyExcluded = groups.length === 1 && groups[0].include.length === 0 ? groups[0].exclude : null;
  if (expression) {
    qb.innerJoin(LOG_FTS_TABLE, 'fts', `fts.rowid = ${position}`).andWhere(`fts.${LOG_FTS_TABLE} MATCH :q`, { q: expression });
    return 'fts.rowid';
  }
  if (onlyExcluded) {
    // `-word` alone: every entry without the word (FTS5 cannot match a pure negation).
    qb.andWhere(`${position} NOT IN (SELECT rowid FROM ${LOG_FTS_TABLE} WHERE ${LOG_FTS_TABLE} MATCH :q)`, { q: onlyExcluded.map(quoted).join(' OR ') });
  } else {
    qb.andWhere('1 = 0');
  }
  return position;
}

/** Terms to highlight in the console (the words of the query, without operators). */
export const keywordTerms = (q: string): string[] =>
  q
    .split(/\s+/)
    .map((w) => w.replace(/^[-"]+|"+$/g, ''))
    .filter((w) => w.length > 0 && w.toUpperCase() !== 'OR');
