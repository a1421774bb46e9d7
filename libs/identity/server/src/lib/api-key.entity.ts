import type { ProjectRole } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A row of `api_keys` (the `identity` read model): what a key is, never the key (see credentials.ts). */
@Entity('api_keys')
@Index('api_keys_project', ['projectId', 'createdAt'])
export class ApiKeyRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text') name!: string;
  @Column('text') role!: ProjectRole;
  @Column('text') prefix!: string;
  @Column('text', { name: 'created_at' }) createdAt!: string;
  /** The creating actor as `type:id`. */
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @Column('text', { name: 'revoked_at', nullable: true }) revokedAt!: string | null;
  /** When the key stops working (null = until revoked); enforced from the credential table. */
  @Column('text', { name: 'expires_at', nullable: true }) expiresAt!: string | null;
}
