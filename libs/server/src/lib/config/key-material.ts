import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type AppConfig } from './app-config';

/** Shortest accepted secret: 32 characters of key material (e.g. `openssl rand -base64 48`). */
export const MIN_SECRET_LENGTH = 32;

export interface KeySpec {
  /** The environment variable holding the secret itself (named in errors, never echoed). */
  readonly variable: string;
  readonly value?: string;
  /** The variable naming a file that holds the secret (a mounted secret, a vault agent's file). */
  readonly fileVariable: string;
  readonly file?: string;
  /**
   * Where the embedded default keeps a generated secret. Absent = production: a missing secret stops
   * the process, because replicas must share one and a generated one would differ per machine.
   */
  readonly generatedFile?: string;
}

/** The access-token signing key: JWT_SECRET, JWT_SECRET_FILE, or (embedded only) DATA_DIR/keys/jwt.key. */
export function jwtKeySpec(config: AppConfig): KeySpec {
  return {
    variable: 'JWT_SECRET',
    value: config.auth.jwtSecret,
    fileVariable: 'JWT_SECRET_FILE',
    file: config.auth.jwtSecretFile,
    generatedFile: config.databaseUrl ? undefined : join(config.keysDir, 'jwt.key'),
  };
}

/** The HMAC key of signed log checkpoints: LOG_SIGNING_KEY, LOG_SIGNING_KEY_FILE, or (embedded only) DATA_DIR/keys/log.key. */
export function logKeySpec(config: AppConfig): KeySpec {
  return {
    variable: 'LOG_SIGNING_KEY',
    value: config.logSigningKey,
    fileVariable: 'LOG_SIGNING_KEY_FILE',
    file: config.logSigningKeyFile,
    generatedFile: config.databaseUrl ? undefined : join(config.keysDir, 'log.key'),
  };
}

export type KeySource = 'environment' | 'file' | 'generated';

/**
 * A signing secret from outside the database: the environment, a key file, or (embedded default
 * only) a file generated once under DATA_DIR with mode 0600. Never from the database, so a database
 * backup alone cannot mint tokens or forge hashes.
 */
export function resolveKey(spec: KeySpec): { readonly secret: string; readonly source: KeySource } {
  if (spec.value) return { secret: checked(spec.value, spec.variable), source: 'environment' };
  if (spec.file) return { secret: checked(readKeyFile(spec.file, spec.fileVariable), spec.fileVariable), source: 'file' };
  if (!spec.generatedFile) {
    throw new ConfigError([`${spec.variable} (or ${spec.fileVariable}, a file holding it) is required when DATABASE_URL is set; every replica needs the same secret`]);
  }
  return { secret: checked(readOrCreateKeyFile(spec.generatedFile), spec.generatedFile), source: 'generated' };
}

function checked(secret: string, name: string): string {
  if (secret.length < MIN_SECRET_LENGTH) throw new ConfigError([`${name}: the secret must be at least ${MIN_SECRET_LENGTH} characters`]);
  return secret;
}

function readKeyFile(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new ConfigError([`${variable}=${JSON.stringify(path)}: cannot read the key file (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
}

/**
 * Generated once: written to a private temporary file and hard-linked into place, so processes
 * starting together agree on the first one linked and nobody ever reads a half-written key.
 */
export function readOrCreateKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temporary, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600);
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return readFileSync(path, 'utf8').trim();
}
