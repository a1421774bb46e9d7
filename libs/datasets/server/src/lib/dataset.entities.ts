import type { AnnotationValue, DatasetCounts, DatasetLineage, DatasetSelection, DatasetSplit, DatasetSplitSpec, PairSource } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

const position = { transformer: { from: (v: string | number | null) => (v === null ? null : Number(v)), to: (v: number | null) => v } };

/** An annotation as the datasets context needs it: what it is about (its values are below, with history). */
@Entity('dataset_annotations')
@Index('dataset_annotations_project', ['projectId', 'position'])
@Index('dataset_annotations_item', ['queueId', 'itemId'])
export class DatasetAnnotationRecord {
  @PrimaryColumn('text', { name: 'annotation_id' }) annotationId!: string;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text', { name: 'entry_id' }) entryId!: string;
  @Column('text', { name: 'run_id' }) runId!: string;
  @Column('text', { name: 'queue_id', nullable: true }) queueId!: string | null;
  @Column('text', { name: 'item_id', nullable: true }) itemId!: string | null;
  /** A queue item's submission beyond its required responses: kept, never counted. */
  @Column('boolean') extra!: boolean;
  /** Position of its submission. */
  @Column('bigint', position) position!: number;
}

/**
 * Every value an annotation had, with the position it got it at (null value: withdrawn), so a
 * snapshot reads the answers exactly as they were at its log position.
 */
@Entity('dataset_annotation_values')
@Index('dataset_annotation_values_annotation', ['annotationId', 'position'])
export class DatasetAnnotationValueRecord {
  @PrimaryColumn('bigint', position) position!: number;
  @Column('text', { name: 'annotation_id' }) annotationId!: string;
  @Column('simple-json', { nullable: true }) value!: AnnotationValue | null;
}

/** Queue item completions and adjudications, with their positions. */
@Entity('dataset_queue_item_events')
@Index('dataset_queue_item_events_queue', ['queueId', 'position'])
@Index('dataset_queue_item_events_project', ['projectId', 'position'])
export class DatasetQueueItemRecord {
  @PrimaryColumn('bigint', position) position!: number;
  @Column('text') kind!: 'completed' | 'adjudicated';
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text', { name: 'queue_id' }) queueId!: string;
  @Column('text', { name: 'item_id' }) itemId!: string;
  @Column('text', { name: 'entry_id' }) entryId!: string;
  /** Completed: the item's counted annotations. */
  @Column('simple-json', { name: 'annotation_ids', nullable: true }) annotationIds!: string[] | null;
  /** Adjudicated: the reviewer's final value. */
  @Column('simple-json', { nullable: true }) value!: AnnotationValue | null;
}

/** One version of a dataset. */
@Entity('dataset_versions')
@Index('dataset_versions_project', ['projectId', 'name'])
export class DatasetVersionRecord {
  @PrimaryColumn('text', { name: 'dataset_id' }) datasetId!: string;
  @PrimaryColumn('integer') version!: number;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text') name!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text') origin!: 'snapshot' | 'import';
  @Column('simple-json', { nullable: true }) selection!: DatasetSelection | null;
  @Column({ type: 'bigint', name: 'log_position', nullable: true, transformer: position.transformer }) logPosition!: number | null;
  @Column('simple-json') split!: DatasetSplitSpec;
  @Column('text', { name: 'content_hash' }) contentHash!: string;
  @Column('simple-json') counts!: DatasetCounts;
  @Column('simple-json') lineage!: DatasetLineage;
  @Column('text', { name: 'created_at' }) createdAt!: string;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  /** Position of the event that made it. */
  @Column('bigint', position) position!: number;
}

/** The pairs of a version, in export order (`idx`): exports page through them by key. */
@Entity('dataset_pairs')
@Index('dataset_pairs_split', ['datasetId', 'version', 'split', 'idx'])
export class DatasetPairRecord {
  @PrimaryColumn('text', { name: 'dataset_id' }) datasetId!: string;
  @PrimaryColumn('integer') version!: number;
  @PrimaryColumn('integer') idx!: number;
  @Column('text') split!: DatasetSplit;
  /** The prompt's messages as JSON text (stable key order). */
  @Column('text') prompt!: string;
  @Column('text') chosen!: string;
  @Column('text') rejected!: string;
  @Column('text') source!: PairSource;
  @Column('text', { name: 'entry_id', nullable: true }) entryId!: string | null;
  @Column('simple-json', { name: 'annotation_ids' }) annotationIds!: string[];
}

export const DATASET_ENTITIES = [DatasetAnnotationRecord, DatasetAnnotationValueRecord, DatasetQueueItemRecord, DatasetVersionRecord, DatasetPairRecord];
