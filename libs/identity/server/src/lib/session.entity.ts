import type { SessionRevokeReason } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A row of `sessions` (the `identity` read model): one refresh-token family, as its stream records
 * it (sign-in, end). Its refresh token's generation is not here: the `refresh_tokens` credential
 * table keeps it (rotations are not events).
 */
@Entity('sessions')
@Index('sessions_user', ['userId'])
export class SessionRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'user_id' }) userId!: string;
  @Column('text') status!: 'active' | 'revoked';
  @Column('text', { name: 'started_at' }) startedAt!: string;
  /** The refresh expiry the sign-in gave (each rotation extends it in `refresh_tokens`). */
  @Column('text', { name: 'expires_at' }) expiresAt!: string;
  @Column('text', { name: 'revoked_reason', nullable: true }) revokedReason!: SessionRevokeReason | null;
}
