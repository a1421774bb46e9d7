import {
  DomainError,
  QUEUE_ITEM_PAGE_MAX,
  type AgreementReport,
  type AnnotationDetail,
  type AnnotationList,
  type LabelSetView,
  type LogEntryDetail,
  type QueueItemPage,
  type QueueItemStatus,
  type QueueItemWork,
  type QueueList,
  type QueueProgress,
  type QueueStatus,
  type QueueView,
} from '@camel/contracts';
import { agreementReport, withheldFrom } from '@camel/annotations';
import type { Clock } from '@camel/kernel';
import { CLOCK } from '@camel/server';
import { GetLogEntry } from '@camel/workflows/server';
import { Inject } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { AnnotationRecord, QueueItemRecord, QueueRecord } from './annotation.entities';
import { AnnotationFacts, itemNotFound, seesQueue, type Annotator } from './annotation-facts';
import { AnnotationsReadModel, toAnnotationView, toQueueView, type AnnotationFilter } from './annotations.read-model';

/** The annotations read model's checkpoint (`x-read-position` of progress and agreement). */
export class AnnotationsReadPosition extends Query<number> {}
export class GetLabelSet extends Query<LabelSetView> {
  constructor(readonly projectId: string) {
    super();
  }
}
export class ListAnnotations extends Query<AnnotationList> {
  constructor(readonly projectId: string, readonly viewer: Annotator, readonly filter: AnnotationFilter) {
    super();
  }
}
export class GetAnnotation extends Query<AnnotationDetail> {
  constructor(readonly projectId: string, readonly viewer: Annotator, readonly annotationId: string) {
    super();
  }
}
export class ListQueues extends Query<QueueList> {
  /** `status` absent: the queues in use (open and closed); `archived` lists the archived ones. */
  constructor(readonly projectId: string, readonly viewer: Annotator, readonly status?: QueueStatus) {
    super();
  }
}
export class GetQueue extends Query<QueueView> {
  constructor(readonly projectId: string, readonly viewer: Annotator, readonly queueId: string) {
    super();
  }
}
export class ListQueueItems extends Query<QueueItemPage> {
  constructor(readonly projectId: string, readonly viewer: Annotator, readonly queueId: string, readonly status: QueueItemStatus | undefined, readonly limit: number, readonly after: string | undefined) {
    super();
  }
}
export class GetItemWork extends Query<QueueItemWork> {
  constructor(
    readonly projectId: string,
    readonly viewer: Annotator,
    readonly queueId: string,
    readonly itemId: string,
    /** The queue and item as the caller just read them (next-item): not read again. Reservations are always read fresh. */
    readonly known?: { readonly queue: QueueRecord; readonly item: QueueItemRecord },
  ) {
    super();
  }
}
export class GetQueueProgress extends Query<QueueProgress> {
  constructor(readonly projectId: string, readonly viewer: Annotator, readonly queueId: string) {
    super();
  }
}
export class GetAgreement extends Query<AgreementReport> {
  constructor(readonly projectId: string, readonly viewer: Annotator, readonly queueId: string) {
    super();
  }
}

/** Splits answers into those the viewer may see and the count withheld by blind mode. */
async function blindFilter(reads: AnnotationsReadModel, projectId: string, viewer: Annotator, rows: readonly AnnotationRecord[]) {
  const queues = new Map<string, QueueRecord | null>();
  const items = new Map<string, QueueItemRecord | null>();
  const visible: AnnotationRecord[] = [];
  let withheld = 0;
  for (const row of rows) {
    if (row.queueId && !queues.has(row.queueId)) queues.set(row.queueId, await reads.queue(projectId, row.queueId));
    const queue = row.queueId ? queues.get(row.queueId) : null;
    if (queue && row.itemId && !items.has(row.itemId)) items.set(row.itemId, await reads.item(queue.id, row.itemId));
    const item = row.itemId ? items.get(row.itemId) : null;
    if (queue && !seesQueue(viewer, queue)) continue;
    const hidden = withheldFrom(viewer, { annotator: row.annotator, blind: Boolean(queue?.blind), itemCompleted: item ? item.status !== 'open' : true });
    if (hidden) withheld += 1;
    else visible.push(row);
  }
  return { visible, withheld };
}

