import type { DomainEvent } from './event-envelope';

/**
 * Annotation events: what people (and judge agents) said about log entries. These are the
 * interface between the annotations context (which records them), the datasets context (which
 * turns them into preference pairs) and webhooks (which announce them). REST shapes of the
 * annotations context live beside these in this file.
 *
 * Entries are the logs explorer's entries (`LogEntryView.id`, `<runId>:<turnId>` or
 * `<runId>:<alternativeId>`). An annotation belongs to one annotator and one entry, and to one
 * queue item when it was made in a queue; its stream holds its whole edit history.
 */
export const ANNOTATION_STREAM_TYPE = 'annotation';
export const annotationStreamId = (annotationId: string): string => `annotation-${annotationId}`;
export const ANNOTATION_QUEUE_STREAM_TYPE = 'annotation-queue';
export const annotationQueueStreamId = (queueId: string): string => `annotation-queue-${queueId}`;
export const LABEL_SET_STREAM_TYPE = 'label-set';
export const labelSetStreamId = (projectId: string): string => `label-set-${projectId}`;

/** Pairwise: A is the annotated entry, B the alternative it is compared with. */
export const PREFERENCE_CHOICES = ['A', 'B', 'equal', 'both_bad'] as const;
export type PreferenceChoice = (typeof PREFERENCE_CHOICES)[number];

export const ANNOTATION_FLAGS = ['unsafe', 'broken'] as const;
export type AnnotationFlag = (typeof ANNOTATION_FLAGS)[number];

/** Every field optional; a submitted annotation has at least one. */
export interface AnnotationValue {
  /** On the queue's scale (outside a queue: 1–5). */
  readonly rating?: number;
  readonly rationale?: string;
  /** Names from the project's label set. */
  readonly tags?: readonly string[];
  /** An edited, better response: it becomes `chosen`, the entry's content `rejected`. */
  readonly correction?: string;
  /** Between the entry (A) and one of its alternatives (B): the alternative's entry id. */
  readonly preference?: { readonly alternativeEntryId: string; readonly choice: PreferenceChoice };
  readonly flags?: readonly AnnotationFlag[];
}

export interface AnnotationTarget {
  readonly annotationId: string;
  readonly projectId: string;
  readonly entryId: string;
  readonly runId: string;
  /** The queue item it answers, when made in a queue. */
  readonly queueId: string | null;
  readonly itemId: string | null;
}

export type AnnotationSubmitted = DomainEvent<
  'AnnotationSubmitted',
  AnnotationTarget & {
    /** The user who annotated. */
    readonly annotator: string;
    readonly value: AnnotationValue;
    /** The judge suggestion it started from, when the annotator accepted or edited one. */
    readonly fromSuggestion: string | null;
    /** True for a queue item's submission beyond its required responses (kept, not counted). */
    readonly extra: boolean;
  }
>;
/** A new value replacing the previous one (the stream keeps every earlier value). */
export type AnnotationRevised = DomainEvent<'AnnotationRevised', { readonly annotationId: string; readonly value: AnnotationValue }>;
export type AnnotationWithdrawn = DomainEvent<'AnnotationWithdrawn', { readonly annotationId: string; readonly reason: string | null }>;

export interface Label {
  readonly name: string;
  readonly description?: string;
  readonly color?: string;
}
export type LabelSetDefined = DomainEvent<'LabelSetDefined', { readonly projectId: string; readonly labels: readonly Label[] }>;

export type AnnotationEvent = AnnotationSubmitted | AnnotationRevised | AnnotationWithdrawn;
export const ANNOTATION_EVENT_TYPES: readonly AnnotationEvent['type'][] = ['AnnotationSubmitted', 'AnnotationRevised', 'AnnotationWithdrawn'];

/**
 * Queue events that other contexts rely on (the annotations context defines the rest of the queue's
 * events in its own domain). `QueueItemCompleted` is appended when the item's N-th counted response
 * lands; `QueueItemAdjudicated` carries a reviewer's final value, which replaces the annotators'
 * answers for datasets.
 */
export type QueueItemCompleted = DomainEvent<
  'QueueItemCompleted',
  { readonly queueId: string; readonly projectId: string; readonly itemId: string; readonly entryId: string; readonly annotationIds: readonly string[] }
>;
export type QueueItemAdjudicated = DomainEvent<
  'QueueItemAdjudicated',
  {
    readonly queueId: string;
    readonly projectId: string;
    readonly itemId: string;
    readonly entryId: string;
    readonly decidedBy: string;
    readonly value: AnnotationValue;
    readonly note: string | null;
  }
>;
