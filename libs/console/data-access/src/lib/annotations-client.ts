import type {
  AddQueueItemsRequest,
  AddQueueItemsResult,
  AdjudicateRequest,
  AgreementReport,
  AnnotationList,
  CommandAccepted,
  CreateQueueRequest,
  CreateQueueResult,
  DefineLabelSetRequest,
  LabelSetView,
  NextItemResult,
  QueueItemPage,
  QueueItemStatus,
  QueueItemWork,
  QueueList,
  QueueProgress,
  QueueStatus,
  QueueView,
  RecordedEvent,
  SubmitResponseRequest,
  SubmitResponseResult,
  UpdateQueueRequest,
} from '@camel/contracts';
import { ANNOTATION_EVENT_TYPES, ANNOTATION_QUEUE_EVENT_TYPES } from '@camel/contracts';
import type { ApiClient } from './api-client';
import { ApiError } from './api-error';
import { queryString, readPosition } from './http';
import type { LiveListPage, LiveListSource } from './live-list';
import { readAgainSource } from './read-again-source';

const encode = encodeURIComponent;
const projectPath = (projectId: string) => `/api/projects/${encode(projectId)}`;
const queuesPath = (projectId: string) => `${projectPath(projectId)}/annotation-queues`;
const queuePath = (projectId: string, queueId: string) => `${queuesPath(projectId)}/${encode(queueId)}`;
const itemPath = (projectId: string, queueId: string, itemId: string) => `${queuePath(projectId, queueId)}/items/${encode(itemId)}`;

/**
 * The annotations routes (`libs/contracts/src/lib/annotations.ts`), typed, over an `ApiClient`:
 * the label set, queues, the next-item / submit / skip flow, progress, agreement, adjudication.
 */
export class AnnotationsClient {
  constructor(private readonly client: ApiClient) {}

  getLabelSet(projectId: string): Promise<LabelSetView> {
    return this.call('GET', `${projectPath(projectId)}/label-set`);
  }

  /** The label set with the read position (`x-read-position`), to follow the project topic from. */
  async getLabelSetAt(projectId: string): Promise<LabelSetView & { readonly position: number }> {
    const { body, headers } = await this.client.exchange<LabelSetView>('GET', `${projectPath(projectId)}/label-set`);
    return { ...body, position: readPosition(headers) };
  }

  defineLabelSet(projectId: string, body: DefineLabelSetRequest): Promise<CommandAccepted> {
    return this.call('PUT', `${projectPath(projectId)}/label-set`, body);
  }

  /** The queues you may see (annotators: those they are assigned to), with the read position; `archived`: the archived ones instead. */
  async listQueues(projectId: string, status?: QueueStatus): Promise<QueueList> {
    const { body, headers } = await this.client.exchange<QueueList>('GET', `${queuesPath(projectId)}${queryString({ status })}`);
    return { queues: body.queues, position: Math.max(body.position ?? 0, readPosition(headers)) };
  }

  getQueue(projectId: string, queueId: string): Promise<QueueView> {
    return this.call('GET', queuePath(projectId, queueId));
  }

  createQueue(projectId: string, body: CreateQueueRequest): Promise<CreateQueueResult> {
    return this.call('POST', queuesPath(projectId), body);
  }

  updateQueue(projectId: string, queueId: string, body: UpdateQueueRequest): Promise<CommandAccepted> {
    return this.call('PATCH', queuePath(projectId, queueId), body);
  }

  /** No more next-item in the queue (answers are kept); `reopen` takes it back. */
  closeQueue(projectId: string, queueId: string): Promise<CommandAccepted> {
    return this.call('POST', `${queuePath(projectId, queueId)}/close`);
  }

  reopenQueue(projectId: string, queueId: string): Promise<CommandAccepted> {
    return this.call('POST', `${queuePath(projectId, queueId)}/reopen`);
  }

  /** Archives the queue (final): it leaves the list; its answers and datasets stay. */
  archiveQueue(projectId: string, queueId: string): Promise<CommandAccepted> {
    return this.call('DELETE', queuePath(projectId, queueId));
  }

  /** Removes an item nobody answered. */
  removeItem(projectId: string, queueId: string, itemId: string): Promise<CommandAccepted> {
    return this.call('DELETE', itemPath(projectId, queueId, itemId));
  }

  /** Withdraws your annotation; in a queue, only before its item completes (the item is open to you again). */
  withdrawAnnotation(projectId: string, annotationId: string, reason?: string): Promise<CommandAccepted> {
    return this.call('POST', `${projectPath(projectId)}/annotations/${encode(annotationId)}/withdraw`, reason ? { reason } : {});
  }

  addItems(projectId: string, queueId: string, body: AddQueueItemsRequest): Promise<AddQueueItemsResult> {
    return this.call('POST', `${queuePath(projectId, queueId)}/items`, body);
  }

