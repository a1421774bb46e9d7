import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { LogEntryRecord } from './log-entry.entity';

/**
 * Keyword search over log entries with each engine's full-text index: PostgreSQL a generated
 * tsvector column with a GIN index (`websearch_to_tsquery`: quoted phrases, OR, -not); SQLite an
 * FTS5 table kept in step by triggers (the words as a phrase list, each a prefix-free token).
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

/** FTS5 query syntax is not for users: each word becomes a quoted term (all must match). */
const fts5Query = (q: string): string =>
  q
    .split(/\s+/)
    .map((word) => word.replace(/"/g, ''))
    .filter((word) => word.length > 0)
    .map((word) => `"${word}"`)
    .join(' ');

export function whereKeyword(qb: SelectQueryBuilder<LogEntryRecord>, alias: string, q: string): void {
  if (qb.connection.options.type === 'postgres') {
    qb.andWhere(`${alias}.search @@ websearch_to_tsquery('simple', :q)`, { q });
  } else {
    qb.andWhere(`${alias}.rowid IN (SELECT rowid FROM ${LOG_FTS_TABLE} WHERE ${LOG_FTS_TABLE} MATCH :q)`, { q: fts5Query(q) || '""' });
  }
}

/** Terms to highlight in the console (the words of the query, without operators). */
export const keywordTerms = (q: string): string[] =>
  q
    .split(/\s+/)
    .map((w) => w.replace(/^[-"]+|"+$/g, ''))
    .filter((w) => w.length > 0 && w.toUpperCase() !== 'OR');
