import { DomainError, type ModelComparison, type ModelDetail, type ModelList } from '@camel/contracts';
import { LogsReadModel } from '@camel/workflows/server';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { readCard, readMetricsHistory } from './model-files';
import { ModelRegistry } from './model-registry';
import { ModelsReadModel } from './models.read-model';

export const MODEL_USES_MAX = 50;
export const COMPARE_MIN = 2;
export const COMPARE_MAX = 8;

export class ListModels extends Query<ModelList> {
  constructor(readonly projectId: string, readonly includeArchived: boolean) {
    super();
  }
}

export class GetModel extends Query<ModelDetail> {
  constructor(readonly projectId: string, readonly modelId: string) {
    super();
  }
}

export class CompareModels extends Query<ModelComparison> {
  constructor(readonly projectId: string, readonly ids: readonly string[]) {
    super();
  }
}

@QueryHandler(ListModels)
export class ListModelsHandler implements IQueryHandler<ListModels> {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly models: ModelsReadModel,
  ) {}

  async execute({ projectId, includeArchived }: ListModels): Promise<ModelList> {
    const position = await this.models.position();
    return { models: await this.registry.list(projectId, includeArchived), position };
  }
}

@QueryHandler(GetModel)
export class GetModelHandler implements IQueryHandler<GetModel> {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly logs: LogsReadModel,
  ) {}

  async execute({ projectId, modelId }: GetModel): Promise<ModelDetail> {
    const found = await this.registry.find(projectId, modelId);
    if (!found || found.view.id !== modelId) throw DomainError.notFound('model.not-found', `model ${modelId} does not exist`);
    // Agents name a model by its name (or id); log entries record what the agent named.
    const usedBy = await this.logs.modelUses(projectId, [...new Set([found.view.name, found.view.id])], MODEL_USES_MAX);
    return {
      model: found.view,
      card: readCard(found.folder),
      usedBy,
      history: found.view.source === 'training' ? readMetricsHistory(found.folder) : [],
    };
  }
}

@QueryHandler(CompareModels)
export class CompareModelsHandler implements IQueryHandler<CompareModels> {
  constructor(private readonly registry: ModelRegistry) {}

  async execute({ projectId, ids }: CompareModels): Promise<ModelComparison> {
    const unique = [...new Set(ids)];
    if (unique.length < COMPARE_MIN || unique.length > COMPARE_MAX) throw DomainError.validation('model.compare.ids', 'ids', `ids must name ${COMPARE_MIN} to ${COMPARE_MAX} different models`);
    const models = [];
    for (const id of unique) {
      const found = await this.registry.find(projectId, id);
      if (!found || found.view.id !== id) throw DomainError.notFound('model.not-found', `model ${id} does not exist`);
      models.push(found.view);
    }
    const metrics = [...new Set(models.flatMap((m) => Object.keys(m.metrics)))].sort();
    return { models, metrics };
  }
}

export const MODEL_QUERY_HANDLERS = [ListModelsHandler, GetModelHandler, CompareModelsHandler];