  /** A page of the queue's items, with the read position (`x-read-position`), to follow the project topic from. */
  async listItems(projectId: string, queueId: string, query: { status?: QueueItemStatus; limit?: number; after?: string } = {}): Promise<QueueItemPage & { readonly position: number }> {
    const { body, headers } = await this.client.exchange<QueueItemPage>('GET', `${queuePath(projectId, queueId)}/items${queryString({ ...query })}`);
    return { ...body, position: readPosition(headers) };
  }

  /**
   * Reserves the next item for you (null work: nothing left for you). A crowded queue may answer
   * 409 `queue.busy` (every candidate went to someone else as you asked): asked again, a few times.
   */
  async nextItem(projectId: string, queueId: string): Promise<NextItemResult> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.call<NextItemResult>('POST', `${queuePath(projectId, queueId)}/next`);
      } catch (error) {
        if (!(error instanceof ApiError) || error.body.code !== 'queue.busy' || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
      }
    }
  }

  getItem(projectId: string, queueId: string, itemId: string): Promise<QueueItemWork> {
    return this.call('GET', itemPath(projectId, queueId, itemId));
  }

  submitResponse(projectId: string, queueId: string, itemId: string, body: SubmitResponseRequest): Promise<SubmitResponseResult> {
    return this.call('POST', `${itemPath(projectId, queueId, itemId)}/responses`, body);
  }

  skipItem(projectId: string, queueId: string, itemId: string): Promise<CommandAccepted> {
    return this.call('POST', `${itemPath(projectId, queueId, itemId)}/skip`);
  }

  releaseItem(projectId: string, queueId: string, itemId: string): Promise<CommandAccepted> {
    return this.call('POST', `${itemPath(projectId, queueId, itemId)}/release`);
  }

  adjudicate(projectId: string, queueId: string, itemId: string, body: AdjudicateRequest): Promise<CommandAccepted> {
    return this.call('POST', `${itemPath(projectId, queueId, itemId)}/adjudicate`, body);
  }

  /** Progress with the read position (`x-read-position`), to follow the project topic from. */
  async getProgress(projectId: string, queueId: string): Promise<QueueProgress & { readonly position: number }> {
    const { body, headers } = await this.client.exchange<QueueProgress>('GET', `${queuePath(projectId, queueId)}/progress`);
    return { ...body, position: readPosition(headers) };
  }

  async getAgreement(projectId: string, queueId: string): Promise<AgreementReport & { readonly position: number }> {
    const { body, headers } = await this.client.exchange<AgreementReport>('GET', `${queuePath(projectId, queueId)}/agreement`);
    return { ...body, position: readPosition(headers) };
  }

  listAnnotations(projectId: string, query: { entryId?: string; queueId?: string; itemId?: string; annotator?: string }): Promise<AnnotationList> {
    return this.call('GET', `${projectPath(projectId)}/annotations${queryString({ ...query })}`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.client.exchange<T>(method, path, body)).body;
  }
}

/** Whether an event changes a queue's rows (its settings, items, reservations, responses, completion). */
export function isQueueEvent(event: RecordedEvent, queueId?: string): boolean {
  if (!ANNOTATION_QUEUE_EVENT_TYPES.includes(event.type) && !(ANNOTATION_EVENT_TYPES as readonly string[]).includes(event.type)) return false;
  if (!queueId) return true;
  const data = event.data as { queueId?: string | null };
  // Revisions and withdrawals name only the annotation: they may move any queue's agreement.
  return data.queueId === undefined || data.queueId === queueId;
}

/**
 * A project's queues, live: a queue event reads the list again (the counts are aggregates of many
 * item streams, which no single event carries whole).
 */
export function queueListSource(projectId: string, read: () => Promise<QueueList>): LiveListSource<QueueView> {
  return readAgainSource<QueueView>(
    [{ kind: 'project', projectId }],
    async () => {
      const { queues, position } = await read();
      return { items: queues, position };
    },
    (event) => isQueueEvent(event),
  );
}

/**
 * One read of a queue's page (progress, agreement…) as a one-row live list, read again after the
 * queue's events.
 */
export function queueRowSource<T>(projectId: string, queueId: string, read: () => Promise<T & { readonly position: number }>): LiveListSource<T, LiveListPage<T>> {
  return readAgainSource<T>(
    [{ kind: 'project', projectId }],
    async () => {
      const row = await read();
      return { items: [row], position: row.position };
    },
    (event) => isQueueEvent(event, queueId),
  );
}

/** A project's label set as a one-row live list: read again after each LabelSetDefined. */
export function labelSetSource(projectId: string, read: () => Promise<LabelSetView & { readonly position: number }>): LiveListSource<LabelSetView, LiveListPage<LabelSetView>> {
  return readAgainSource<LabelSetView>(
    [{ kind: 'project', projectId }],
    async () => {
      const row = await read();
      return { items: [{ projectId: row.projectId, labels: row.labels }], position: row.position };
    },
    (event) => event.type === 'LabelSetDefined',
  );
}
