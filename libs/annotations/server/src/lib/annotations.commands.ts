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
import { AnnotationFacts, itemNotFound, queueNotFound, runIdOf, worksQueue, type Annotator } from './annotation-facts';
import { AnnotationsReadModel } from './annotations.read-model';
import { ItemSources } from './item-sources';
import { JudgeSuggestions } from './judge-suggestions';
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
/** What next-item reserved: the item and its queue as read for the decision (the item's work is built from them). */
export interface TakenItem {
  readonly itemId: string;
  readonly until: string;
  readonly queue: QueueRecord;
  readonly item: QueueItemRecord;
}

/** Reserves the next item for the annotator: the id and reservation end, or null when nothing is left. */
export class TakeNextItem extends Command<TakenItem | null> {
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
  queueClosed: queue.status !== 'open',
  queueArchived: queue.status === 'archived',
});

export type QueueLifecycleAction = 'CloseQueue' | 'ReopenQueue' | 'ArchiveQueue';
/** Close (no more next-item), reopen, or archive (final) a queue. */
export class ChangeQueueLifecycle extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly queueId: string, readonly annotator: Annotator, readonly action: QueueLifecycleAction) {
    super();
  }
}
/** Take an item nobody answered out of its queue. */
export class RemoveQueueItem extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly queueId: string, readonly itemId: string, readonly annotator: Annotator) {
    super();
  }
}

/**
 * The candidates in an order of the annotator's own (a rotation by their id): annotators asking at
 * the same moment start on different items instead of all racing for the first one.
 */
function spread<T>(candidates: readonly T[], annotator: string): T[] {
  let hash = 0;
  for (const char of annotator) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const offset = hash % candidates.length;
  return [...candidates.slice(offset), ...candidates.slice(0, offset)];
}

/**
 * Candidates fetched per round of next-item (a window wide enough that annotators asking at once
 * mostly start on different items), and rounds before a crowded queue answers "busy, ask again".
 */
const CANDIDATES = 64;
const ROUNDS = 16;

@CommandHandler(DefineLabelSet)
export class DefineLabelSetHandler implements ICommandHandler<DefineLabelSet> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly facts: AnnotationFacts,
  ) {}

  async execute({ projectId, labels }: DefineLabelSet): Promise<CommandAccepted> {
    await this.facts.writable(projectId);
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
    await this.facts.writable(projectId);
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
  await facts.writable(projectId);
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
    private readonly facts: AnnotationFacts,
    private readonly submissions: QueueSubmissions,
  ) {}

  async execute({ projectId, annotator, annotationId, reason }: WithdrawAnnotation): Promise<CommandAccepted> {
    await this.facts.writable(projectId);
    const row = await this.reads.annotation(projectId, annotationId);
    if (!row) throw DomainError.notFound('annotation.not-found', `annotation ${annotationId} does not exist`);
    if (row.queueId && row.itemId) {
      // A queue answer: the item takes it back (before it completes) in the same transaction.
      if (row.annotator !== annotator.id) throw DomainError.forbidden('annotation.not-yours', 'only its annotator withdraws an answer');
      const queue = await this.reads.queue(projectId, row.queueId);
      const item = queue ? await this.reads.item(queue.id, row.itemId) : null;
      if (!queue || !item) throw itemNotFound(row.itemId);
      return this.submissions.withdraw({ item: itemFacts(queue, item), annotationId, annotator: annotator.id, reason });
    }
    const outcome = await this.executor.execute(annotationDecider, {
      streamId: annotationStreamId(annotationId),
      streamType: ANNOTATION_STREAM_TYPE,
      projectId,
      command: { type: 'WithdrawAnnotation', annotationId, by: annotator.id, reason },
    });
    return { id: annotationId, version: outcome.version, position: outcome.position };
  }
}

