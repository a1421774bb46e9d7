import type { SessionRevokeReason } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A row of `sessions` (the `identity` read model): one refresh-token family. */
@Entity('sessions')
@Index('sessions_user', ['userId'])
export class SessionRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'user_id' }) userId!: string;
  /** The generation of the only refresh token still usable. */
  @Column('integer') generation!: number;
  @Column('text') status!: 'active' | 'revoked';
  @Column('text', { name: 'started_at' }) startedAt!: string;
  @Column('text', { name: 'expires_at' }) expiresAt!: string;
  @Column('text', { name: 'revoked_reason', nullable: true }) revokedReason!: SessionRevokeReason | null;
}
