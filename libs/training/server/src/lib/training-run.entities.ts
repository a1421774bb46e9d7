import type { LoraSettings, TrainingFailureCode, TrainingHyperparameters, TrainingMethod, TrainingRunStatus } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

const position = { transformer: { from: (v: string | number | null) => (v === null ? null : Number(v)), to: (v: number | null) => v } };

/** One training run as the list and detail show it. */
@Entity('training_runs')
@Index('training_runs_project', ['projectId', 'position'])
@Index('training_runs_status', ['status', 'position'])
export class TrainingRunRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text', { name: 'model_name' }) modelName!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text', { name: 'dataset_id' }) datasetId!: string;
  @Column('integer', { name: 'dataset_version' }) datasetVersion!: number;
  @Column('text', { name: 'dataset_content_hash' }) datasetContentHash!: string;
  @Column('text', { name: 'base_model_id' }) baseModelId!: string;
  @Column('text') method!: TrainingMethod;
  @Column('simple-json', { nullable: true }) lora!: LoraSettings | null;
  @Column('simple-json') hyperparameters!: TrainingHyperparameters;
  @Column('bigint', position) seed!: number;
  @Column('text') status!: TrainingRunStatus;
  @Column('integer', { name: 'total_steps', nullable: true }) totalSteps!: number | null;
  @Column('integer') step!: number;
  @Column('integer') epoch!: number;
  @Column('real', { name: 'tokens_per_second' }) tokensPerSecond!: number;
  @Column('integer', { name: 'eta_seconds', nullable: true }) etaSeconds!: number | null;
  @Column('simple-json') metrics!: Record<string, number>;
  @Column('integer', { name: 'checkpoint_step' }) checkpointStep!: number;
  @Column('text', { nullable: true }) backend!: string | null;
  @Column('integer') attempts!: number;
  @Column('text', { name: 'model_id', nullable: true }) modelId!: string | null;
  @Column('text', { name: 'failure_code', nullable: true }) failureCode!: TrainingFailureCode | null;
  @Column('text', { name: 'failure_message', nullable: true }) failureMessage!: string | null;
  @Column('simple-json', { nullable: true }) evaluation!: Record<string, number> | null;
  @Column('text', { name: 'created_at' }) createdAt!: string;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @Column('text', { name: 'started_at', nullable: true }) startedAt!: string | null;
  @Column('text', { name: 'finished_at', nullable: true }) finishedAt!: string | null;
  /** Position of its launch: the queue's order. */
  @Column('bigint', position) position!: number;
}

/** Every logged step of a run (the charts' history). */
@Entity('training_steps')
export class TrainingStepRecord {
  @PrimaryColumn('text', { name: 'run_id' }) runId!: string;
  @PrimaryColumn('integer') step!: number;
  @Column('integer') epoch!: number;
  @Column('simple-json') metrics!: Record<string, number>;
  @Column('real', { name: 'learning_rate' }) learningRate!: number;
  @Column('real', { name: 'tokens_per_second' }) tokensPerSecond!: number;
  @Column('text') at!: string;
}

export const TRAINING_ENTITIES = [TrainingRunRecord, TrainingStepRecord];
