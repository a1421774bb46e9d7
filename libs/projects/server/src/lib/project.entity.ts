import type { ProjectStatus } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A row of the `projects` read model: one per project, as the list and detail endpoints show it. */
@Entity('projects')
@Index('projects_status_created', ['status', 'createdAt'])
export class ProjectRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @Column('text') description!: string;
  @Column('text') status!: ProjectStatus;
  /** The project stream's version after the last event applied. */
  @Column('integer') version!: number;
  @Column('text', { name: 'created_at' }) createdAt!: string;
  @Column('text', { name: 'updated_at' }) updatedAt!: string;
  /** The creating actor as `type:id`. */
  @Column('text', { name: 'created_by' }) createdBy!: string;
}
