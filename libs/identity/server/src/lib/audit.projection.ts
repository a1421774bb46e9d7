import type { RecordedEvent } from '@camel/contracts';
import type { ReadModelProjection } from '@camel/server';
import type { EntityManager } from 'typeorm';
import { AuditEntryRecord } from './audit-entry.entity';

/**
 * Who did what, when: one row per event of the log (every type), with the actor and request from
 * its metadata. Event data is not copied: the audit trail names actions, the log holds their content.
 */
export const auditProjection: ReadModelProjection = {
  name: 'audit',
  version: 2,
  entities: [AuditEntryRecord],

  async apply(manager: EntityManager, event: RecordedEvent) {
    const m = event.metadata;
    await manager
      .createQueryBuilder()
      .insert()
      .into(AuditEntryRecord)
      .values({
        position: event.position,
        eventId: event.id,
        type: event.type,
        streamId: event.streamId,
        streamVersion: event.streamVersion,
        projectId: m.projectId ?? null,
        actorType: m.actor.type,
        actorId: m.actor.id,
        requestId: m.requestId ?? null,
        correlationId: m.correlationId,
        time: m.time,
      })
      .orIgnore()
      .execute();
  },
};