/** Adds the items (duplicates dropped by the decider) and asks the judge for suggestions when the queue has one. */
async function addItems(
  executor: CommandExecutor,
  suggestions: JudgeSuggestions,
  projectId: string,
  queueId: string,
  items: readonly QueueItemRef[],
): Promise<AddQueueItemsResult> {
  const outcome = await executor.execute(queueDecider, {
    streamId: annotationQueueStreamId(queueId),
    streamType: ANNOTATION_QUEUE_STREAM_TYPE,
    projectId,
    command: { type: 'AddItems', queueId, items },
  });
  const added = outcome.events.flatMap((e) => (e.type === 'QueueItemsAdded' ? e.data.items.map((i) => i.itemId) : []));
  if (outcome.state.status === 'active' && outcome.state.settings.suggestions && added.length > 0) suggestions.request(projectId, queueId, added);
  return { added: added.length, duplicates: items.length - added.length, position: outcome.position };
}

@CommandHandler(CreateQueue)
export class CreateQueueHandler implements ICommandHandler<CreateQueue> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly facts: AnnotationFacts,
    private readonly sources: ItemSources,
    private readonly suggestions: JudgeSuggestions,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  async execute({ projectId, annotator, settings, source }: CreateQueue): Promise<CreateQueueResult> {
    await this.facts.writable(projectId);
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
    const result = items.length > 0 ? await addItems(this.executor, this.suggestions, projectId, queueId, items) : { added: 0, duplicates: 0, position: created.position };
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
    await this.facts.writable(projectId);
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
    private readonly facts: AnnotationFacts,
    private readonly sources: ItemSources,
    private readonly suggestions: JudgeSuggestions,
  ) {}

  async execute({ projectId, queueId, source }: AddQueueItems): Promise<AddQueueItemsResult> {
    await this.facts.writable(projectId);
    const queue = await this.reads.queue(projectId, queueId);
    if (!queue) throw DomainError.notFound('queue.not-found', `annotation queue ${queueId} does not exist`);
    return addItems(this.executor, this.suggestions, projectId, queueId, await this.sources.resolve(projectId, queue.kind, source));
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
    private readonly suggestions: JudgeSuggestions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ projectId, queueId, annotator }: TakeNextItem): Promise<TakenItem | null> {
    await this.facts.writable(projectId);
    const queue = await this.facts.visibleQueue(projectId, queueId, annotator);
    if (!worksQueue(annotator, queue)) throw DomainError.forbidden('queue.not-assigned', 'you are not assigned to this queue');
    if (queue.status !== 'open') throw DomainError.conflict('queue.closed', `the queue is ${queue.status}: it hands out no items`);
    const reserve = async (item: QueueItemRecord): Promise<TakenItem> => {
      const outcome = await itemCommand(this.executor, itemFacts(queue, item), {
        type: 'ReserveItem',
        item: itemFacts(queue, item),
        annotator: annotator.id,
        reservationSeconds: queue.reservationSeconds,
      });
      const event = outcome.events.find((e) => e.type === 'QueueItemReserved');
      // Items added before a restart (or whose judge call failed) get their suggestion lazily.
      if (queue.suggestions && outcome.state.suggestionId === null) this.suggestions.request(projectId, queueId, [item.id]);
      return { itemId: item.id, until: event?.type === 'QueueItemReserved' ? event.data.until : '', queue, item };
    };
    const held = await this.reads.heldBy(queueId, annotator.id, this.clock.now());
    if (held) return reserve(held);
    const tried = new Set<string>();
    /** The first of these the annotator gets; null when others got every one first. */
    const firstOf = async (candidates: readonly QueueItemRecord[]): Promise<TakenItem | null> => {
      for (const candidate of candidates) {
        tried.add(candidate.id);
        try {
          return await reserve(candidate);
        } catch (error) {
          // Lost the race (or the item completed meanwhile): the next candidate.
          if (!(error instanceof DomainError) || error.kind !== 'conflict') throw error;
        }
      }
      return null;
    };
    // N > 1 answers per item: finish what others started before opening new items.
    if (queue.responsesRequired > 1) {
      const taken = await firstOf(await this.reads.started(queueId, annotator.id, queue.responsesRequired, this.clock.now(), CANDIDATES));
      if (taken) return taken;
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      const limit = CANDIDATES + tried.size;
      const read = await this.reads.candidates(queueId, annotator.id, queue.responsesRequired, this.clock.now(), limit);
      const fetched = read.filter((c) => !tried.has(c.id));
      // Nothing left only when the read was not cut by its limit: items lost to others a moment ago
      // may still be listed (their reservations not yet projected) and hide open ones behind them.
      if (fetched.length === 0) {
        if (read.length < limit) return null;
        continue;
      }
      const taken = await firstOf(spread(fetched, annotator.id));
      if (taken) return taken;
    }
    // Every candidate went to someone else while we asked: open items remain, so not "nothing left".
    throw DomainError.conflict('queue.busy', 'every open item was just taken by other annotators; ask for the next item again');
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
    // The item's entry was checked when it was added: read only what the value is checked against,
    // and the suggestion only in a queue with a judge (the hot path of an annotator's round).
    const [rules, suggestion] = await Promise.all([this.facts.rules(projectId, item.entryId, queue, item, value), queue.suggestions ? this.reads.suggestion(item.id) : Promise.resolve(null)]);
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
        entryId: item.entryId,
        runId: runIdOf(item.entryId),
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

/** An annotator's own action on an item they may work (skip, release). */
async function itemAction(
  executor: CommandExecutor,
  facts: AnnotationFacts,
  { projectId, queueId, itemId, annotator }: { projectId: string; queueId: string; itemId: string; annotator: Annotator },
  type: 'SkipItem' | 'ReleaseItem',
): Promise<CommandAccepted> {
  const { queue, item } = await facts.workableItem(projectId, queueId, itemId, annotator);
  const target = itemFacts(queue, item);
  const outcome = await itemCommand(executor, target, { type, item: target, annotator: annotator.id });
  return { id: itemId, version: outcome.version, position: outcome.position };
}

@CommandHandler(SkipItem)
export class SkipItemHandler implements ICommandHandler<SkipItem> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly facts: AnnotationFacts,
  ) {}

  execute(command: SkipItem): Promise<CommandAccepted> {
    return itemAction(this.executor, this.facts, command, 'SkipItem');
  }
}

