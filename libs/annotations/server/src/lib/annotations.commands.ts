import {
  ANNOTATION_QUEUE_ITEM_STREAM_TYPE,
  ANNOTATION_QUEUE_STREAM_TYPE,
  ANNOTATION_STREAM_TYPE,
  annotationQueueItemStreamId,
  annotationQueueStreamId,
  annotationStreamId,
  DomainError,
  LABEL_SET_STREAM_TYPE,
  labelSetStreamId,
  type AddQueueItemsResult,
  type CommandAccepted,
  type CreateQueueResult,
  type QueueItemRef,
  type QueueItemSource,
  type SubmitResponseResult,
} from '@camel/contracts';
import { annotationDecider, labelSetDecider, queueDecider, queueItemDecider, type ItemFacts, type QueueItemCommand, type QueueSettingsInput } from '@camel/annotations';
import type { Clock } from '@camel/kernel';
import { CLOCK, CommandExecutor, ID_GENERATOR, type IdGenerator } from '@camel/server';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { QueueItemRecord, QueueRecord } from './annotation.entities';
import { AnnotationFacts, worksQueue, type Annotator } from './annotation-facts';
import { AnnotationsReadModel } from './annotations.read-model';
import { ItemSources } from './item-sources';
import { QueueSubmissions } from './queue-submissions';

export class DefineLabelSet extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly labels: unknown) {
    super();
  }
}
export class SubmitAnnotation extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly annotator: Annotator, readonly entryId: string, readonly value: unknown) {
    super();
  }
}
export class ReviseAnnotation extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly annotator: Annotator, readonly annotationId: string, readonly value: unknown) {
    super();
  }
}
export class WithdrawAnnotation extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly annotator: Annotator, readonly annotationId: string, readonly reason: string | null) {
    super();
  }
}
export class CreateQueue extends Command<CreateQueueResult> {
  constructor(readonly projectId: string, readonly annotator: Annotator, readonly settings: QueueSettingsInput, readonly source: QueueItemSource | undefined) {
    super();
  }
}
export class UpdateQueue extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly queueId: string, readonly settings: QueueSettingsInput) {
    super();
  }
}
export class AddQueueItems extends Command<AddQueueItemsResult> {
  constructor(readonly projectId: string, readonly queueId: string, readonly source: QueueItemSource) {
    super();
  }
}
/** Reserves the next item for the annotator: the id and reservation end, or null when nothing is left. */
export class TakeNextItem extends Command<{ itemId: string; until: string } | null> {
  constructor(readonly projectId: string, readonly queueId: string, readonly annotator: Annotator) {
    super();
  }
}
export class SubmitResponse extends Command<SubmitResponseResult> {
  constructor(
    readonly projectId: string,
    readonly queueId: string,
    readonly itemId: string,
    readonly annotator: Annotator,
    readonly value: unknown,
    readonly fromSuggestion: string | null,
  ) {
    super();
  }
}
export class SkipItem extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly queueId: string, readonly itemId: string, readonly annotator: Annotator) {
    super();
  }
}
export class ReleaseItem extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly queueId: string, readonly itemId: string, readonly annotator: Annotator) {
    super();
  }
}
export class AdjudicateItem extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly queueId: string, readonly itemId: string, readonly annotator: Annotator, readonly value: unknown, readonly note: string | null) {
    super();
  }
}

export const itemFacts = (queue: QueueRecord, item: QueueItemRecord): ItemFacts => ({
  queueId: queue.id,
  projectId: queue.projectId,
  itemId: item.id,
  entryId: item.entryId,
  responsesRequired: queue.responsesRequired,
});

/** Candidates fetched per round of next-item, and rounds before giving up on a crowded queue. */
const CANDIDATES = 8;
const ROUNDS = 4;

@CommandHandler(DefineLabelSet)
export class DefineLabelSetHandler implements ICommandHandler<DefineLabelSet> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ projectId, labels }: DefineLabelSet): Promise<CommandAccepted> {
    const outcome = await this.executor.execute(labelSetDecider, {
      streamId: labelSetStreamId(projectId),
      streamType: LABEL_SET_STREAM_TYPE,
      projectId,
      command: { type: 'DefineLabelSet', projectId, labels },
    });
    return { id: projectId, version: outcome.version, position: outcome.position };
  }
}

