import { createHash } from 'node:crypto';
import type { Database, Dialect, SqlExecutor } from './database';

/**
 * A versioned schema change. Shipped migrations are never edited: the migrator stores each one's
 * checksum and refuses to start when an applied migration's text has changed.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string | Readonly<Record<Dialect, string>>;
}

export interface MigrationResult {
  readonly scope: string;
  readonly applied: readonly number[];
  readonly current: number;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const sqlFor = (migration: Migration, dialect: Dialect): string =>
  typeof migration.sql === 'string' ? migration.sql : migration.sql[dialect];

const checksum = (sql: string): string => createHash('sha256').update(sql).digest('hex');

async function lockMigrations(tx: SqlExecutor): Promise<void> {
  // SQLite: BEGIN IMMEDIATE already holds the single write lock. PostgreSQL: replicas starting
  // together queue here instead of racing on CREATE TABLE.
  if (tx.dialect === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(hashtext('camel.migrations'))`);
}

/** Applies the pending migrations of one scope, all in one transaction. */
export async function migrate(db: Database, scope: string, migrations: readonly Migration[]): Promise<MigrationResult> {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) {
      throw new MigrationError(`${scope}: migration versions must be 1..n in order, found ${m.version} at index ${index}`);
    }
  });
  return db.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      scope TEXT NOT NULL,
      version INTEGER NOT NULL,
      name TEXT NOT NULL,
      checksum TEXT NOT NULL,
      applied_at TEXT NOT NULL,
      PRIMARY KEY (scope, version)
    )`);
    const rows = await tx.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations WHERE scope = $1 ORDER BY version',
      [scope],
    );
    for (const row of rows) {
      const known = migrations[row.version - 1];
      if (!known) {
        throw new MigrationError(
          `${scope}: the database is at migration ${row.version} (${row.name}), newer than this build knows`,
        );
      }
      if (checksum(sqlFor(known, tx.dialect)) !== row.checksum) {
        throw new MigrationError(`${scope}: applied migration ${row.version} (${row.name}) was edited after release`);
      }
    }
    const applied: number[] = [];
    for (const migration of migrations.slice(rows.length)) {
      const sql = sqlFor(migration, tx.dialect);
      await tx.exec(sql);
      await tx.query(
        'INSERT INTO schema_migrations (scope, version, name, checksum, applied_at) VALUES ($1, $2, $3, $4, $5)',
        [scope, migration.version, migration.name, checksum(sql), new Date().toISOString()],
      );
      applied.push(migration.version);
    }
    return { scope, applied, current: migrations.length };
  });
}
