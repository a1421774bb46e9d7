import type { DomainEvent } from './event-envelope';
import type { LogFilter } from './runs-api';
import type { LogEntryDetail, LogEntryView } from './workflows';

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
    /** Made in a blind queue before its item completed: the live gateway sends it to its annotator and managers only. */
    readonly blind?: boolean;
  }
>;
/** A new value replacing the previous one (the stream keeps every earlier value). */
export type AnnotationRevised = DomainEvent<
  'AnnotationRevised',
  { readonly annotationId: string; readonly value: AnnotationValue; readonly annotator?: string; readonly projectId?: string; readonly blind?: boolean }
>;
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

// ───────────────────────── queue, item and suggestion events (annotations context) ─────────────────────────

export const ANNOTATION_QUEUE_ITEM_STREAM_TYPE = 'annotation-queue-item';
/** Every queue item has its own stream (reservations, responses, completion): deciding on one item never loads the queue. */
export const annotationQueueItemStreamId = (itemId: string): string => `annotation-queue-item-${itemId}`;

export const QUEUE_KINDS = ['single', 'pairwise'] as const;
/** `single`: one entry per item (rating, tags, correction…); `pairwise`: an entry and one of its alternatives. */
export type QueueKind = (typeof QUEUE_KINDS)[number];

export interface RatingScale {
  readonly min: number;
  readonly max: number;
}
export const DEFAULT_RATING_SCALE: RatingScale = { min: 1, max: 5 };
export const RATING_SCALE_MAX = 10;
export const DEFAULT_RESERVATION_SECONDS = 300;
export const RESPONSES_REQUIRED_MAX = 20;

/** Who works a queue: named users, or every member holding the annotator role in the project. */
export type QueueAssignees = { readonly kind: 'users'; readonly userIds: readonly string[] } | { readonly kind: 'role' };

/** A judge agent of the project's latest config pre-fills a suggestion per item. */
export interface QueueSuggestions {
  readonly agent: string;
}

export interface QueueSettings {
  readonly name: string;
  readonly description: string | null;
  readonly kind: QueueKind;
  readonly ratingScale: RatingScale;
  /** The item completes at exactly this many counted responses. */
  readonly responsesRequired: number;
  readonly reservationSeconds: number;
  /** Other annotators' answers are withheld until the item completes. */
  readonly blind: boolean;
  readonly assignees: QueueAssignees;
  readonly suggestions: QueueSuggestions | null;
}

export type AnnotationQueueCreated = DomainEvent<'AnnotationQueueCreated', { readonly queueId: string; readonly projectId: string; readonly createdBy: string } & QueueSettings>;
export type AnnotationQueueUpdated = DomainEvent<
  'AnnotationQueueUpdated',
  { readonly queueId: string; readonly projectId: string } & Partial<Pick<QueueSettings, 'name' | 'description' | 'reservationSeconds' | 'assignees'>>
>;
export interface QueueItemRef {
  readonly itemId: string;
  readonly entryId: string;
  /** Pairwise: the alternative compared with the entry. */
  readonly alternativeEntryId: string | null;
}
/** Items appended to a queue (deduplicated against every earlier add; at most 1000 per event). */
export type QueueItemsAdded = DomainEvent<'QueueItemsAdded', { readonly queueId: string; readonly projectId: string; readonly items: readonly QueueItemRef[] }>;

/** The queue's lifecycle: `open` hands out items; `closed` hands out none (answers kept; reopen takes it back); `archived` is final and leaves the lists. */
export const QUEUE_STATUSES = ['open', 'closed', 'archived'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];
export type AnnotationQueueClosed = DomainEvent<'AnnotationQueueClosed', { readonly queueId: string; readonly projectId: string; readonly by: string }>;
export type AnnotationQueueReopened = DomainEvent<'AnnotationQueueReopened', { readonly queueId: string; readonly projectId: string; readonly by: string }>;
export type AnnotationQueueArchived = DomainEvent<'AnnotationQueueArchived', { readonly queueId: string; readonly projectId: string; readonly by: string }>;

interface ItemEventBase {
  readonly queueId: string;
  readonly projectId: string;
  readonly itemId: string;
}
/** An annotator holds one of the item's open slots until `until` (lazy expiry: past it, the slot is free again). */
export type QueueItemReserved = DomainEvent<'QueueItemReserved', ItemEventBase & { readonly annotator: string; readonly until: string }>;
export type QueueItemReleased = DomainEvent<'QueueItemReleased', ItemEventBase & { readonly annotator: string }>;
export type QueueItemSkipped = DomainEvent<'QueueItemSkipped', ItemEventBase & { readonly annotator: string }>;
/** A response landed on the item (the value is in the annotation's stream); `counted` false = extra. */
export type QueueItemResponded = DomainEvent<'QueueItemResponded', ItemEventBase & { readonly annotationId: string; readonly annotator: string; readonly counted: boolean }>;
/** A judge agent's suggestion: never a response, never counted. */
export type QueueItemSuggested = DomainEvent<
  'QueueItemSuggested',
  ItemEventBase & { readonly suggestionId: string; readonly entryId: string; readonly agent: string; readonly model: string | null; readonly value: AnnotationValue }
