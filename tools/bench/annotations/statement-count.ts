/**
 * `--count-statements`: counts the SQL statements the api process sends to its database, at the
 * drivers (every `pg` client query; every sqlite3 statement run and `exec`), grouped by what they
 * are (`SELECT events`, `INSERT audit_log`, `BEGIN`…). Installed before the app is created, so the
 * event store, the read models' ORM and the LISTEN connection are all counted; the bench reads the
 * counts around the measured rounds only.
 */
import pg from 'pg';
import sqlite3 from 'sqlite3';

const counts = new Map<string, number>();
let counting = false;

/** `select … from "x" …` → `SELECT x`; `insert into x` → `INSERT x`; `BEGIN`, `COMMIT`… as is. */
export function statementKind(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  const verb = (text.match(/^\w+/)?.[0] ?? '?').toUpperCase();
  const table = (pattern: RegExp) => text.match(pattern)?.[1]?.replace(/"/g, '') ?? '?';
  switch (verb) {
    case 'SELECT':
    case 'WITH':
      return `${verb} ${table(/\bfrom\s+("?[\w.]+"?)/i)}`;
    case 'INSERT':
      return `INSERT ${table(/^insert\s+(?:or\s+\w+\s+)?into\s+("?[\w.]+"?)/i)}`;
    case 'UPDATE':
      return `UPDATE ${table(/^update\s+("?[\w.]+"?)/i)}`;
    case 'DELETE':
      return `DELETE ${table(/^delete\s+from\s+("?[\w.]+"?)/i)}`;
    default:
      return verb;
  }
}

const count = (sql: unknown): void => {
  if (!counting || typeof sql !== 'string') return;
  const kind = statementKind(sql);
  counts.set(kind, (counts.get(kind) ?? 0) + 1);
};

/** Patches the drivers' prototypes once; nothing is counted before `startCounting`. */
export function installStatementCounter(): void {
  const pgQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    count(typeof first === 'string' ? first : (first as { text?: unknown } | undefined)?.text);
    return pgQuery.apply(this, args);
  };
  const statement = sqlite3.Statement.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ['run', 'get', 'all', 'each'] as const) {
    const original = statement[method];
    statement[method] = function (this: { sql?: string }, ...args: unknown[]) {
      count(this.sql);
      return original.apply(this, args);
    };
  }
  const database = sqlite3.Database.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const exec = database['exec'];
  database['exec'] = function (this: unknown, ...args: unknown[]) {
    count(args[0]);
    return exec.apply(this, args);
  };
}

export function startCounting(): void {
  counts.clear();
  counting = true;
}

/** The counts since `startCounting`, by kind. */
export function stopCounting(): Record<string, number> {
  counting = false;
  return Object.fromEntries(counts);
}
