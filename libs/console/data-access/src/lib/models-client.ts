import {
  MODEL_EVENT_TYPES,
  type ImportModelRequest,
  type ModelAccepted,
  type ModelComparison,
  type ModelDetail,
  type ModelList,
  type ModelView,
  type RecordedEvent,
} from '@camel/contracts';
import type { ApiClient } from './api-client';
import { queryString, readPosition } from './http';
import type { LiveListSource } from './live-list';
import { readAgainSource } from './read-again-source';

const encode = encodeURIComponent;
const modelsPath = (projectId: string) => `/api/projects/${encode(projectId)}/models`;
const modelPath = (projectId: string, modelId: string) => `${modelsPath(projectId)}/${encode(modelId)}`;

/** The model registry routes (`libs/contracts/src/lib/models.ts`), typed, over an `ApiClient`. */
export class ModelsClient {
  constructor(private readonly client: ApiClient) {}

  /** Built-ins and the project's models; archived ones only when asked. */
  async listModels(projectId: string, includeArchived = false): Promise<ModelList> {
    const { body, headers } = await this.client.exchange<ModelList>('GET', `${modelsPath(projectId)}${queryString({ includeArchived: includeArchived || undefined })}`);
    return { models: body.models, position: Math.max(body.position ?? 0, readPosition(headers)) };
  }

  getModel(projectId: string, modelId: string): Promise<ModelDetail> {
    return this.call('GET', modelPath(projectId, modelId));
  }

  /** 2–8 models side by side. */
  compare(projectId: string, ids: readonly string[]): Promise<ModelComparison> {
    return this.call('GET', `${modelsPath(projectId)}/compare${queryString({ ids: ids.join(',') })}`);
  }

  /** A folder on the server in the Hugging Face layout; a refused one is a 400 whose `fields` name the input. */
  importModel(projectId: string, request: ImportModelRequest): Promise<ModelAccepted> {
    return this.call('POST', `${modelsPath(projectId)}/import`, request);
  }

  tag(projectId: string, modelId: string, tag: string): Promise<ModelAccepted> {
    return this.call('POST', `${modelPath(projectId, modelId)}/tags`, { tag });
  }

  untag(projectId: string, modelId: string, tag: string): Promise<ModelAccepted> {
    return this.call('DELETE', `${modelPath(projectId, modelId)}/tags/${encode(tag)}`);
  }

  archive(projectId: string, modelId: string): Promise<ModelAccepted> {
    return this.call('POST', `${modelPath(projectId, modelId)}/archive`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.client.exchange<T>(method, path, body)).body;
  }
}

/** Events that change the registry: its own, and a training run's end (the run registers its model). */
export const isModelEvent = (event: RecordedEvent): boolean =>
  (MODEL_EVENT_TYPES as readonly string[]).includes(event.type) || event.type === 'TrainingRunCompleted';

/** The registry of a project, live: registrations, tags and archives read the list again. */
export function modelListSource(projectId: string, read: () => Promise<ModelList>): LiveListSource<ModelView> {
  return readAgainSource<ModelView>(
    [{ kind: 'project', projectId }],
    async () => {
      const { models, position } = await read();
      return { items: models, position };
    },
    isModelEvent,
  );
}
