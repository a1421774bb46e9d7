import {
  ANNOTATION_QUEUE_ITEM_STREAM_TYPE,
  ANNOTATION_STREAM_TYPE,
  annotationQueueItemStreamId,
  annotationStreamId,
  type DomainEvent,
  type EventMetadata,
  type SubmitResponseResult,
} from '@camel/contracts';
import { annotationDecider, queueItemDecider, type AnnotationCommand, type ItemFacts } from '@camel/annotations';
import { ConcurrencyError, type EventStore, type NewEvent, type ProjectionRunner } from '@camel/event-store';
import { foldStream, type Clock } from '@camel/kernel';
import { APP_CONFIG, CLOCK, currentRequestContext, EVENT_STORE, ID_GENERATOR, PROJECTION_RUNNER, type AppConfig, type IdGenerator } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';

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
    const itemStream = annotationQueueItemStreamId(submission.item.itemId);
    for (let attempt = 1; ; attempt += 1) {
      const history = await this.store.readStream(itemStream);
      const state = foldStream(queueItemDecider, history);
      const version = history.length === 0 ? 0 : history[history.length - 1].streamVersion;
      const now = this.clock.now();
      const itemEvents = queueItemDecider.decide(
        { type: 'RespondToItem', item: submission.item, annotator: submission.annotator, annotationId: submission.annotationId },
        state,
        { now },
      );
      const counted = itemEvents.some((e) => e.type === 'QueueItemResponded' && e.data.counted);
      const completes = itemEvents.some((e) => e.type === 'QueueItemCompleted');
      const blind = submission.blindQueue && !state.completed && !completes;
      const annotationEvents = annotationDecider.decide(submission.submit({ extra: !counted, blind }), annotationDecider.initialState, { now });
      const metadata = this.metadata(submission.item.projectId, now);
      try {
        const append = await this.store.db.transaction(async (tx) => {
          await this.store.appendInTransaction(tx, annotationStreamId(submission.annotationId), this.toNew(annotationEvents, metadata), {
            expectedVersion: 'no-stream',
            streamType: ANNOTATION_STREAM_TYPE,
          });
          return this.store.appendInTransaction(tx, itemStream, this.toNew(itemEvents, metadata), {
            expectedVersion: version === 0 ? 'no-stream' : version,
            streamType: ANNOTATION_QUEUE_ITEM_STREAM_TYPE,
          });
        });
        this.store.notifyCommitted();
        await this.projections.waitFor(append.lastPosition, { timeoutMs: this.config.projectionWaitMs });
        return { id: submission.annotationId, version: append.nextExpectedVersion, position: append.lastPosition, extra: !counted, completed: completes };
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
