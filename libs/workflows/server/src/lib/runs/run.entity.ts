import type { RunStatus, RunView } from '@camel/contracts';
import type { Run } from '@camel/workflows';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A row of the `runs` read model. `state` is the run's folded domain state (what `evolveRun` makes of
 * its stream), so the projection and the worker agree by construction; `view` is what the API shows.
 */
@Entity('runs')
@Index('runs_project_created', ['projectId', 'createdAt'])
@Index('runs_status', ['status'])
export class RunRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text') workflow!: string;
  @Column('text') status!: RunStatus;
  /** The run stream's version after the last event applied. */
  @Column('integer') version!: number;
  @Column('text', { name: 'created_at' }) createdAt!: string;
  @Column('text', { name: 'updated_at' }) updatedAt!: string;
  @Column('simple-json') view!: RunView;
  @Column('simple-json') state!: Run;
}
