/**
 * The SQL surface shared by the event store adapters, the migrator and projections. SQL is written
 * with `$1`-style placeholders and portable types; the SQLite adapter rewrites placeholders.
 */
export type Dialect = 'postgres' | 'sqlite';

export type Row = Record<string, unknown>;

export interface QueryOptions {
  /** Hot statements: PostgreSQL parses and plans a named statement once per connection. */
  readonly name?: string;
}

export interface SqlExecutor {
  readonly dialect: Dialect;
  /**
   * The driver's own connection this executor runs on (a `pg` Pool or PoolClient, a `sqlite3`
   * Database), for code that must run other SQL in the same transaction: the read-model ORM writes
   * through the projector transaction's connection this way.
   */
  readonly native: unknown;
  query<T extends Row = Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>;
  /** Several statements without parameters (DDL, migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends SqlExecutor {
  /** Runs `fn` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
