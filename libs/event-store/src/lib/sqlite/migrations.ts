import type { Migration } from '../sql/migrator';

/**
 * SQLite has one writer at a time, so AUTOINCREMENT positions are handed out in commit order and a
 * plain `position > after` read never skips. Triggers refuse UPDATE and DELETE like PostgreSQL's.
 */
export const SQLITE_EVENT_STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events table and append-only triggers',
    sql: `
CREATE TABLE events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id TEXT NOT NULL,
  stream_type TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  hash TEXT NOT NULL,
  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CONSTRAINT events_event_id_key UNIQUE (event_id),
  CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
);
CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
`,
  },
  {
    version: 2,
    name: 'keyed event hashes',
    // HMAC under LOG_SIGNING_KEY (outside the database), 'm1:<key id>:<hex>'; NULL on older events.
    sql: `ALTER TABLE events ADD COLUMN mac TEXT;`,
  },
];
