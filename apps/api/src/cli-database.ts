import { PostgresDatabase, SqliteDatabase, type Database } from '@camel/event-store';
import type { AppConfig } from '@camel/server';
import { existsSync } from 'node:fs';

/**
 * Why a read-only CLI command must not run against the configured database, or null when it may.
 * Opening the store creates (and migrates) an empty one: a `verify` with a mistyped DATA_DIR would
 * report "every hash chain is intact" of a database made that moment. Read-only commands look
 * first, without creating anything.
 */
export async function missingStoreProblem(config: AppConfig): Promise<string | null> {
  const where = config.databaseUrl ? 'the PostgreSQL database of DATABASE_URL' : `${config.sqliteFile} (DATA_DIR=${config.dataDir})`;
  const hint = config.databaseUrl
    ? 'point DATABASE_URL at the api’s database'
    : 'set DATA_DIR to the api’s data folder, or DATABASE_URL to its PostgreSQL database';
  if (!config.databaseUrl && !existsSync(config.sqliteFile)) return `no database at ${where}: ${hint} (nothing was created)`;
  const db: Database = config.databaseUrl ? new PostgresDatabase(config.databaseUrl, { max: 1, applicationName: 'camel-cli' }) : await SqliteDatabase.open(config.sqliteFile);
  try {
    const sql = config.databaseUrl
      ? "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'events'"
      : "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'events'";
    const [row] = await db.query<{ n: number | string }>(sql);
    return Number(row?.n ?? 0) > 0 ? null : `${where} holds no event log (never migrated): ${hint}`;
  } finally {
    await db.close();
  }
}