@CommandHandler(SubmitAnnotation)
export class SubmitAnnotationHandler implements ICommandHandler<SubmitAnnotation> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly facts: AnnotationFacts,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  async execute({ projectId, annotator, entryId, value }: SubmitAnnotation): Promise<CommandAccepted> {
    const entry = await this.facts.entry(projectId, entryId);
    const rules = await this.facts.rules(projectId, entry);
    const annotationId = this.newId();
    const outcome = await this.executor.execute(annotationDecider, {
      streamId: annotationStreamId(annotationId),
      streamType: ANNOTATION_STREAM_TYPE,
      projectId,
      command: {
        type: 'SubmitAnnotation',
        annotationId,
        projectId,
        entryId: entry.id,
        runId: entry.runId,
        queueId: null,
        itemId: null,
        annotator: annotator.id,
        value,
        rules,
        fromSuggestion: null,
        suggestionId: null,
        extra: false,
        blind: false,
      },
    });
    return { id: annotationId, version: outcome.version, position: outcome.position };
  }
}

/** The annotation of the project, and the queue and item it answers (for the value rules and the blind mark). */
async function annotationContext(reads: AnnotationsReadModel, facts: AnnotationFacts, projectId: string, annotationId: string) {
  const row = await reads.annotation(projectId, annotationId);
  if (!row) throw DomainError.notFound('annotation.not-found', `annotation ${annotationId} does not exist`);
  const queue = row.queueId ? await reads.queue(projectId, row.queueId) : null;
  const item = queue && row.itemId ? await reads.item(queue.id, row.itemId) : null;
  const entry = await facts.entry(projectId, row.entryId);
  return { row, queue, item, rules: await facts.rules(projectId, entry, queue ?? undefined, item ?? undefined) };
}

@CommandHandler(ReviseAnnotation)
export class ReviseAnnotationHandler implements ICommandHandler<ReviseAnnotation> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly reads: AnnotationsReadModel,
    private readonly facts: AnnotationFacts,
  ) {}

  async execute({ projectId, annotator, annotationId, value }: ReviseAnnotation): Promise<CommandAccepted> {
    const { queue, item, rules } = await annotationContext(this.reads, this.facts, projectId, annotationId);
    const blind = Boolean(queue?.blind) && item?.status === 'open';
    const outcome = await this.executor.execute(annotationDecider, {
      streamId: annotationStreamId(annotationId),
      streamType: ANNOTATION_STREAM_TYPE,
      projectId,
      command: { type: 'ReviseAnnotation', annotationId, by: annotator.id, value, rules, blind },
    });
    return { id: annotationId, version: outcome.version, position: outcome.position };
  }
}

@CommandHandler(WithdrawAnnotation)
export class WithdrawAnnotationHandler implements ICommandHandler<WithdrawAnnotation> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly reads: AnnotationsReadModel,
  ) {}

  async execute({ projectId, annotator, annotationId, reason }: WithdrawAnnotation): Promise<CommandAccepted> {
    const row = await this.reads.annotation(projectId, annotationId);
    if (!row) throw DomainError.notFound('annotation.not-found', `annotation ${annotationId} does not exist`);
    if (row.queueId) throw DomainError.conflict('annotation.in-queue', 'an answer in a queue is revised, not withdrawn (it counted towards the item)');
    const outcome = await this.executor.execute(annotationDecider, {
      streamId: annotationStreamId(annotationId),
      streamType: ANNOTATION_STREAM_TYPE,
      projectId,
      command: { type: 'WithdrawAnnotation', annotationId, by: annotator.id, reason },
    });
    return { id: annotationId, version: outcome.version, position: outcome.position };
  }
}

async function addItems(executor: CommandExecutor, projectId: string, queueId: string, items: readonly QueueItemRef[]): Promise<AddQueueItemsResult> {
  const outcome = await executor.execute(queueDecider, {
    streamId: annotationQueueStreamId(queueId),
    streamType: ANNOTATION_QUEUE_STREAM_TYPE,
    projectId,
    command: { type: 'AddItems', queueId, items },
  });
  const added = outcome.events.reduce((sum, e) => sum + (e.type === 'QueueItemsAdded' ? e.data.items.length : 0), 0);
  return { added, duplicates: items.length - added, position: outcome.position };
}

