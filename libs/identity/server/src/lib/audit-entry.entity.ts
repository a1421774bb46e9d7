import type { Actor } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A row of `audit_log` (the `audit` read model): one per event of the log, its actor and request. */
@Entity('audit_log')
@Index('audit_log_actor', ['actorType', 'actorId', 'position'])
@Index('audit_log_project', ['projectId', 'position'])
@Index('audit_log_type', ['type', 'position'])
@Index('audit_log_time', ['time'])
export class AuditEntryRecord {
  /** The event's position: the page key (newest first). */
  @PrimaryColumn('bigint') position!: number;
  @Column('text', { name: 'event_id' }) eventId!: string;
  @Column('text') type!: string;
  @Column('text', { name: 'stream_id' }) streamId!: string;
  @Column('integer', { name: 'stream_version' }) streamVersion!: number;
  @Column('text', { name: 'project_id', nullable: true }) projectId!: string | null;
  @Column('text', { name: 'actor_type' }) actorType!: Actor['type'];
  @Column('text', { name: 'actor_id' }) actorId!: string;
  @Column('text', { name: 'request_id', nullable: true }) requestId!: string | null;
  @Column('text', { name: 'correlation_id' }) correlationId!: string;
  @Column('text') time!: string;
}
