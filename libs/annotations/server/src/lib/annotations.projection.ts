import {
  ANNOTATION_EVENT_TYPES,
  ANNOTATION_QUEUE_EVENT_TYPES,
  type AnnotationEvent,
  type AnnotationQueueEvent,
  type LabelSetDefined,
  type QueueItemEvent,
  type RecordedEvent,
} from '@camel/contracts';
import type { ReadModelProjection } from '@camel/server';
import type { EntityManager } from 'typeorm';
import {
  ANNOTATION_ENTITIES,
  AnnotationRecord,
  AnnotationRevisionRecord,
  ItemMarkRecord,
  LabelSetRecord,
  QueueItemRecord,
  QueueRecord,
  ReservationRecord,
  SuggestionRecord,
} from './annotation.entities';

type Event = AnnotationEvent | AnnotationQueueEvent | QueueItemEvent | LabelSetDefined;

const ROWS_PER_INSERT = 200;

async function bump(manager: EntityManager, queueId: string, column: 'completedCount' | 'adjudicatedCount' | 'responseCount' | 'removedCount', by = 1) {
  await manager.increment(QueueRecord, { id: queueId }, column, by);
}

async function mark(manager: EntityManager, data: { itemId: string; queueId: string; annotator: string }, value: ItemMarkRecord['mark']) {
  await manager.getRepository(ItemMarkRecord).upsert({ itemId: data.itemId, annotator: data.annotator, queueId: data.queueId, mark: value }, ['itemId', 'annotator']);
}

async function applyAnnotation(manager: EntityManager, event: AnnotationEvent, recorded: RecordedEvent) {
  const annotations = manager.getRepository(AnnotationRecord);
  const revisions = manager.getRepository(AnnotationRevisionRecord);
  const at = recorded.metadata.time;
  switch (event.type) {
    case 'AnnotationSubmitted': {
      const d = event.data;
      await annotations.upsert(
        {
          id: d.annotationId,
          projectId: d.projectId,
          entryId: d.entryId,
          runId: d.runId,
          queueId: d.queueId,
          itemId: d.itemId,
          annotator: d.annotator,
          value: d.value,
          fromSuggestion: d.fromSuggestion,
          extra: d.extra,
          withdrawn: false,
          revision: 1,
          createdAt: at,
          updatedAt: at,
        },
        ['id'],
      );
      await revisions.upsert({ annotationId: d.annotationId, revision: 1, value: d.value, at }, ['annotationId', 'revision']);
      return;
    }
    case 'AnnotationRevised': {
      const row = await annotations.findOneBy({ id: event.data.annotationId });
      if (!row) return;
      const revision = row.revision + 1;
      await annotations.update(row.id, { value: event.data.value, revision, updatedAt: at });
      await revisions.upsert({ annotationId: row.id, revision, value: event.data.value, at }, ['annotationId', 'revision']);
      return;
    }
    case 'AnnotationWithdrawn':
      await annotations.update(event.data.annotationId, { withdrawn: true, updatedAt: at });
      return;
  }
}

async function applyQueue(manager: EntityManager, event: AnnotationQueueEvent, recorded: RecordedEvent) {
  const queues = manager.getRepository(QueueRecord);
  switch (event.type) {
    case 'AnnotationQueueCreated': {
      const { queueId, projectId, ...rest } = event.data;
      await queues.upsert(
        { id: queueId, projectId, ...rest, createdAt: recorded.metadata.time, status: 'open', itemCount: 0, completedCount: 0, adjudicatedCount: 0, responseCount: 0, removedCount: 0 },
        ['id'],
      );
      return;
    }
    case 'AnnotationQueueUpdated': {
      const { queueId, projectId: _projectId, ...changes } = event.data;
      if (Object.keys(changes).length > 0) await queues.update(queueId, changes);
      return;
    }
    case 'AnnotationQueueClosed':
      await queues.update(event.data.queueId, { status: 'closed' });
      return;
    case 'AnnotationQueueReopened':
      await queues.update(event.data.queueId, { status: 'open' });
      return;
    case 'AnnotationQueueArchived':
      await queues.update(event.data.queueId, { status: 'archived' });
      return;
    case 'QueueItemsAdded': {
      const queue = await queues.findOneByOrFail({ id: event.data.queueId });
      const rows = event.data.items.map((item, index) => ({
        id: item.itemId,
        queueId: queue.id,
        projectId: queue.projectId,
        seq: queue.itemCount + index + 1,
        entryId: item.entryId,
        alternativeEntryId: item.alternativeEntryId,
        status: 'open' as const,
        responses: 0,
        extraResponses: 0,
        completedAt: null,
        adjudication: null,
        addedAtPosition: recorded.position,
      }));
      for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
        await manager.createQueryBuilder().insert().into(QueueItemRecord).values(rows.slice(at, at + ROWS_PER_INSERT)).orIgnore().execute();
      }
      await queues.update(queue.id, { itemCount: queue.itemCount + rows.length });
      return;
    }
  }
}

