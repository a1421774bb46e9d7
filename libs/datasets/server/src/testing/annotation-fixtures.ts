import {
  ANNOTATION_QUEUE_STREAM_TYPE,
  ANNOTATION_STREAM_TYPE,
  annotationQueueStreamId,
  annotationStreamId,
  type AnnotationQueueCreated,
  type AnnotationRevised,
  type AnnotationSubmitted,
  type AnnotationValue,
  type AnnotationWithdrawn,
  type QueueItemAdjudicated,
  type QueueItemCompleted,
} from '@camel/contracts';
import type { EventStore } from '@camel/event-store';
import { uuidv7 } from '@camel/kernel';

export interface AnnotationFixture {
  readonly projectId: string;
  readonly entryId: string;
  readonly value: AnnotationValue;
  readonly annotationId?: string;
  readonly annotator?: string;
  readonly queueId?: string;
  readonly itemId?: string;
  readonly extra?: boolean;
}

const metadata = (projectId: string, actor = 'annotations-fixture') => ({
  actor: { type: 'user' as const, id: actor },
  projectId,
  correlationId: uuidv7(),
  time: new Date().toISOString(),
});

async function append(store: EventStore, streamId: string, streamType: string, projectId: string, event: { type: string; data: unknown }): Promise<number> {
  const result = await store.append(streamId, [{ id: uuidv7(), ...event, metadata: metadata(projectId) }], { expectedVersion: 'any', streamType });
  return result.lastPosition;
}

const runIdOf = (entryId: string) => entryId.slice(0, entryId.indexOf(':'));

/** An `AnnotationSubmitted` as the annotations context records it; returns the annotation id and the event's position. */
export async function appendAnnotation(store: EventStore, fixture: AnnotationFixture): Promise<{ annotationId: string; position: number }> {
  const annotationId = fixture.annotationId ?? uuidv7();
  const event: AnnotationSubmitted = {
    type: 'AnnotationSubmitted',
    data: {
      annotationId,
      projectId: fixture.projectId,
      entryId: fixture.entryId,
      runId: runIdOf(fixture.entryId),
      queueId: fixture.queueId ?? null,
      itemId: fixture.itemId ?? null,
      annotator: fixture.annotator ?? 'user:annotator-1',
      value: fixture.value,
      fromSuggestion: null,
      extra: fixture.extra ?? false,
    },
  };
  const position = await append(store, annotationStreamId(annotationId), ANNOTATION_STREAM_TYPE, fixture.projectId, event);
  return { annotationId, position };
}

export function reviseAnnotation(store: EventStore, projectId: string, annotationId: string, value: AnnotationValue): Promise<number> {
  const event: AnnotationRevised = { type: 'AnnotationRevised', data: { annotationId, value } };
  return append(store, annotationStreamId(annotationId), ANNOTATION_STREAM_TYPE, projectId, event);
}

export function withdrawAnnotation(store: EventStore, projectId: string, annotationId: string): Promise<number> {
  const event: AnnotationWithdrawn = { type: 'AnnotationWithdrawn', data: { annotationId, reason: null } };
  return append(store, annotationStreamId(annotationId), ANNOTATION_STREAM_TYPE, projectId, event);
}

/** The `AnnotationQueueCreated` that opens a queue's stream (a pairwise queue for every annotator, 2 answers per item). */
export function createQueue(store: EventStore, data: { readonly queueId: string; readonly projectId: string; readonly name?: string }): Promise<number> {
  const event: AnnotationQueueCreated = {
    type: 'AnnotationQueueCreated',
    data: {
      queueId: data.queueId,
      projectId: data.projectId,
      createdBy: 'user:annotations-fixture',
      name: data.name ?? `queue ${data.queueId.slice(0, 8)}`,
      description: null,
      kind: 'pairwise',
      ratingScale: { min: 1, max: 5 },
      responsesRequired: 2,
      reservationSeconds: 300,
      blind: true,
      assignees: { kind: 'role' },
      suggestions: null,
    },
  };
  return append(store, annotationQueueStreamId(data.queueId), ANNOTATION_QUEUE_STREAM_TYPE, data.projectId, event);
}

export function completeQueueItem(store: EventStore, data: QueueItemCompleted['data']): Promise<number> {
  return append(store, annotationQueueStreamId(data.queueId), ANNOTATION_QUEUE_STREAM_TYPE, data.projectId, { type: 'QueueItemCompleted', data });
}

export function adjudicateQueueItem(store: EventStore, data: QueueItemAdjudicated['data']): Promise<number> {
  return append(store, annotationQueueStreamId(data.queueId), ANNOTATION_QUEUE_STREAM_TYPE, data.projectId, { type: 'QueueItemAdjudicated', data });
}
