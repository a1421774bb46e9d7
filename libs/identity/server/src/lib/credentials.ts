import { migrate, type Database, type EventStore, type Migration, type SqlExecutor } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import type { FactoryProvider } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secret material kept OUTSIDE the event log (docs/security.md): password hashes, hashes of one-time
 * invite/reset tokens and API keys, and API key last-use times (signing secrets live outside the database: `resolveKey`). Rows are
 * written in the same transaction as the event that refers to them (CommandExecutor.inTransaction),
 * so an event and its credential commit or roll back together. Unlike read models these tables are
 * not rebuilt from the log: back them up with the database. That is also why they are plain SQL on
 * the store's Database and not TypeORM entities: they are written inside command transactions (no
 * projector EntityManager there) and must never be dropped by a projection rebuild. `api_key_usage`
 * is operational data of the same kind (written by authentication, not by events).
 */
export const CREDENTIAL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'credentials',
    sql: `
      CREATE TABLE IF NOT EXISTS user_passwords (
        user_id TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS one_time_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS one_time_tokens_user ON one_time_tokens (user_id);
      CREATE TABLE IF NOT EXISTS api_key_secrets (
        key_id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL,
        role TEXT NOT NULL,
        secret_hash TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS api_key_usage (
        key_id TEXT PRIMARY KEY,
        last_used_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS server_secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        created_at TEXT NOT NULL
      );`,
  },
  {
    // Signing secrets moved to the environment or key files outside the database (docs/security.md):
    // a generated JWT secret left here would let a database backup alone mint tokens.
    version: 2,
    name: 'signing secrets leave the database',
    sql: `DROP TABLE IF EXISTS server_secrets;`,
  },
  {
    // Optional API key expiry, enforced where the key is checked (null = until revoked).
    version: 3,
    name: 'API key expiry',
    sql: `ALTER TABLE api_key_secrets ADD COLUMN expires_at TEXT;`,
  },
  {
    // Token rotation left the event log (docs/architecture.md, "Refresh tokens"): the generation of
    // each session's refresh token, rotated with a compare-and-set on it.
    version: 4,
    name: 'refresh tokens',
    sql: `
      CREATE TABLE IF NOT EXISTS refresh_tokens (
        session_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        generation INTEGER NOT NULL,
        expires_at TEXT NOT NULL,
        rotated_at TEXT,
        revoked_at TEXT
      );`,
  },
];

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export type OneTimePurpose = 'invite' | 'reset';

export interface ApiKeySecretRow {
  readonly keyId: string;
  readonly projectId: string;
  readonly role: string;
  readonly secretHash: string;
  /** When the key stops working; null = until revoked. */
  readonly expiresAt: string | null;
}

/** A session's refresh token as `refresh_tokens` has it: the one usable generation, and its end. */
export interface RefreshTokenRow {
  readonly sessionId: string;
  readonly userId: string;
  readonly generation: number;
  readonly expiresAt: string;
  readonly rotatedAt: string | null;
  readonly revokedAt: string | null;
}

interface RefreshTokenColumns extends Record<string, unknown> {
  session_id: string;
  user_id: string;
  generation: number | string;
  expires_at: string;
  rotated_at: string | null;
  revoked_at: string | null;
}

export class CredentialStore {
  constructor(private readonly db: Database) {}

  /** The store, its tables migrated before anything can use it. */
  static readonly provider: FactoryProvider<Promise<CredentialStore>> = {
    provide: CredentialStore,
    inject: [EVENT_STORE],
    useFactory: async (store: EventStore) => {
      const credentials = new CredentialStore(store.db);
      await credentials.migrate();
      return credentials;
    },
  };

  migrate(): Promise<unknown> {
    return migrate(this.db, 'credentials', CREDENTIAL_MIGRATIONS);
  }

  async passwordHash(userId: string): Promise<string | undefined> {
    const rows = await this.db.query<{ hash: string }>('SELECT hash FROM user_passwords WHERE user_id = $1', [userId]);
    return rows[0]?.hash;
  }