>;
export type QueueItemSuggestionFailed = DomainEvent<'QueueItemSuggestionFailed', ItemEventBase & { readonly agent: string; readonly error: string }>;
/** An item nobody answered taken out of the queue (it is never offered again; its key stays taken). */
export type QueueItemRemoved = DomainEvent<'QueueItemRemoved', ItemEventBase & { readonly by: string }>;
/** An annotator took their answer back before the item completed (the annotation's stream records AnnotationWithdrawn with it). */
export type QueueItemResponseWithdrawn = DomainEvent<'QueueItemResponseWithdrawn', ItemEventBase & { readonly annotationId: string; readonly annotator: string; readonly counted: boolean }>;

export type AnnotationQueueEvent =
  | AnnotationQueueCreated
  | AnnotationQueueUpdated
  | QueueItemsAdded
  | AnnotationQueueClosed
  | AnnotationQueueReopened
  | AnnotationQueueArchived;
export type QueueItemEvent =
  | QueueItemReserved
  | QueueItemReleased
  | QueueItemSkipped
  | QueueItemResponded
  | QueueItemCompleted
  | QueueItemAdjudicated
  | QueueItemSuggested
  | QueueItemSuggestionFailed
  | QueueItemRemoved
  | QueueItemResponseWithdrawn;
export const ANNOTATION_QUEUE_EVENT_TYPES: readonly string[] = [
  'AnnotationQueueCreated',
  'AnnotationQueueUpdated',
  'QueueItemsAdded',
  'QueueItemReserved',
  'QueueItemReleased',
  'QueueItemSkipped',
  'QueueItemResponded',
  'QueueItemCompleted',
  'QueueItemAdjudicated',
  'QueueItemSuggested',
  'QueueItemSuggestionFailed',
  'AnnotationQueueClosed',
  'AnnotationQueueReopened',
  'AnnotationQueueArchived',
  'QueueItemRemoved',
  'QueueItemResponseWithdrawn',
];

// ───────────────────────── REST shapes ─────────────────────────
/*
 * Routes (docs/api.md lists them with their permissions):
 *
 *   GET  /api/projects/:id/label-set                                   → LabelSetView
 *   PUT  /api/projects/:id/label-set                DefineLabelSetRequest → 200 CommandAccepted
 *   POST /api/projects/:id/annotations              SubmitAnnotationRequest → 201 CommandAccepted (id = annotation id; outside a queue)
 *   GET  /api/projects/:id/annotations?entryId&queueId&itemId&annotator → AnnotationList (blind rule applied)
 *   GET  /api/projects/:id/annotations/:annotationId                   → AnnotationDetail (with its edit history)
 *   PUT  /api/projects/:id/annotations/:annotationId  ReviseAnnotationRequest → 200 CommandAccepted (the annotator only)
 *   POST /api/projects/:id/annotations/:annotationId/withdraw  WithdrawAnnotationRequest → 200 CommandAccepted
 *   POST /api/projects/:id/annotation-queues        CreateQueueRequest → 201 CreateQueueResult (id = queue id)
 *   GET  /api/projects/:id/annotation-queues                           → QueueList (annotators: the queues they are assigned to)
 *   GET  /api/projects/:id/annotation-queues/:queueId                  → QueueView
 *   PATCH /api/projects/:id/annotation-queues/:queueId  UpdateQueueRequest → 200 CommandAccepted
 *   DELETE /api/projects/:id/annotation-queues/:queueId                → 200 CommandAccepted (archives: final, the queue leaves the list)
 *   POST /api/projects/:id/annotation-queues/:queueId/close            → 200 CommandAccepted (no more next-item; answers kept)
 *   POST /api/projects/:id/annotation-queues/:queueId/reopen           → 200 CommandAccepted
 *   POST /api/projects/:id/annotation-queues/:queueId/items  AddQueueItemsRequest → 200 AddQueueItemsResult
 *   GET  /api/projects/:id/annotation-queues/:queueId/items?status&limit&after → QueueItemPage
 *   POST /api/projects/:id/annotation-queues/:queueId/next             → 200 NextItemResult (reserves the item for you)
 *   GET  /api/projects/:id/annotation-queues/:queueId/items/:itemId    → QueueItemWork
 *   DELETE /api/projects/:id/annotation-queues/:queueId/items/:itemId  → 200 CommandAccepted (an item nobody answered)
 *   POST /api/projects/:id/annotation-queues/:queueId/items/:itemId/responses  SubmitResponseRequest → 201 SubmitResponseResult
 *   POST /api/projects/:id/annotation-queues/:queueId/items/:itemId/skip       → 200 CommandAccepted
 *   POST /api/projects/:id/annotation-queues/:queueId/items/:itemId/release    → 200 CommandAccepted
 *   POST /api/projects/:id/annotation-queues/:queueId/items/:itemId/adjudicate AdjudicateRequest → 200 CommandAccepted
 *   GET  /api/projects/:id/annotation-queues/:queueId/progress         → QueueProgress
 *   GET  /api/projects/:id/annotation-queues/:queueId/agreement        → AgreementReport
 *
 * Permissions: reads `annotation:read` (annotators: only queues they are assigned to), annotating
 * `annotation:write` (in a queue: assigned annotators, and managers), creating/updating queues,
 * adding items, defining the label set and adjudicating `annotation:manage` (engineers, admins).
 * Live: every event above reaches the project topic; a blind queue's AnnotationSubmitted/Revised
 * (marked `blind`) reach only their annotator and managers.
 */