@CommandHandler(CreateQueue)
export class CreateQueueHandler implements ICommandHandler<CreateQueue> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly facts: AnnotationFacts,
    private readonly sources: ItemSources,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  async execute({ projectId, annotator, settings, source }: CreateQueue): Promise<CreateQueueResult> {
    const facts = await this.facts.queueFacts(projectId);
    const queueId = this.newId();
    // Resolve the items first: a bad source refuses the whole request, and nothing is recorded.
    const items = source ? await this.sources.resolve(projectId, settings.kind === 'pairwise' ? 'pairwise' : 'single', source) : [];
    const created = await this.executor.execute(queueDecider, {
      streamId: annotationQueueStreamId(queueId),
      streamType: ANNOTATION_QUEUE_STREAM_TYPE,
      projectId,
      command: { type: 'CreateQueue', queueId, projectId, createdBy: annotator.id, settings, facts },
    });
    const result = items.length > 0 ? await addItems(this.executor, projectId, queueId, items) : { added: 0, duplicates: 0, position: created.position };
    return { id: queueId, ...result };
  }
}

@CommandHandler(UpdateQueue)
export class UpdateQueueHandler implements ICommandHandler<UpdateQueue> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly reads: AnnotationsReadModel,
    private readonly facts: AnnotationFacts,
  ) {}

  async execute({ projectId, queueId, settings }: UpdateQueue): Promise<CommandAccepted> {
    if (!(await this.reads.queue(projectId, queueId))) throw DomainError.notFound('queue.not-found', `annotation queue ${queueId} does not exist`);
    const facts = await this.facts.queueFacts(projectId);
    const outcome = await this.executor.execute(queueDecider, {
      streamId: annotationQueueStreamId(queueId),
      streamType: ANNOTATION_QUEUE_STREAM_TYPE,
      projectId,
      command: { type: 'UpdateQueue', queueId, settings, facts },
    });
    return { id: queueId, version: outcome.version, position: outcome.position };
  }
}

@CommandHandler(AddQueueItems)
export class AddQueueItemsHandler implements ICommandHandler<AddQueueItems> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly reads: AnnotationsReadModel,
    private readonly sources: ItemSources,
  ) {}

  async execute({ projectId, queueId, source }: AddQueueItems): Promise<AddQueueItemsResult> {
    const queue = await this.reads.queue(projectId, queueId);
    if (!queue) throw DomainError.notFound('queue.not-found', `annotation queue ${queueId} does not exist`);
    return addItems(this.executor, projectId, queueId, await this.sources.resolve(projectId, queue.kind, source));
  }
}

function itemCommand(executor: CommandExecutor, item: ItemFacts, command: QueueItemCommand) {
  return executor.execute(queueItemDecider, {
    streamId: annotationQueueItemStreamId(item.itemId),
    streamType: ANNOTATION_QUEUE_ITEM_STREAM_TYPE,
    projectId: item.projectId,
    command,
  });
}

@CommandHandler(TakeNextItem)
export class TakeNextItemHandler implements ICommandHandler<TakeNextItem> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly reads: AnnotationsReadModel,
    private readonly facts: AnnotationFacts,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ projectId, queueId, annotator }: TakeNextItem): Promise<{ itemId: string; until: string } | null> {
    const queue = await this.facts.visibleQueue(projectId, queueId, annotator);
    if (!worksQueue(annotator, queue)) throw DomainError.forbidden('queue.not-assigned', 'you are not assigned to this queue');
    const reserve = async (item: QueueItemRecord) => {
      const outcome = await itemCommand(this.executor, itemFacts(queue, item), {
        type: 'ReserveItem',
        item: itemFacts(queue, item),
        annotator: annotator.id,
        reservationSeconds: queue.reservationSeconds,
      });
      const event = outcome.events.find((e) => e.type === 'QueueItemReserved');
      return { itemId: item.id, until: event?.type === 'QueueItemReserved' ? event.data.until : '' };
    };
    const held = await this.reads.heldBy(queueId, annotator.id, this.clock.now());
    if (held) return reserve(held);
    const tried = new Set<string>();
    for (let round = 0; round < ROUNDS; round += 1) {
      const candidates = (await this.reads.candidates(queueId, annotator.id, queue.responsesRequired, this.clock.now(), CANDIDATES + tried.size)).filter((c) => !tried.has(c.id));
      if (candidates.length === 0) return null;
      for (const candidate of candidates) {
        tried.add(candidate.id);
        try {
          return await reserve(candidate);
        } catch (error) {
          // Lost the race (or the item completed meanwhile): the next candidate.
          if (!(error instanceof DomainError) || error.kind !== 'conflict') throw error;
        }
      }
    }
    return null;
  }
}