  static async setPassword(tx: SqlExecutor, userId: string, hash: string, now: string): Promise<void> {
    await tx.query(
      `INSERT INTO user_passwords (user_id, hash, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
      [userId, hash, now],
    );
  }

  /** A reset stops the old password at once: nobody signs in with it while the reset link is out. */
  static async deletePassword(tx: SqlExecutor, userId: string): Promise<void> {
    await tx.query('DELETE FROM user_passwords WHERE user_id = $1', [userId]);
  }

  /** A new one-time token replaces every earlier one of the user (an old invite link stops working). */
  static async issueOneTimeToken(tx: SqlExecutor, userId: string, purpose: OneTimePurpose, tokenHash: string, expiresAt: string): Promise<void> {
    await tx.query('DELETE FROM one_time_tokens WHERE user_id = $1', [userId]);
    await tx.query('INSERT INTO one_time_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)', [
      tokenHash,
      userId,
      purpose,
      expiresAt,
    ]);
  }

  async findOneTimeToken(tokenHash: string): Promise<{ userId: string; purpose: OneTimePurpose; expiresAt: string } | undefined> {
    const rows = await this.db.query<{ user_id: string; purpose: OneTimePurpose; expires_at: string }>(
      'SELECT user_id, purpose, expires_at FROM one_time_tokens WHERE token_hash = $1',
      [tokenHash],
    );
    return rows[0] && { userId: rows[0].user_id, purpose: rows[0].purpose, expiresAt: rows[0].expires_at };
  }

  /** Consumes the token inside the password change's transaction: a second use finds nothing. */
  static async consumeOneTimeTokens(tx: SqlExecutor, userId: string): Promise<void> {
    await tx.query('DELETE FROM one_time_tokens WHERE user_id = $1', [userId]);
  }

  static async storeApiKey(tx: SqlExecutor, row: ApiKeySecretRow): Promise<void> {
    await tx.query('INSERT INTO api_key_secrets (key_id, project_id, role, secret_hash, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      row.keyId,
      row.projectId,
      row.role,
      row.secretHash,
      row.expiresAt,
    ]);
  }

  /** Revocation deletes the secret in the revoking transaction: the key stops working at commit. */
  static async deleteApiKey(tx: SqlExecutor, keyId: string): Promise<void> {
    await tx.query('DELETE FROM api_key_secrets WHERE key_id = $1', [keyId]);
  }

  async apiKey(keyId: string): Promise<ApiKeySecretRow | undefined> {
    const rows = await this.db.query<{ key_id: string; project_id: string; role: string; secret_hash: string; expires_at: string | null }>(
      'SELECT key_id, project_id, role, secret_hash, expires_at FROM api_key_secrets WHERE key_id = $1',
      [keyId],
    );
    const row = rows[0];
    return row && { keyId: row.key_id, projectId: row.project_id, role: row.role, secretHash: row.secret_hash, expiresAt: row.expires_at };
  }

  /** Written in the transaction of `SessionStarted`: generation 0. */
  static async issueRefreshToken(tx: SqlExecutor, row: Pick<RefreshTokenRow, 'sessionId' | 'userId' | 'expiresAt'>): Promise<void> {
    await tx.query('INSERT INTO refresh_tokens (session_id, user_id, generation, expires_at) VALUES ($1, $2, 0, $3)', [row.sessionId, row.userId, row.expiresAt]);
  }

  /** Written in the transaction of `SessionRevoked` (sign-out, reuse): no generation refreshes any more. */
  static async revokeRefreshToken(tx: SqlExecutor, sessionId: string, revokedAt: string): Promise<void> {
    await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE session_id = $1 AND revoked_at IS NULL', [sessionId, revokedAt]);
  }

  async refreshToken(sessionId: string): Promise<RefreshTokenRow | undefined> {
    const rows = await this.db.query<RefreshTokenColumns>(
      'SELECT session_id, user_id, generation, expires_at, rotated_at, revoked_at FROM refresh_tokens WHERE session_id = $1',
      [sessionId],
    );
    const row = rows[0];
    return (
      row && {
        sessionId: row.session_id,
        userId: row.user_id,
        generation: Number(row.generation),
        expiresAt: row.expires_at,
        rotatedAt: row.rotated_at,
        revokedAt: row.revoked_at,
      }
    );
  }

  /** The row of a session recorded before rotations left the log, unless another request wrote it first. */
  async carryOverRefreshToken(row: RefreshTokenRow): Promise<void> {
    await this.db.query(
      `INSERT INTO refresh_tokens (session_id, user_id, generation, expires_at, rotated_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (session_id) DO NOTHING`,
      [row.sessionId, row.userId, row.generation, row.expiresAt, row.rotatedAt, row.revokedAt],
    );
  }

  /**
   * The compare-and-set of a rotation: moves the token from `from` to the next generation only if
   * nobody moved it (or revoked it) since it was read. False: another request won; read again.
   */
  async rotateRefreshToken(sessionId: string, from: number, next: { generation: number; expiresAt: string; rotatedAt: string }): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE refresh_tokens SET generation = $3, expires_at = $4, rotated_at = $5
       WHERE session_id = $1 AND generation = $2 AND revoked_at IS NULL RETURNING session_id`,
      [sessionId, from, next.generation, next.expiresAt, next.rotatedAt],
    );
    return rows.length === 1;
  }

  async touchApiKey(keyId: string, now: string): Promise<void> {
    await this.db.query(
      `INSERT INTO api_key_usage (key_id, last_used_at) VALUES ($1, $2)
       ON CONFLICT (key_id) DO UPDATE SET last_used_at = excluded.last_used_at`,
      [keyId, now],
    );
  }

  /** When each of the given keys was last used (keys never used are absent). */
  async lastUsed(keyIds: readonly string[]): Promise<Map<string, string>> {
    if (keyIds.length === 0) return new Map();
    const rows = await this.db.query<{ key_id: string; last_used_at: string }>(
      `SELECT key_id, last_used_at FROM api_key_usage WHERE key_id IN (${keyIds.map((_, i) => `$${i + 1}`).join(', ')})`,
      [...keyIds],
    );
    return new Map(rows.map((row) => [row.key_id, row.last_used_at]));
  }
}
