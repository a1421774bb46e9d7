import { Pool, type PoolClient, type PoolConfig, types as pgTypes } from 'pg';
import type { Database, QueryOptions, Row, SqlExecutor } from './database';

const INT8_OID = 20;

/**
 * int8 (bigint, count(*)) as JS numbers for this pool only. Positions stay far below 2^53
 * (see postgres/migrations.ts); anything larger is refused rather than silently rounded.
 */
const poolTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) {
      return (value: string) => {
        const n = Number(value);
        if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${value} exceeds the safe integer range`);
        return n;
      };
    }
    return pgTypes.getTypeParser(oid, format);
  },
} as PoolConfig['types'];

class PgExecutor implements SqlExecutor {
  readonly dialect = 'postgres' as const;
  constructor(private readonly client: Pool | PoolClient) {}

  get native(): Pool | PoolClient {
    return this.client;
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<T[]> {
    const result = await this.client.query({ text: sql, values: params as unknown[], name: options.name });
    return result.rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }
}

export class PostgresDatabase extends PgExecutor implements Database {
  readonly pool: Pool;

  constructor(readonly connectionString: string, options: { max?: number; applicationName?: string } = {}) {
    const pool = new Pool({
      connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'camel',
      types: poolTypes,
    });
    super(pool);
    this.pool = pool;
    // An idle client whose server connection dies must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A server-side termination arrives as an 'error' event on the checked-out client; the pending
    // query rejects as well, so the event only needs to be kept from crashing the process.
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await fn(new PgExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken ??= rollbackError));
      throw error;
    } finally {
      client.off('error', onError);
      // A broken connection is destroyed rather than handed to the next caller.
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
