import type { Migration } from '../sql/migrator';

export const PROJECTION_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'projection checkpoints',
    sql: `CREATE TABLE projection_checkpoints (
  name TEXT PRIMARY KEY,
  position BIGINT NOT NULL,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL
)`,
  },
];
