import type { RecordedEvent } from '@camel/contracts';
import type { Projection, SqlExecutor } from '@camel/event-store';

/**
 * Who did what, when: one row per event of the log (every type), with the actor and request from
 * its metadata. Event data is not copied: the audit trail names actions, the log holds their content.
 */
export const auditProjection: Projection = {
  name: 'audit',
  version: 1,
  tables: ['audit_log'],

  async createSchema(tx: SqlExecutor) {
    await tx.exec(`CREATE TABLE IF NOT EXISTS audit_log (
      position BIGINT PRIMARY KEY,
      event_id TEXT NOT NULL,
      type TEXT NOT NULL,
      stream_id TEXT NOT NULL,
      stream_version INTEGER NOT NULL,
      project_id TEXT,
      actor_type TEXT NOT NULL,
      actor_id TEXT NOT NULL,
      request_id TEXT,
      correlation_id TEXT NOT NULL,
      time TEXT NOT NULL
    )`);
    await tx.exec('CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor_type, actor_id, position)');
    await tx.exec('CREATE INDEX IF NOT EXISTS audit_log_project ON audit_log (project_id, position)');
    await tx.exec('CREATE INDEX IF NOT EXISTS audit_log_type ON audit_log (type, position)');
    await tx.exec('CREATE INDEX IF NOT EXISTS audit_log_time ON audit_log (time)');
  },

  async apply(tx: SqlExecutor, event: RecordedEvent) {
    const m = event.metadata;
    await tx.query(
      `INSERT INTO audit_log (position, event_id, type, stream_id, stream_version, project_id, actor_type, actor_id, request_id, correlation_id, time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (position) DO NOTHING`,
      [event.position, event.id, event.type, event.streamId, event.streamVersion, m.projectId ?? null, m.actor.type, m.actor.id,
        m.requestId ?? null, m.correlationId, m.time],
    );
  },
};
