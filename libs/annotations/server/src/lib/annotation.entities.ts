import type { AnnotationValue, Label, QueueItemStatus, QueueKind, QueueAssignees, QueueStatus, QueueSuggestions, RatingScale } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

const bigint = { transformer: { from: (v: string | number) => Number(v), to: (v: number) => v } };

/** A project's label set (the tags an annotation may carry). */
@Entity('annotation_label_sets')
export class LabelSetRecord {
  @PrimaryColumn('text', { name: 'project_id' }) projectId!: string;
  @Column('simple-json') labels!: Label[];
}

/** One annotation with its current value (the revisions table keeps every value). */
@Entity('annotations')
@Index('annotations_entry', ['projectId', 'entryId'])
@Index('annotations_item', ['itemId'])
@Index('annotations_queue_annotator', ['queueId', 'annotator'])
export class AnnotationRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text', { name: 'entry_id' }) entryId!: string;
  @Column('text', { name: 'run_id' }) runId!: string;
  @Column('text', { name: 'queue_id', nullable: true }) queueId!: string | null;
  @Column('text', { name: 'item_id', nullable: true }) itemId!: string | null;
  @Column('text') annotator!: string;
  @Column('simple-json') value!: AnnotationValue;
  @Column('text', { name: 'from_suggestion', nullable: true }) fromSuggestion!: string | null;
  @Column('boolean') extra!: boolean;
  @Column('boolean', { default: false }) withdrawn!: boolean;
  @Column('integer') revision!: number;
  @Column('text', { name: 'created_at' }) createdAt!: string;
  @Column('text', { name: 'updated_at' }) updatedAt!: string;
}

@Entity('annotation_revisions')
export class AnnotationRevisionRecord {
  @PrimaryColumn('text', { name: 'annotation_id' }) annotationId!: string;
  @PrimaryColumn('integer') revision!: number;
  @Column('simple-json') value!: AnnotationValue;
  @Column('text') at!: string;
}

@Entity('annotation_queues')
@Index('annotation_queues_project', ['projectId', 'createdAt'])
export class QueueRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text') name!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text') kind!: QueueKind;
  @Column('simple-json', { name: 'rating_scale' }) ratingScale!: RatingScale;
  @Column('integer', { name: 'responses_required' }) responsesRequired!: number;
  @Column('integer', { name: 'reservation_seconds' }) reservationSeconds!: number;
  @Column('boolean') blind!: boolean;
  @Column('simple-json') assignees!: QueueAssignees;
  @Column('simple-json', { nullable: true }) suggestions!: QueueSuggestions | null;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @Column('text', { name: 'created_at' }) createdAt!: string;
  @Column('integer', { name: 'item_count', default: 0 }) itemCount!: number;
  @Column('integer', { name: 'completed_count', default: 0 }) completedCount!: number;
  @Column('integer', { name: 'adjudicated_count', default: 0 }) adjudicatedCount!: number;
  @Column('integer', { name: 'response_count', default: 0 }) responseCount!: number;
  @Column('integer', { name: 'removed_count', default: 0 }) removedCount!: number;
  @Column('text', { default: 'open' }) status!: QueueStatus;
}

/** One item of a queue; `next` reads it by (queue, status, seq). */
@Entity('annotation_queue_items')
@Index('annotation_queue_items_next', ['queueId', 'status', 'seq'])
@Index('annotation_queue_items_seq', ['queueId', 'seq'])
@Index('annotation_queue_items_started', ['queueId', 'status', 'responses'])
export class QueueItemRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'queue_id' }) queueId!: string;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('integer') seq!: number;
  @Column('text', { name: 'entry_id' }) entryId!: string;
  @Column('text', { name: 'alternative_entry_id', nullable: true }) alternativeEntryId!: string | null;
  @Column('text') status!: QueueItemStatus;
  /** Counted responses. */
  @Column('integer', { default: 0 }) responses!: number;
  @Column('integer', { name: 'extra_responses', default: 0 }) extraResponses!: number;
  @Column('text', { name: 'completed_at', nullable: true }) completedAt!: string | null;
  @Column('simple-json', { nullable: true }) adjudication!: { decidedBy: string; value: AnnotationValue; note: string | null } | null;
  @Column('bigint', { ...bigint, name: 'added_at_position' }) addedAtPosition!: number;
}

/** A reservation of an item slot (kept after expiry until replaced; queries compare `until` with now). */
@Entity('annotation_reservations')
@Index('annotation_reservations_queue_annotator', ['queueId', 'annotator', 'until'])
export class ReservationRecord {
  @PrimaryColumn('text', { name: 'item_id' }) itemId!: string;
  @PrimaryColumn('text') annotator!: string;
  @Column('text', { name: 'queue_id' }) queueId!: string;
  /** ISO-8601 UTC: compares as text on both engines. */
  @Column('text') until!: string;
}

/** What an annotator did with an item: answered (counted or extra) or skipped; `next` excludes these. */
@Entity('annotation_item_marks')
@Index('annotation_item_marks_queue_annotator', ['queueId', 'annotator', 'mark'])
export class ItemMarkRecord {
  @PrimaryColumn('text', { name: 'item_id' }) itemId!: string;
  @PrimaryColumn('text') annotator!: string;
  @Column('text', { name: 'queue_id' }) queueId!: string;
  @Column('text') mark!: 'responded' | 'extra' | 'skipped';
}

@Entity('annotation_suggestions')
export class SuggestionRecord {
  @PrimaryColumn('text', { name: 'item_id' }) itemId!: string;
  @Column('text') id!: string;
  @Column('text') agent!: string;
  @Column('text', { nullable: true }) model!: string | null;
  @Column('simple-json') value!: AnnotationValue;
  @Column('text', { name: 'created_at' }) createdAt!: string;
}

export const ANNOTATION_ENTITIES = [
  LabelSetRecord,
  AnnotationRecord,
  AnnotationRevisionRecord,
  QueueRecord,
  QueueItemRecord,
  ReservationRecord,
  ItemMarkRecord,
  SuggestionRecord,
];