@CommandHandler(SubmitResponse)
export class SubmitResponseHandler implements ICommandHandler<SubmitResponse> {
  constructor(
    private readonly submissions: QueueSubmissions,
    private readonly reads: AnnotationsReadModel,
    private readonly facts: AnnotationFacts,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  async execute({ projectId, queueId, itemId, annotator, value, fromSuggestion }: SubmitResponse): Promise<SubmitResponseResult> {
    const { queue, item } = await this.facts.workableItem(projectId, queueId, itemId, annotator);
    const entry = await this.facts.entry(projectId, item.entryId);
    const [rules, suggestion] = await Promise.all([this.facts.rules(projectId, entry, queue, item), this.reads.suggestion(item.id)]);
    const annotationId = this.newId();
    return this.submissions.submit({
      item: itemFacts(queue, item),
      annotationId,
      annotator: annotator.id,
      blindQueue: Boolean(queue.blind),
      submit: ({ extra, blind }) => ({
        type: 'SubmitAnnotation',
        annotationId,
        projectId,
        entryId: entry.id,
        runId: entry.runId,
        queueId,
        itemId,
        annotator: annotator.id,
        value,
        rules,
        fromSuggestion,
        suggestionId: suggestion?.id ?? null,
        extra,
        blind,
      }),
    });
  }
}

abstract class ItemActionHandler {
  constructor(
    protected readonly executor: CommandExecutor,
    protected readonly facts: AnnotationFacts,
  ) {}

  protected async act(projectId: string, queueId: string, itemId: string, annotator: Annotator, build: (item: ItemFacts) => QueueItemCommand): Promise<CommandAccepted> {
    const { queue, item } = await this.facts.workableItem(projectId, queueId, itemId, annotator);
    const outcome = await itemCommand(this.executor, itemFacts(queue, item), build(itemFacts(queue, item)));
    return { id: itemId, version: outcome.version, position: outcome.position };
  }
}

@CommandHandler(SkipItem)
export class SkipItemHandler extends ItemActionHandler implements ICommandHandler<SkipItem> {
  execute({ projectId, queueId, itemId, annotator }: SkipItem): Promise<CommandAccepted> {
    return this.act(projectId, queueId, itemId, annotator, (item) => ({ type: 'SkipItem', item, annotator: annotator.id }));
  }
}

@CommandHandler(ReleaseItem)
export class ReleaseItemHandler extends ItemActionHandler implements ICommandHandler<ReleaseItem> {
  execute({ projectId, queueId, itemId, annotator }: ReleaseItem): Promise<CommandAccepted> {
    return this.act(projectId, queueId, itemId, annotator, (item) => ({ type: 'ReleaseItem', item, annotator: annotator.id }));
  }
}

@CommandHandler(AdjudicateItem)
export class AdjudicateItemHandler implements ICommandHandler<AdjudicateItem> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly facts: AnnotationFacts,
  ) {}

  async execute({ projectId, queueId, itemId, annotator, value, note }: AdjudicateItem): Promise<CommandAccepted> {
    const { queue, item } = await this.facts.workableItem(projectId, queueId, itemId, annotator);
    const rules = await this.facts.rules(projectId, await this.facts.entry(projectId, item.entryId), queue, item);
    const facts = itemFacts(queue, item);
    const outcome = await itemCommand(this.executor, facts, { type: 'AdjudicateItem', item: facts, decidedBy: annotator.id, value, note, rules });
    return { id: itemId, version: outcome.version, position: outcome.position };
  }
}

export const ANNOTATION_COMMAND_HANDLERS = [
  DefineLabelSetHandler,
  SubmitAnnotationHandler,
  ReviseAnnotationHandler,
  WithdrawAnnotationHandler,
  CreateQueueHandler,
  UpdateQueueHandler,
  AddQueueItemsHandler,
  TakeNextItemHandler,
  SubmitResponseHandler,
  SkipItemHandler,
  ReleaseItemHandler,
  AdjudicateItemHandler,
];
