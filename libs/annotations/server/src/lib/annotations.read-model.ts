import {
  QUEUE_ITEM_PAGE_MAX,
  type AnnotationDetail,
  type AnnotationView,
  type AnnotatorProgress,
  type Label,
  type QueueItemStatus,
  type QueueItemView,
  type QueueView,
  type SuggestionView,
} from '@camel/contracts';
import { readProjectionPosition, type EventStore } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import {
  AnnotationRecord,
  AnnotationRevisionRecord,
  ItemMarkRecord,
  LabelSetRecord,
  QueueItemRecord,
  QueueRecord,
  ReservationRecord,
  SuggestionRecord,
} from './annotation.entities';
import { annotationsProjection } from './annotations.projection';

export const toAnnotationView = (row: AnnotationRecord): AnnotationView => ({
  id: row.id,
  projectId: row.projectId,
  entryId: row.entryId,
  runId: row.runId,
  queueId: row.queueId,
  itemId: row.itemId,
  annotator: row.annotator,
  value: row.value,
  fromSuggestion: row.fromSuggestion,
  extra: Boolean(row.extra),
  withdrawn: Boolean(row.withdrawn),
  revision: row.revision,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export const toQueueView = (row: QueueRecord): QueueView => ({
  id: row.id,
  projectId: row.projectId,
  name: row.name,
  description: row.description,
  kind: row.kind,
  ratingScale: row.ratingScale,
  responsesRequired: row.responsesRequired,
  reservationSeconds: row.reservationSeconds,
  blind: Boolean(row.blind),
  assignees: row.assignees,
  suggestions: row.suggestions,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
  status: row.status,
  counts: { items: row.itemCount, completed: row.completedCount, adjudicated: row.adjudicatedCount, responses: row.responseCount, removed: row.removedCount },
});

export interface AnnotationFilter {
  readonly entryId?: string;
  readonly queueId?: string;
  readonly itemId?: string;
  readonly annotator?: string;
}

/** The only code that reads the annotations context's tables. */
@Injectable()
export class AnnotationsReadModel {
  constructor(
    @InjectRepository(LabelSetRecord) private readonly labelSets: Repository<LabelSetRecord>,
    @InjectRepository(AnnotationRecord) private readonly annotations: Repository<AnnotationRecord>,
    @InjectRepository(AnnotationRevisionRecord) private readonly revisions: Repository<AnnotationRevisionRecord>,
    @InjectRepository(QueueRecord) private readonly queues: Repository<QueueRecord>,
    @InjectRepository(QueueItemRecord) private readonly items: Repository<QueueItemRecord>,
    @InjectRepository(ReservationRecord) private readonly reservations: Repository<ReservationRecord>,
    @InjectRepository(ItemMarkRecord) private readonly marks: Repository<ItemMarkRecord>,
    @InjectRepository(SuggestionRecord) private readonly suggestions: Repository<SuggestionRecord>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  position(): Promise<number> {
    return readProjectionPosition(this.store.db, annotationsProjection.name);
  }

  async labelSet(projectId: string): Promise<Label[]> {
    return (await this.labelSets.findOneBy({ projectId }))?.labels ?? [];
  }

  annotation(projectId: string, annotationId: string): Promise<AnnotationRecord | null> {
    return this.annotations.findOneBy({ id: annotationId, projectId });
  }

  async detail(row: AnnotationRecord): Promise<AnnotationDetail> {
    const history = await this.revisions.find({ where: { annotationId: row.id }, order: { revision: 'ASC' } });
    return { ...toAnnotationView(row), history: history.map((r) => ({ revision: r.revision, value: r.value, at: r.at })) };
  }

  annotationsWhere(projectId: string, filter: AnnotationFilter): Promise<AnnotationRecord[]> {
    const where = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    return this.annotations.find({ where: { projectId, ...where }, order: { createdAt: 'ASC', id: 'ASC' }, take: 1000 });
  }

  /** Answers of items (withdrawn ones left out), by item. */
  async answersOf(itemIds: readonly string[]): Promise<Map<string, AnnotationRecord[]>> {
    const byItem = new Map<string, AnnotationRecord[]>();
    for (let at = 0; at < itemIds.length; at += 500) {
      const rows = await this.annotations.find({ where: { itemId: In(itemIds.slice(at, at + 500)), withdrawn: false }, order: { createdAt: 'ASC', id: 'ASC' } });
      for (const row of rows) byItem.set(row.itemId as string, [...(byItem.get(row.itemId as string) ?? []), row]);
    }
    return byItem;
  }

  queue(projectId: string, queueId: string): Promise<QueueRecord | null> {
    return this.queues.findOneBy({ id: queueId, projectId });
  }

  queuesOf(projectId: string): Promise<QueueRecord[]> {
    return this.queues.find({ where: { projectId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  item(queueId: string, itemId: string): Promise<QueueItemRecord | null> {
    return this.items.findOneBy({ id: itemId, queueId });
  }

  async itemPage(queueId: string, status: QueueItemStatus | undefined, limit: number, afterSeq: number): Promise<QueueItemRecord[]> {
    const qb = this.items.createQueryBuilder('i').where('i.queueId = :queueId', { queueId }).andWhere('i.seq > :afterSeq', { afterSeq });
    if (status) qb.andWhere('i.status = :status', { status });
    return qb.orderBy('i.seq', 'ASC').limit(Math.min(limit, QUEUE_ITEM_PAGE_MAX)).getMany();
  }

  /** Live reservations of items, by item. */
  async liveReservations(itemIds: readonly string[], now: Date): Promise<Map<string, { annotator: string; until: string }[]>> {
    const byItem = new Map<string, { annotator: string; until: string }[]>();
    if (itemIds.length === 0) return byItem;
    const rows = await this.reservations
      .createQueryBuilder('r')
      .where('r.itemId IN (:...itemIds)', { itemIds })
      .andWhere('r.until > :now', { now: now.toISOString() })
      .orderBy('r.until', 'ASC')
      .getMany();
    for (const row of rows) byItem.set(row.itemId, [...(byItem.get(row.itemId) ?? []), { annotator: row.annotator, until: row.until }]);
    return byItem;
  }

  async itemViews(rows: readonly QueueItemRecord[], now: Date): Promise<QueueItemView[]> {
    const reservations = await this.liveReservations(rows.map((r) => r.id), now);
    return rows.map((row) => ({
      id: row.id,
      queueId: row.queueId,
      seq: row.seq,
      entryId: row.entryId,
      alternativeEntryId: row.alternativeEntryId,
      status: row.status,
      responses: row.responses,
      extraResponses: row.extraResponses,
      reservations: reservations.get(row.id) ?? [],
      completedAt: row.completedAt,
      adjudication: row.adjudication,
    }));
  }

  /** The open item the annotator holds a live reservation on, if any (next-item hands it back). */
  heldBy(queueId: string, annotator: string, now: Date): Promise<QueueItemRecord | null> {
    return this.items
      .createQueryBuilder('i')
      .innerJoin(ReservationRecord, 'r', 'r.itemId = i.id')
      .where('r.queueId = :queueId AND r.annotator = :annotator AND r.until > :now', { queueId, annotator, now: now.toISOString() })
      .andWhere('i.status = :open', { open: 'open' })
      .orderBy('i.seq', 'ASC')
      .getOne();
  }

  /**
   * Items the annotator could take now, in queue order (see takeable). An index range scan on
   * (queue, status, seq) that stops after `limit` matches.
   */
  candidates(queueId: string, annotator: string, responsesRequired: number, now: Date, limit: number): Promise<QueueItemRecord[]> {
    return this.takeable(queueId, annotator, responsesRequired, now).orderBy('i.seq', 'ASC').limit(limit).getMany();
  }

  /**
   * With N > 1 answers per item: the takeable items others have started (a counted answer, or a live
   * reservation of someone else), the most answered first, then in queue order, so items complete
   * at N instead of every item getting one answer. Two small reads: by the (queue, status,
   * responses) index, and by the queue's live reservations.
   */
  async started(queueId: string, annotator: string, responsesRequired: number, now: Date, limit: number): Promise<QueueItemRecord[]> {
    const answered = await this.takeable(queueId, annotator, responsesRequired, now).andWhere('i.responses > 0').orderBy('i.responses', 'DESC').addOrderBy('i.seq', 'ASC').limit(limit).getMany();
    const reserved = await this.takeable(queueId, annotator, responsesRequired, now)
      .andWhere('i.responses = 0')
      .andWhere('i.id IN (SELECT r2.item_id FROM annotation_reservations r2 WHERE r2.queue_id = :queueId AND r2."until" > :now AND r2.annotator <> :annotator)')
      .orderBy('i.seq', 'ASC')
      .limit(limit)
      .getMany();
    return [...answered, ...reserved].slice(0, limit);
  }

  /** Open, not answered or skipped by the annotator, with a free slot (counted responses + others' live reservations < N). */
  private takeable(queueId: string, annotator: string, responsesRequired: number, now: Date) {
    return this.items
      .createQueryBuilder('i')
      .where('i.queueId = :queueId AND i.status = :open', { queueId, open: 'open' })
      .andWhere('NOT EXISTS (SELECT 1 FROM annotation_item_marks m WHERE m.item_id = i.id AND m.annotator = :annotator)', { annotator })
      .andWhere(
        'i.responses + (SELECT COUNT(*) FROM annotation_reservations r WHERE r.item_id = i.id AND r."until" > :now AND r.annotator <> :annotator) < :n',
        { now: now.toISOString(), n: responsesRequired },
      );
  }

  async suggestion(itemId: string): Promise<SuggestionView | null> {
    const row = await this.suggestions.findOneBy({ itemId });
    return row ? { id: row.id, agent: row.agent, model: row.model, value: row.value, createdAt: row.createdAt } : null;
  }

  /** Per annotator: counted and extra responses, skips, live reservations. */
  async progress(queueId: string, now: Date): Promise<AnnotatorProgress[]> {
    const marks = await this.marks
      .createQueryBuilder('m')
      .select('m.annotator', 'annotator')
      .addSelect('m.mark', 'mark')
      .addSelect('COUNT(*)', 'count')
      .where('m.queueId = :queueId', { queueId })
      .groupBy('m.annotator')
      .addGroupBy('m.mark')
      .getRawMany<{ annotator: string; mark: ItemMarkRecord['mark']; count: string | number }>();
    const held = await this.reservations
      .createQueryBuilder('r')
      .select('r.annotator', 'annotator')
      .addSelect('COUNT(*)', 'count')
      .where('r.queueId = :queueId AND r.until > :now', { queueId, now: now.toISOString() })
      .groupBy('r.annotator')
      .getRawMany<{ annotator: string; count: string | number }>();
    const people = new Map<string, { responses: number; extra: number; skipped: number; reserved: number }>();
    const of = (annotator: string) => {
      const entry = people.get(annotator) ?? { responses: 0, extra: 0, skipped: 0, reserved: 0 };
      people.set(annotator, entry);
      return entry;
    };
    for (const row of marks) {
      const entry = of(row.annotator);
      if (row.mark === 'responded') entry.responses = Number(row.count);
      else if (row.mark === 'extra') entry.extra = Number(row.count);
      else entry.skipped = Number(row.count);
    }
    for (const row of held) of(row.annotator).reserved = Number(row.count);
    return [...people].sort(([a], [b]) => a.localeCompare(b)).map(([annotator, counts]) => ({ annotator, ...counts }));
  }

  /** Completed (and adjudicated) items of a queue, in order: what agreement is computed on. */
  completedItems(queueId: string): Promise<QueueItemRecord[]> {
    return this.items.find({ where: { queueId, status: In(['completed', 'adjudicated']) }, order: { seq: 'ASC' } });
  }
}