export const LABELS_MAX = 200;
export const LABEL_NAME_MAX_LENGTH = 64;
export const RATIONALE_MAX_LENGTH = 10_000;
export const CORRECTION_MAX_LENGTH = 100_000;
export const QUEUE_ITEMS_PER_ADD_MAX = 100_000;
export const QUEUE_ITEM_PAGE_MAX = 200;

export interface LabelSetView {
  readonly projectId: string;
  readonly labels: readonly Label[];
}
export interface DefineLabelSetRequest {
  readonly labels: readonly Label[];
}

export interface SubmitAnnotationRequest {
  readonly entryId: string;
  readonly value: AnnotationValue;
}
export interface ReviseAnnotationRequest {
  readonly value: AnnotationValue;
}
export interface WithdrawAnnotationRequest {
  readonly reason?: string;
}

export interface AnnotationView {
  readonly id: string;
  readonly projectId: string;
  readonly entryId: string;
  readonly runId: string;
  readonly queueId: string | null;
  readonly itemId: string | null;
  readonly annotator: string;
  readonly value: AnnotationValue;
  readonly fromSuggestion: string | null;
  readonly extra: boolean;
  readonly withdrawn: boolean;
  /** 1 for the submitted value, +1 per revision. */
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}
export interface AnnotationRevisionView {
  readonly revision: number;
  readonly value: AnnotationValue;
  readonly at: string;
}
export interface AnnotationDetail extends AnnotationView {
  /** Every value it held, oldest first (the last is `value`). */
  readonly history: readonly AnnotationRevisionView[];
}
export interface AnnotationList {
  readonly annotations: readonly AnnotationView[];
  /** How many answers of other annotators the blind rule withheld. */
  readonly withheld: number;
  readonly position: number;
}

/** Where a new queue's (or an add's) items come from: a logs filter, or entry ids. */
export type QueueItemSource =
  | { readonly filter: LogFilter }
  | { readonly entryIds: readonly string[] }
  /** Pairwise: explicit entry + alternative pairs. */
  | { readonly pairs: readonly { readonly entryId: string; readonly alternativeEntryId: string }[] };

export interface CreateQueueRequest {
  readonly name: string;
  readonly description?: string;
  readonly kind: QueueKind;
  /** Default 1–5. */
  readonly ratingScale?: RatingScale;
  /** Default 1. */
  readonly responsesRequired?: number;
  /** Default 300. */
  readonly reservationSeconds?: number;
  /** Default true. */
  readonly blind?: boolean;
  /** Default: every annotator of the project. */
  readonly assignees?: QueueAssignees;
  readonly suggestions?: QueueSuggestions | null;
  /** Items to add at once (optional; more with POST …/items). */
  readonly source?: QueueItemSource;
}
export interface UpdateQueueRequest {
  readonly name?: string;
  readonly description?: string | null;
  readonly reservationSeconds?: number;
  readonly assignees?: QueueAssignees;
}
export interface AddQueueItemsRequest {
  readonly source: QueueItemSource;
}
export interface AddQueueItemsResult {
  readonly added: number;
  /** Items already in the queue (or repeated in the request), not added again. */
  readonly duplicates: number;
  readonly position: number;
}
export interface CreateQueueResult extends AddQueueItemsResult {
  readonly id: string;
}

