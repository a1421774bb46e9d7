import { AUDIT_BOOKKEEPING_TYPES, type RecordedEvent } from '@camel/contracts';
import { compiledStatement, type ReadModelProjection } from '@camel/server';
import type { EntityManager } from 'typeorm';
import { AuditEntryRecord } from './audit-entry.entity';

const COLUMNS = [
  'position',
  'eventId',
  'type',
  'streamId',
  'streamVersion',
  'projectId',
  'actorType',
  'actorId',
  'requestId',
  'correlationId',
  'time',
] as const;

// Every event of the log passes here: the insert is built once (docs/benchmarks/read-models.md).
const insertEntry = compiledStatement(COLUMNS, (manager, param) =>
  manager
    .createQueryBuilder()
    .insert()
    .into(AuditEntryRecord)
    .values(Object.fromEntries(COLUMNS.map((column) => [column, param(column)])))
    .orIgnore(),
);

const BOOKKEEPING: ReadonlySet<string> = new Set(AUDIT_BOOKKEEPING_TYPES);
/** 11 columns a row: well under SQLite's and PostgreSQL's bound-parameter limits. */
const ROWS_PER_INSERT = 500;

const entryOf = (event: RecordedEvent) => {
  const m = event.metadata;
  return {
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
  };
};

/**
 * Who did what, when: one row per action of the log (every type but bookkeeping: token rotations,
 * `AUDIT_BOOKKEEPING_TYPES`), with the actor and request from its metadata. Event data is not
 * copied: the audit trail names actions, the log holds their content.
 */
export const auditProjection: ReadModelProjection = {
  name: 'audit',
  // 3: token rotations (SessionRefreshed) left out.
  version: 3,
  entities: [AuditEntryRecord],

  async apply(manager: EntityManager, event: RecordedEvent) {
    if (BOOKKEEPING.has(event.type)) return;
    await insertEntry(manager, entryOf(event));
  },

  /** A batch's entries in one multi-row insert (in chunks of 500), a single one through the compiled statement. */
  async applyBatch(manager: EntityManager, events: readonly RecordedEvent[]) {
    const entries = events.filter((event) => !BOOKKEEPING.has(event.type)).map(entryOf);
    if (entries.length === 1) return insertEntry(manager, entries[0]);
    for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
      await manager.createQueryBuilder().insert().into(AuditEntryRecord).values(entries.slice(i, i + ROWS_PER_INSERT)).orIgnore().updateEntity(false).execute();
    }
  },
};
