import { CONFIG_EVENT_TYPES, type ConfigEvent, type RecordedEvent } from '@camel/contracts';
import type { Projection, SqlExecutor } from '@camel/event-store';

/** Every saved version of every project's config set: history, diff, export and restore read it. */
export const configsProjection: Projection = {
  name: 'configs',
  version: 1,
  tables: ['config_versions'],
  eventTypes: CONFIG_EVENT_TYPES,

  async createSchema(tx: SqlExecutor) {
    await tx.exec(`CREATE TABLE IF NOT EXISTS config_versions (
      project_id TEXT NOT NULL,
      version INTEGER NOT NULL,
      message TEXT NOT NULL,
      source TEXT NOT NULL,
      restored_from INTEGER,
      actor TEXT NOT NULL,
      created_at TEXT NOT NULL,
      files TEXT NOT NULL,
      PRIMARY KEY (project_id, version)
    )`);
  },

  async apply(tx: SqlExecutor, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as ConfigEvent;
    const d = event.data;
    await tx.query(
      `INSERT INTO config_versions (project_id, version, message, source, restored_from, actor, created_at, files)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (project_id, version) DO NOTHING`,
      [d.projectId, d.version, d.message, d.source, d.restoredFrom ?? null, `${recorded.metadata.actor.type}:${recorded.metadata.actor.id}`,
        recorded.metadata.time, JSON.stringify(d.files)],
    );
  },
};