async function applyItem(manager: EntityManager, event: QueueItemEvent, recorded: RecordedEvent) {
  const items = manager.getRepository(QueueItemRecord);
  const reservations = manager.getRepository(ReservationRecord);
  const d = event.data;
  switch (event.type) {
    case 'QueueItemReserved':
      await reservations.upsert({ itemId: d.itemId, annotator: event.data.annotator, queueId: d.queueId, until: event.data.until }, ['itemId', 'annotator']);
      return;
    case 'QueueItemReleased':
      await reservations.delete({ itemId: d.itemId, annotator: event.data.annotator });
      return;
    case 'QueueItemSkipped':
      await reservations.delete({ itemId: d.itemId, annotator: event.data.annotator });
      await mark(manager, { ...d, annotator: event.data.annotator }, 'skipped');
      return;
    case 'QueueItemResponded':
      await reservations.delete({ itemId: d.itemId, annotator: event.data.annotator });
      await mark(manager, { ...d, annotator: event.data.annotator }, event.data.counted ? 'responded' : 'extra');
      await items.increment({ id: d.itemId }, event.data.counted ? 'responses' : 'extraResponses', 1);
      if (event.data.counted) await bump(manager, d.queueId, 'responseCount');
      return;
    case 'QueueItemCompleted':
      await reservations.delete({ itemId: d.itemId });
      await items.update(d.itemId, { status: 'completed', completedAt: recorded.metadata.time });
      await bump(manager, d.queueId, 'completedCount');
      return;
    case 'QueueItemAdjudicated':
      await items.update(d.itemId, { status: 'adjudicated', adjudication: { decidedBy: event.data.decidedBy, value: event.data.value, note: event.data.note } });
      await bump(manager, d.queueId, 'adjudicatedCount');
      return;
    case 'QueueItemSuggested':
      await manager.getRepository(SuggestionRecord).upsert(
        { itemId: d.itemId, id: event.data.suggestionId, agent: event.data.agent, model: event.data.model, value: event.data.value, createdAt: recorded.metadata.time },
        ['itemId'],
      );
      return;
    case 'QueueItemSuggestionFailed':
      return;
    case 'QueueItemRemoved':
      await reservations.delete({ itemId: d.itemId });
      await items.update(d.itemId, { status: 'removed' });
      await bump(manager, d.queueId, 'removedCount');
      return;
    case 'QueueItemResponseWithdrawn':
      // The item is open to the annotator again: their mark goes, the counts step back.
      await manager.getRepository(ItemMarkRecord).delete({ itemId: d.itemId, annotator: event.data.annotator });
      await items.decrement({ id: d.itemId }, event.data.counted ? 'responses' : 'extraResponses', 1);
      if (event.data.counted) await bump(manager, d.queueId, 'responseCount', -1);
      return;
  }
}

const QUEUE_EVENTS = new Set(['AnnotationQueueCreated', 'AnnotationQueueUpdated', 'QueueItemsAdded', 'AnnotationQueueClosed', 'AnnotationQueueReopened', 'AnnotationQueueArchived']);

/** The annotations context's read model: label sets, annotations with history, queues, items, reservations, marks, suggestions. */
export const annotationsProjection: ReadModelProjection = {
  name: 'annotations',
  // 3: index annotation_queue_items_started (next-item finishes started items first).
  version: 3,
  entities: ANNOTATION_ENTITIES,
  eventTypes: [...ANNOTATION_EVENT_TYPES, ...ANNOTATION_QUEUE_EVENT_TYPES, 'LabelSetDefined'],

  async apply(manager: EntityManager, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as Event;
    if (event.type === 'LabelSetDefined') {
      await manager.getRepository(LabelSetRecord).upsert({ projectId: event.data.projectId, labels: [...event.data.labels] }, ['projectId']);
    } else if ((ANNOTATION_EVENT_TYPES as readonly string[]).includes(event.type)) {
      await applyAnnotation(manager, event as AnnotationEvent, recorded);
    } else if (QUEUE_EVENTS.has(event.type)) {
      await applyQueue(manager, event as AnnotationQueueEvent, recorded);
    } else {
      await applyItem(manager, event as QueueItemEvent, recorded);
    }
  },
};
