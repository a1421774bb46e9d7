import type { ModelArchitecture, ModelLineage } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

const position = { transformer: { from: (v: string | number | null) => (v === null ? null : Number(v)), to: (v: number | null) => v } };

/** A registered model (trained or imported); built-ins are folders, never rows. */
@Entity('models')
@Index('models_project', ['projectId', 'archived', 'name'])
export class ModelRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text') name!: string;
  @Column('text') source!: 'training' | 'import';
  @Column('text', { nullable: true }) description!: string | null;
  /** The folder, relative to MODELS_DIR. */
  @Column('text') path!: string;
  @Column('text', { name: 'weights_sha256' }) weightsSha256!: string;
  @Column('simple-json') architecture!: ModelArchitecture;
  @Column('simple-json') lineage!: ModelLineage;
  @Column('simple-json') metrics!: Record<string, number>;
  @Column('boolean') archived!: boolean;
  @Column('text', { name: 'training_run_id', nullable: true }) trainingRunId!: string | null;
  @Column('text', { name: 'created_at' }) createdAt!: string;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @Column('integer') version!: number;
  @Column('bigint', position) position!: number;
}

/** A tag names at most one model of a project: tagging another model moves it there. */
@Entity('model_tags')
@Index('model_tags_model', ['modelId'])
export class ModelTagRecord {
  @PrimaryColumn('text', { name: 'project_id' }) projectId!: string;
  @PrimaryColumn('text') tag!: string;
  @Column('text', { name: 'model_id' }) modelId!: string;
  @Column('bigint', position) position!: number;
}

export const MODEL_ENTITIES = [ModelRecord, ModelTagRecord];