@QueryHandler(AnnotationsReadPosition)
export class AnnotationsReadPositionHandler implements IQueryHandler<AnnotationsReadPosition> {
  constructor(private readonly reads: AnnotationsReadModel) {}
  execute(): Promise<number> {
    return this.reads.position();
  }
}

@QueryHandler(GetLabelSet)
export class GetLabelSetHandler implements IQueryHandler<GetLabelSet> {
  constructor(private readonly reads: AnnotationsReadModel) {}
  async execute({ projectId }: GetLabelSet): Promise<LabelSetView> {
    return { projectId, labels: await this.reads.labelSet(projectId) };
  }
}

@QueryHandler(ListAnnotations)
export class ListAnnotationsHandler implements IQueryHandler<ListAnnotations> {
  constructor(private readonly reads: AnnotationsReadModel) {}
  async execute({ projectId, viewer, filter }: ListAnnotations): Promise<AnnotationList> {
    const position = await this.reads.position();
    const { visible, withheld } = await blindFilter(this.reads, projectId, viewer, await this.reads.annotationsWhere(projectId, filter));
    return { annotations: visible.map(toAnnotationView), withheld, position };
  }
}

@QueryHandler(GetAnnotation)
export class GetAnnotationHandler implements IQueryHandler<GetAnnotation> {
  constructor(private readonly reads: AnnotationsReadModel) {}
  async execute({ projectId, viewer, annotationId }: GetAnnotation): Promise<AnnotationDetail> {
    const row = await this.reads.annotation(projectId, annotationId);
    const { visible } = await blindFilter(this.reads, projectId, viewer, row ? [row] : []);
    if (visible.length === 0) throw DomainError.notFound('annotation.not-found', `annotation ${annotationId} does not exist`);
    return this.reads.detail(visible[0]);
  }
}

@QueryHandler(ListQueues)
export class ListQueuesHandler implements IQueryHandler<ListQueues> {
  constructor(private readonly reads: AnnotationsReadModel) {}
  async execute({ projectId, viewer, status }: ListQueues): Promise<QueueList> {
    const position = await this.reads.position();
    // Archived queues leave the default list (`?status=archived` lists them; GET …/:queueId answers them).
    const wanted = (queueStatus: QueueStatus) => (status ? queueStatus === status : queueStatus !== 'archived');
    const queues = (await this.reads.queuesOf(projectId)).filter((q) => wanted(q.status) && seesQueue(viewer, q));
    return { queues: queues.map(toQueueView), position };
  }
}

@QueryHandler(GetQueue)
export class GetQueueHandler implements IQueryHandler<GetQueue> {
  constructor(private readonly facts: AnnotationFacts) {}
  async execute({ projectId, viewer, queueId }: GetQueue): Promise<QueueView> {
    return toQueueView(await this.facts.visibleQueue(projectId, queueId, viewer));
  }
}

@QueryHandler(ListQueueItems)
export class ListQueueItemsHandler implements IQueryHandler<ListQueueItems> {
  constructor(
    private readonly reads: AnnotationsReadModel,
    private readonly facts: AnnotationFacts,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ projectId, viewer, queueId, status, limit, after }: ListQueueItems): Promise<QueueItemPage> {
    await this.facts.visibleQueue(projectId, queueId, viewer);
    const afterSeq = after === undefined ? 0 : Number(after);
    if (!Number.isInteger(afterSeq) || afterSeq < 0) throw DomainError.validation('queue.items.cursor', 'after', 'after must be the `next` cursor of a previous page');
    const size = Math.min(limit, QUEUE_ITEM_PAGE_MAX);
    const rows = await this.reads.itemPage(queueId, status, size + 1, afterSeq);
    const page = rows.slice(0, size);
    const next = rows.length > size ? String(page[page.length - 1].seq) : null;
    return { items: await this.reads.itemViews(page, this.clock.now()), next };
  }
}

