import { Injectable, inject } from '@angular/core';
import type {
  AddQueueItemsRequest,
  AddQueueItemsResult,
  AdjudicateRequest,
  AgreementReport,
  CommandAccepted,
  CreateQueueRequest,
  CreateQueueResult,
  Label,
  LabelSetView,
  NextItemResult,
  QueueItemPage,
  QueueItemStatus,
  QueueItemWork,
  QueueList,
  QueueProgress,
  QueueStatus,
  SubmitResponseRequest,
  SubmitResponseResult,
  UpdateQueueRequest,
} from '@camel/contracts';
import { AnnotationsClient } from '@camel/console-data-access';
import { API_CLIENT } from '../../core/api-client';
import { ApiService } from '../../core/api.service';

/**
 * The annotations routes for the Annotate, Queues and Agreement pages, with `ApiService`'s handling
 * of errors (toasts, a 403 reloads who the user is). Loads with those pages only.
 */
@Injectable({ providedIn: 'root' })
export class AnnotationsApiService {
  private readonly client = new AnnotationsClient(inject(API_CLIENT));
  private readonly api = inject(ApiService);

  getLabelSet(projectId: string): Promise<LabelSetView> {
    return this.api.call(() => this.client.getLabelSet(projectId));
  }

  getLabelSetAt(projectId: string): Promise<LabelSetView & { readonly position: number }> {
    return this.api.call(() => this.client.getLabelSetAt(projectId));
  }

  /** Not toasted: the editor shows the refused field in place. */
  defineLabelSet(projectId: string, labels: readonly Label[]): Promise<CommandAccepted> {
    return this.client.defineLabelSet(projectId, { labels });
  }

  listQueues(projectId: string, status?: QueueStatus): Promise<QueueList> {
    return this.api.call(() => this.client.listQueues(projectId, status));
  }

  /** Not toasted: the form shows the refused fields in place. */
  createQueue(projectId: string, request: CreateQueueRequest): Promise<CreateQueueResult> {
    return this.client.createQueue(projectId, request);
  }

  updateQueue(projectId: string, queueId: string, request: UpdateQueueRequest): Promise<CommandAccepted> {
    return this.api.call(() => this.client.updateQueue(projectId, queueId, request));
  }

  closeQueue(projectId: string, queueId: string): Promise<CommandAccepted> {
    return this.api.call(() => this.client.closeQueue(projectId, queueId));
  }

  reopenQueue(projectId: string, queueId: string): Promise<CommandAccepted> {
    return this.api.call(() => this.client.reopenQueue(projectId, queueId));
  }

  archiveQueue(projectId: string, queueId: string): Promise<CommandAccepted> {
    return this.api.call(() => this.client.archiveQueue(projectId, queueId));
  }

  withdrawAnnotation(projectId: string, annotationId: string): Promise<CommandAccepted> {
    return this.api.call(() => this.client.withdrawAnnotation(projectId, annotationId));
  }

  listItems(projectId: string, queueId: string, query: { status?: QueueItemStatus; limit?: number; after?: string }): Promise<QueueItemPage & { readonly position: number }> {
    return this.api.call(() => this.client.listItems(projectId, queueId, query));
  }

  removeItem(projectId: string, queueId: string, itemId: string): Promise<CommandAccepted> {
    return this.api.call(() => this.client.removeItem(projectId, queueId, itemId));
  }

  addItems(projectId: string, queueId: string, request: AddQueueItemsRequest): Promise<AddQueueItemsResult> {
    return this.api.call(() => this.client.addItems(projectId, queueId, request));
  }

  nextItem(projectId: string, queueId: string): Promise<NextItemResult> {
    return this.api.call(() => this.client.nextItem(projectId, queueId));
  }

  getItem(projectId: string, queueId: string, itemId: string): Promise<QueueItemWork> {
    return this.api.call(() => this.client.getItem(projectId, queueId, itemId));
  }

  submitResponse(projectId: string, queueId: string, itemId: string, request: SubmitResponseRequest): Promise<SubmitResponseResult> {
    return this.api.call(() => this.client.submitResponse(projectId, queueId, itemId, request));
  }

  skipItem(projectId: string, queueId: string, itemId: string): Promise<CommandAccepted> {
    return this.api.call(() => this.client.skipItem(projectId, queueId, itemId));
  }

  releaseItem(projectId: string, queueId: string, itemId: string): Promise<CommandAccepted> {
    return this.api.call(() => this.client.releaseItem(projectId, queueId, itemId));
  }

  adjudicate(projectId: string, queueId: string, itemId: string, request: AdjudicateRequest): Promise<CommandAccepted> {
    return this.api.call(() => this.client.adjudicate(projectId, queueId, itemId, request));
  }

  getProgress(projectId: string, queueId: string): Promise<QueueProgress & { readonly position: number }> {
    return this.api.call(() => this.client.getProgress(projectId, queueId));
  }

  getAgreement(projectId: string, queueId: string): Promise<AgreementReport & { readonly position: number }> {
    return this.api.call(() => this.client.getAgreement(projectId, queueId));
  }
}