export interface QueueCounts {
  readonly items: number;
  readonly completed: number;
  readonly adjudicated: number;
  /** Counted responses over all items. */
  readonly responses: number;
  /** Items taken out of the queue (counted in `items`, never offered). */
  readonly removed: number;
}
export interface QueueView extends QueueSettings {
  readonly id: string;
  readonly projectId: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly status: QueueStatus;
  readonly counts: QueueCounts;
}
export interface QueueList {
  readonly queues: readonly QueueView[];
  readonly position: number;
}

export const QUEUE_ITEM_STATUSES = ['open', 'completed', 'adjudicated', 'removed'] as const;
export type QueueItemStatus = (typeof QUEUE_ITEM_STATUSES)[number];

export interface QueueItemView {
  readonly id: string;
  readonly queueId: string;
  /** 1-based order of addition. */
  readonly seq: number;
  readonly entryId: string;
  readonly alternativeEntryId: string | null;
  readonly status: QueueItemStatus;
  readonly responses: number;
  readonly extraResponses: number;
  /** Live reservations (expired ones are not listed). */
  readonly reservations: readonly { readonly annotator: string; readonly until: string }[];
  readonly completedAt: string | null;
  readonly adjudication: { readonly decidedBy: string; readonly value: AnnotationValue; readonly note: string | null } | null;
}
export interface QueueItemPage {
  readonly items: readonly QueueItemView[];
  readonly next: string | null;
}

export interface SuggestionView {
  readonly id: string;
  readonly agent: string;
  readonly model: string | null;
  readonly value: AnnotationValue;
  readonly createdAt: string;
}

/** Everything the Annotate page needs for one item. */
export interface QueueItemWork {
  readonly item: QueueItemView;
  readonly queue: QueueView;
  /** The entry with its prompt (the shared history above the compared answers). */
  readonly entry: LogEntryDetail;
  readonly alternative: LogEntryView | null;
  readonly suggestion: SuggestionView | null;
  /** Your own answer, if any. */
  readonly mine: AnnotationView | null;
  /** Other answers as the blind rule allows (empty in a blind queue until the item completes). */
  readonly others: readonly AnnotationView[];
  readonly withheld: number;
  /** Your reservation's end, when you hold one. */
  readonly reservedUntil: string | null;
}
export interface NextItemResult {
  /** null: nothing left for you in this queue. */
  readonly work: QueueItemWork | null;
}

export interface SubmitResponseRequest {
  readonly value: AnnotationValue;
  /** The suggestion id it started from, when you accepted or edited one. */
  readonly fromSuggestion?: string;
}
export interface SubmitResponseResult {
  /** The annotation id. */
  readonly id: string;
  readonly version: number;
  readonly position: number;
  /** Beyond the required responses: kept, not counted. */
  readonly extra: boolean;
  /** This response completed the item. */
  readonly completed: boolean;
}

export interface AdjudicateRequest {
  readonly value: AnnotationValue;
  readonly note?: string;
}

export interface AnnotatorProgress {
  readonly annotator: string;
  readonly responses: number;
  readonly extra: number;
  readonly skipped: number;
  /** Items they hold a live reservation on. */
  readonly reserved: number;
}
export interface QueueProgress {
  readonly queueId: string;
  readonly counts: QueueCounts;
  /** Counted responses / (items × responses required), 0–1. */
  readonly fraction: number;
  readonly annotators: readonly AnnotatorProgress[];
}

export type AgreementMetric = 'cohens_kappa' | 'krippendorff_alpha_nominal' | 'krippendorff_alpha_interval' | 'percent_agreement';
export interface AgreementStatistic {
  readonly metric: AgreementMetric;
  /** null when undefined for the data (e.g. every answer in one category, fewer than two raters per item). */
  readonly value: number | null;
}
export interface FieldAgreement {
  /**
   * `rating` (interval), `preference` (nominal), `flags` (nominal over the sorted flag set), and
   * `tag:<label>` per label some answer gave (nominal yes/no: the answer has the tag or not).
   */
  readonly field: 'rating' | 'preference' | 'flags' | `tag:${string}`;
  /** Items with at least two answers for the field. */
  readonly units: number;
  readonly annotators: number;
  readonly statistics: readonly AgreementStatistic[];
}
export interface Disagreement {
  readonly itemId: string;
  readonly entryId: string;
  readonly alternativeEntryId: string | null;
  readonly fields: readonly FieldAgreement['field'][];
  readonly answers: readonly { readonly annotationId: string; readonly annotator: string; readonly value: AnnotationValue }[];
  readonly adjudication: QueueItemView['adjudication'];
}
export interface AgreementReport {
  readonly queueId: string;
  readonly fields: readonly FieldAgreement[];
  readonly disagreements: readonly Disagreement[];
}