@QueryHandler(GetItemWork)
export class GetItemWorkHandler implements IQueryHandler<GetItemWork> {
  constructor(
    private readonly reads: AnnotationsReadModel,
    private readonly facts: AnnotationFacts,
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ projectId, viewer, queueId, itemId, known }: GetItemWork): Promise<QueueItemWork> {
    const queue = known?.queue ?? (await this.facts.visibleQueue(projectId, queueId, viewer));
    const item = known?.item ?? (await this.reads.item(queueId, itemId));
    if (!item) throw itemNotFound(itemId);
    const now = this.clock.now();
    const [[view], entry, alternative, suggestion, answers] = await Promise.all([
      this.reads.itemViews([item], now),
      this.queries.execute(new GetLogEntry(projectId, item.entryId)) as Promise<LogEntryDetail>,
      item.alternativeEntryId ? this.facts.entry(projectId, item.alternativeEntryId, 'alternativeEntryId') : Promise.resolve(null),
      // Suggestions are shown (and recorded with an answer) in a queue with a judge only.
      queue.suggestions ? this.reads.suggestion(item.id) : Promise.resolve(null),
      this.reads.answersOf([item.id]),
    ]);
    const rows = answers.get(item.id) ?? [];
    const mine = rows.find((r) => r.annotator === viewer.id) ?? null;
    const { visible, withheld } = await blindFilter(this.reads, projectId, viewer, rows.filter((r) => r !== mine));
    return {
      item: view,
      queue: toQueueView(queue),
      entry,
      alternative,
      suggestion,
      mine: mine ? toAnnotationView(mine) : null,
      others: visible.map(toAnnotationView),
      withheld,
      reservedUntil: view.reservations.find((r) => r.annotator === viewer.id)?.until ?? null,
    };
  }
}

@QueryHandler(GetQueueProgress)
export class GetQueueProgressHandler implements IQueryHandler<GetQueueProgress> {
  constructor(
    private readonly reads: AnnotationsReadModel,
    private readonly facts: AnnotationFacts,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ projectId, viewer, queueId }: GetQueueProgress): Promise<QueueProgress> {
    const queue = toQueueView(await this.facts.visibleQueue(projectId, queueId, viewer));
    const annotators = await this.reads.progress(queueId, this.clock.now());
    const wanted = (queue.counts.items - queue.counts.removed) * queue.responsesRequired;
    return { queueId, counts: queue.counts, fraction: wanted === 0 ? 0 : queue.counts.responses / wanted, annotators };
  }
}

@QueryHandler(GetAgreement)
export class GetAgreementHandler implements IQueryHandler<GetAgreement> {
  constructor(
    private readonly reads: AnnotationsReadModel,
    private readonly facts: AnnotationFacts,
  ) {}
  async execute({ projectId, viewer, queueId }: GetAgreement): Promise<AgreementReport> {
    await this.facts.visibleQueue(projectId, queueId, viewer);
    const items = await this.reads.completedItems(queueId);
    const answers = await this.reads.answersOf(items.map((i) => i.id));
    return agreementReport(
      queueId,
      items.map((item) => ({
        itemId: item.id,
        entryId: item.entryId,
        alternativeEntryId: item.alternativeEntryId,
        answers: (answers.get(item.id) ?? []).filter((a) => !a.extra).map((a) => ({ annotationId: a.id, annotator: a.annotator, value: a.value })),
        adjudication: item.adjudication,
      })),
    );
  }
}

export const ANNOTATION_QUERY_HANDLERS = [
  AnnotationsReadPositionHandler,
  GetLabelSetHandler,
  ListAnnotationsHandler,
  GetAnnotationHandler,
  ListQueuesHandler,
  GetQueueHandler,
  ListQueueItemsHandler,
  GetItemWorkHandler,
  GetQueueProgressHandler,
  GetAgreementHandler,
];
