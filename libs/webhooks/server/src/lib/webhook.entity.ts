import type { WebhookEventKind } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

const bigintNumber = { from: (v: string | number | null) => (v === null ? null : Number(v)), to: (v: number | null) => v };

/** A registered webhook (the registry read model; its secret is in the credential table, never here). */
@Entity('webhooks')
@Index('webhooks_project', ['projectId', 'registeredPosition'])
export class WebhookRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text') url!: string;
  @Column('simple-json') events!: WebhookEventKind[];
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column('text', { name: 'created_at' }) createdAt!: string;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  /** Events after this position are delivered … */
  @Column({ type: 'bigint', name: 'registered_position', transformer: bigintNumber }) registeredPosition!: number;
  /** … up to this one (null: still active). */
  @Column({ type: 'bigint', name: 'removed_position', nullable: true, transformer: bigintNumber }) removedPosition!: number | null;
}
