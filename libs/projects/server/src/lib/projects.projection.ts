import type { ProjectEvent, RecordedEvent } from '@camel/contracts';
import { PROJECT_EVENT_TYPES } from '@camel/contracts';
import type { Projection, SqlExecutor } from '@camel/event-store';

/** The `projects` read model: one row per project, as the list and detail endpoints return it. */
export const projectsProjection: Projection = {
  name: 'projects',
  version: 1,
  tables: ['projects'],
  eventTypes: PROJECT_EVENT_TYPES,

  async createSchema(tx: SqlExecutor) {
    await tx.exec(`CREATE TABLE IF NOT EXISTS projects (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      description TEXT NOT NULL,
      status TEXT NOT NULL,
      version INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    )`);
    await tx.exec('CREATE INDEX IF NOT EXISTS projects_status_created ON projects (status, created_at)');
  },

  async apply(tx: SqlExecutor, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as ProjectEvent;
    const time = recorded.metadata.time;
    switch (event.type) {
      case 'ProjectCreated':
        await tx.query(
          `INSERT INTO projects (id, name, description, status, version, created_at, updated_at, created_by)
           VALUES ($1, $2, $3, 'active', $4, $5, $5, $6)`,
          [event.data.projectId, event.data.name, event.data.description, recorded.streamVersion, time,
            `${recorded.metadata.actor.type}:${recorded.metadata.actor.id}`],
        );
        return;
      case 'ProjectRenamed':
        await tx.query('UPDATE projects SET name = $2, version = $3, updated_at = $4 WHERE id = $1', [
          event.data.projectId,
          event.data.name,
          recorded.streamVersion,
          time,
        ]);
        return;
      case 'ProjectArchived':
        await tx.query(`UPDATE projects SET status = 'archived', version = $2, updated_at = $3 WHERE id = $1`, [
          event.data.projectId,
          recorded.streamVersion,
          time,
        ]);
        return;
      default: {
        const unknown: never = event;
        throw new Error(`projects projection: unhandled event ${JSON.stringify(unknown)}`);
      }
    }
  },
};
