import { Injectable, inject } from '@angular/core';
import type { ImportModelRequest, ModelAccepted, ModelComparison, ModelDetail, ModelList } from '@camel/contracts';
import { ChatClient, ModelsClient, type ChatReply, type ChatRequest } from '@camel/console-data-access';
import { API_CLIENT } from '../../core/api-client';
import { ApiService } from '../../core/api.service';

/** The model registry routes and the playground's `/v1/chat/completions`, with `ApiService`'s handling of errors. */
@Injectable({ providedIn: 'root' })
export class ModelsApiService {
  private readonly client = new ModelsClient(inject(API_CLIENT));
  private readonly chat = new ChatClient(inject(API_CLIENT));
  private readonly api = inject(ApiService);

  listModels(projectId: string, includeArchived = false): Promise<ModelList> {
    return this.api.call(() => this.client.listModels(projectId, includeArchived));
  }

  getModel(projectId: string, modelId: string): Promise<ModelDetail> {
    return this.api.call(() => this.client.getModel(projectId, modelId));
  }

  compare(projectId: string, ids: readonly string[]): Promise<ModelComparison> {
    return this.api.call(() => this.client.compare(projectId, ids));
  }

  /** A 400's `fields` are shown by the form too (`ApiError.body.fields`). */
  importModel(projectId: string, request: ImportModelRequest): Promise<ModelAccepted> {
    return this.api.call(() => this.client.importModel(projectId, request));
  }

  tag(projectId: string, modelId: string, tag: string): Promise<ModelAccepted> {
    return this.api.call(() => this.client.tag(projectId, modelId, tag));
  }

  untag(projectId: string, modelId: string, tag: string): Promise<ModelAccepted> {
    return this.api.call(() => this.client.untag(projectId, modelId, tag));
  }

  archive(projectId: string, modelId: string): Promise<ModelAccepted> {
    return this.api.call(() => this.client.archive(projectId, modelId));
  }

  /** The playground: the reply streams into `onDelta`; the page shows a failure in place. */
  streamChat(projectId: string, request: ChatRequest, onDelta: (text: string) => void, signal?: AbortSignal): Promise<ChatReply> {
    return this.chat.stream(projectId, request, onDelta, signal);
  }
}