@CommandHandler(ReleaseItem)
export class ReleaseItemHandler implements ICommandHandler<ReleaseItem> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly facts: AnnotationFacts,
  ) {}

  execute(command: ReleaseItem): Promise<CommandAccepted> {
    return itemAction(this.executor, this.facts, command, 'ReleaseItem');
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

@CommandHandler(ChangeQueueLifecycle)
export class ChangeQueueLifecycleHandler implements ICommandHandler<ChangeQueueLifecycle> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly reads: AnnotationsReadModel,
    private readonly facts: AnnotationFacts,
  ) {}

  async execute({ projectId, queueId, annotator, action }: ChangeQueueLifecycle): Promise<CommandAccepted> {
    await this.facts.writable(projectId);
    if (!(await this.reads.queue(projectId, queueId))) throw queueNotFound(queueId);
    const outcome = await this.executor.execute(queueDecider, {
      streamId: annotationQueueStreamId(queueId),
      streamType: ANNOTATION_QUEUE_STREAM_TYPE,
      projectId,
      command: { type: action, queueId, by: annotator.id },
    });
    return { id: queueId, version: outcome.version, position: outcome.position };
  }
}

@CommandHandler(RemoveQueueItem)
export class RemoveQueueItemHandler implements ICommandHandler<RemoveQueueItem> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly facts: AnnotationFacts,
  ) {}

  async execute({ projectId, queueId, itemId, annotator }: RemoveQueueItem): Promise<CommandAccepted> {
    const { queue, item } = await this.facts.workableItem(projectId, queueId, itemId, annotator);
    const target = itemFacts(queue, item);
    const outcome = await itemCommand(this.executor, target, { type: 'RemoveItem', item: target, by: annotator.id });
    return { id: itemId, version: outcome.version, position: outcome.position };
  }
}

export const ANNOTATION_COMMAND_HANDLERS = [
  ChangeQueueLifecycleHandler,
  RemoveQueueItemHandler,
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
