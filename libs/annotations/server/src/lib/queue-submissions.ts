import {
  ANNOTATION_QUEUE_ITEM_STREAM_TYPE,
  ANNOTATION_STREAM_TYPE,
  annotationQueueItemStreamId,
  annotationStreamId,
  type CommandAccepted,
  type DomainEvent,
  type EventMetadata,
  type SubmitResponseResult,
} from '@camel/contracts';
import { annotationDecider, queueItemDecider, type AnnotationCommand, type AnnotationState, type ItemFacts, type QueueItemState } from '@camel/annotations';
import { ConcurrencyError, type EventStore, type NewEvent, type ProjectionRunner } from '@camel/event-store';
import { foldStream, type Clock } from '@camel/kernel';
import { APP_CONFIG, CLOCK, currentRequestContext, EVENT_STORE, ID_GENERATOR, PROJECTION_RUNNER, type AppConfig, type IdGenerator } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';

const expected = (history: readonly { streamVersion: number }[]) => (history.length === 0 ? ('no-stream' as const) : history[history.length - 1].streamVersion);

/** Enough for every one of this many annotators answering one item at the same moment. */
const MAX_ATTEMPTS = 25;

export interface QueueSubmission {
  readonly item: ItemFacts;
  readonly annotationId: string;
  readonly annotator: string;
  readonly blindQueue: boolean;
  /** The annotation's submit command once `extra` and `blind` are known. */
  readonly submit: (decided: { extra: boolean; blind: boolean }) => AnnotationCommand;
}

/**
 * A response in a queue touches two streams: the item's (counted or extra, completion at exactly N)
 * and the new annotation's (its value and history). Both are decided on the item's fresh state and
 * appended in one transaction, the annotation first (so QueueItemCompleted follows the answers it
 * names); a concurrent response on the item fails the item append on its version and the whole
 * decision is taken again.
 */
@Injectable()
export class QueueSubmissions {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async submit(submission: QueueSubmission): Promise<SubmitResponseResult> {
    const result = await this.onItemAndAnnotation(submission.item, submission.annotationId, 'new', (state, annotation, now) => {
      const itemEvents = queueItemDecider.decide(
        { type: 'RespondToItem', item: submission.item, annotator: submission.annotator, annotationId: submission.annotationId },
        state,
        { now },
      );
      const counted = itemEvents.some((e) => e.type === 'QueueItemResponded' && e.data.counted);
      const completes = itemEvents.some((e) => e.type === 'QueueItemCompleted');
      const blind = submission.blindQueue && !state.completed && !completes;
      const annotationEvents = annotationDecider.decide(submission.submit({ extra: !counted, blind }), annotation, { now });
      return { itemEvents, annotationEvents, outcome: { extra: !counted, completed: completes } };
    });
    return { id: submission.annotationId, version: result.version, position: result.position, ...result.outcome };
  }

  /**
   * The annotator takes their answer back before the item completes: QueueItemResponseWithdrawn on
   * the item (its slot is free, the annotator may answer again) and AnnotationWithdrawn on the
   * annotation, in one transaction, decided on both streams' fresh states.
   */
  async withdraw(withdrawal: { item: ItemFacts; annotationId: string; annotator: string; reason: string | null }): Promise<CommandAccepted> {
    const result = await this.onItemAndAnnotation(withdrawal.item, withdrawal.annotationId, 'existing', (state, annotation, now) => {
      const itemEvents = queueItemDecider.decide({ type: 'WithdrawResponse', item: withdrawal.item, annotator: withdrawal.annotator }, state, { now });
      const annotationEvents = annotationDecider.decide({ type: 'WithdrawAnnotation', annotationId: withdrawal.annotationId, by: withdrawal.annotator, reason: withdrawal.reason }, annotation, { now });
      return { itemEvents, annotationEvents, outcome: null };
    });
    return { id: withdrawal.annotationId, version: result.version, position: result.position };
  }

  /**
   * Decides on the item's and the annotation's fresh states and appends both in one transaction, the
   * annotation first (so QueueItemCompleted follows the answers it names); a concurrent change of
   * either stream fails its append on the version and the whole decision is taken again.
   */
  private async onItemAndAnnotation<T>(
    item: ItemFacts,
    annotationId: string,
    /** A new annotation's stream is not read: it is empty, and its append expects no stream. */
    annotationStreamIs: 'new' | 'existing',
    decide: (state: QueueItemState, annotation: AnnotationState, now: Date) => { itemEvents: readonly DomainEvent[]; annotationEvents: readonly DomainEvent[]; outcome: T },
  ): Promise<{ version: number; position: number; outcome: T }> {
    const itemStream = annotationQueueItemStreamId(item.itemId);
    const annotationStream = annotationStreamId(annotationId);
    for (let attempt = 1; ; attempt += 1) {
      const [history, annotationHistory] = await Promise.all([
        this.store.readStream(itemStream),
        annotationStreamIs === 'new' ? Promise.resolve([]) : this.store.readStream(annotationStream),
      ]);
      const now = this.clock.now();
      const { itemEvents, annotationEvents, outcome } = decide(foldStream(queueItemDecider, history), foldStream(annotationDecider, annotationHistory), now);
      const metadata = this.metadata(item.projectId, now);
      try {
        const append = await this.store.db.transaction(async (tx) => {
          if (annotationEvents.length > 0) {
            await this.store.appendInTransaction(tx, annotationStream, this.toNew(annotationEvents, metadata), {
              expectedVersion: expected(annotationHistory),
              streamType: ANNOTATION_STREAM_TYPE,
            });
          }
          return this.store.appendInTransaction(tx, itemStream, this.toNew(itemEvents, metadata), {
            expectedVersion: expected(history),
            streamType: ANNOTATION_QUEUE_ITEM_STREAM_TYPE,
          });
        });
        this.store.notifyCommitted();
        await this.projections.waitFor(append.lastPosition, { timeoutMs: this.config.projectionWaitMs });
        return { version: append.nextExpectedVersion, position: append.lastPosition, outcome };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private metadata(projectId: string, now: Date): EventMetadata {
    const context = currentRequestContext();
    return {
      actor: context.actor,
      correlationId: context.correlationId,
      causationId: context.requestId,
      requestId: context.requestId,
      projectId,
      time: now.toISOString(),
    };
  }

  private toNew(events: readonly DomainEvent[], metadata: EventMetadata): NewEvent[] {
    return events.map((event) => ({ id: this.newId(), type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata }));
  }
}
