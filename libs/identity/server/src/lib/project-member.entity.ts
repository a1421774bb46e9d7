import type { ProjectRole } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A row of `project_members` (the `identity` read model): a user's role in a project. */
@Entity('project_members')
@Index('project_members_user', ['userId'])
export class ProjectMemberRecord {
  @PrimaryColumn('text', { name: 'project_id' }) projectId!: string;
  @PrimaryColumn('text', { name: 'user_id' }) userId!: string;
  @Column('text') role!: ProjectRole;
  @Column('text', { name: 'added_at' }) addedAt!: string;
  @Column('text', { name: 'updated_at' }) updatedAt!: string;
}
