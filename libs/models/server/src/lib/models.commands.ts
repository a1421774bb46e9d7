import { DomainError, MODEL_STREAM_TYPE, modelStreamId, type ImportModelRequest, type ModelAccepted } from '@camel/contracts';
import { modelDecider, validModelDescription, validModelName, type ModelCommand } from '@camel/models';
import { APP_CONFIG, CommandExecutor, ID_GENERATOR, type AppConfig, type IdGenerator } from '@camel/server';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { allowedImportFolder, copyModelFolder, readMetricsHistory, validateModelFolder } from './model-files';
import { ModelRegistry } from './model-registry';
import { ModelsReadModel } from './models.read-model';

export class ImportModel extends Command<ModelAccepted> {
  constructor(readonly projectId: string, readonly request: ImportModelRequest) {
    super();
  }
}

export class TagModel extends Command<ModelAccepted> {
  constructor(readonly projectId: string, readonly modelId: string, readonly tag: string) {
    super();
  }
}

export class UntagModel extends Command<ModelAccepted> {
  constructor(readonly projectId: string, readonly modelId: string, readonly tag: string) {
    super();
  }
}

export class ArchiveModel extends Command<ModelAccepted> {
  constructor(readonly projectId: string, readonly modelId: string) {
    super();
  }
}

/** The project's registered model, or why not: a built-in is no stream (409), another project's model is not found. */
async function ownModel(registry: ModelRegistry, models: ModelsReadModel, projectId: string, modelId: string): Promise<void> {
  if ((await registry.builtins()).some((b) => b.view.id === modelId)) throw DomainError.conflict('model.builtin', `${modelId} is a built-in model: it cannot be tagged or archived`);
  if (!(await models.get(projectId, modelId))) throw DomainError.notFound('model.not-found', `model ${modelId} does not exist`);
}

async function run(executor: CommandExecutor, projectId: string, command: Exclude<ModelCommand, { type: 'RegisterModel' }>): Promise<ModelAccepted> {
  const outcome = await executor.execute(modelDecider, { streamId: modelStreamId(command.modelId), streamType: MODEL_STREAM_TYPE, projectId, command });
  return { id: command.modelId, version: outcome.version, position: outcome.position };
}

/** The metrics an imported folder reports: the last row of its metrics.jsonl, if it has one. */
function importedMetrics(folder: string): Record<string, number> {
  const history = readMetricsHistory(folder);
  return history.length > 0 ? { ...history[history.length - 1].metrics } : {};
}

/** The base model an imported folder names in training_args.json (`base_model`), if any. */
function importedBase(folder: string): string | null {
  const file = join(folder, 'training_args.json');
  if (!existsSync(file)) return null;
  try {
    const base = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)['base_model'];
    return typeof base === 'string' ? base : null;
  } catch {
    return null;
  }
}

@CommandHandler(ImportModel)
export class ImportModelHandler implements ICommandHandler<ImportModel> {
  constructor(
    private readonly registry: ModelRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  /** Checks everything before copying (a bad request leaves no folder and appends nothing). */
  async execute({ projectId, request }: ImportModel): Promise<ModelAccepted> {
    const name = validModelName(request.name);
    validModelDescription(request.description);
    const source = allowedImportFolder(request.path, this.config.models.importDirs);
    const { architecture } = await validateModelFolder(source);
    if (await this.registry.nameTakenBy(projectId, name)) throw DomainError.conflict('model.name.taken', `another model of this project is already called “${name}”; choose another name`, 'name');
    const modelId = this.newId();
    const target = this.registry.folderFor(modelId);
    copyModelFolder(source, target);
    try {
      return await this.registry.register({
        modelId,
        projectId,
        name,
        source: 'import',
        description: request.description ?? null,
        architecture,
        lineage: { baseModelId: importedBase(source), trainingRunId: null, datasetId: null, datasetVersion: null, method: null, lora: null },
        metrics: importedMetrics(source),
      });
    } catch (error) {
      rmSync(target, { recursive: true, force: true });
      throw error;
    }
  }
}

@CommandHandler(TagModel)
export class TagModelHandler implements ICommandHandler<TagModel> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly registry: ModelRegistry,
    private readonly models: ModelsReadModel,
  ) {}

  /**
   * Tags the model; the projection moves the tag from the model that had it. That model's stream is
   * then untagged too, so each stream's own tags agree with the registry (a crash between the two
   * leaves the registry right and the old stream's tag stale, which only counts against its limit).
   */
  async execute({ projectId, modelId, tag }: TagModel): Promise<ModelAccepted> {
    await ownModel(this.registry, this.models, projectId, modelId);
    const previous = await this.models.tagHolder(projectId, tag);
    const accepted = await run(this.executor, projectId, { type: 'TagModel', modelId, tag });
    if (previous && previous !== modelId && accepted.position > 0) {
      try {
        await run(this.executor, projectId, { type: 'UntagModel', modelId: previous, tag });
      } catch (error) {
        if (!(error instanceof DomainError && error.kind === 'not-found')) throw error;
      }
    }
    return accepted;
  }
}

@CommandHandler(UntagModel)
export class UntagModelHandler implements ICommandHandler<UntagModel> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly registry: ModelRegistry,
    private readonly models: ModelsReadModel,
  ) {}

  async execute({ projectId, modelId, tag }: UntagModel): Promise<ModelAccepted> {
    await ownModel(this.registry, this.models, projectId, modelId);
    return run(this.executor, projectId, { type: 'UntagModel', modelId, tag });
  }
}

@CommandHandler(ArchiveModel)
export class ArchiveModelHandler implements ICommandHandler<ArchiveModel> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly registry: ModelRegistry,
    private readonly models: ModelsReadModel,
  ) {}

  async execute({ projectId, modelId }: ArchiveModel): Promise<ModelAccepted> {
    await ownModel(this.registry, this.models, projectId, modelId);
    return run(this.executor, projectId, { type: 'ArchiveModel', modelId });
  }
}

export const MODEL_COMMAND_HANDLERS = [ImportModelHandler, TagModelHandler, UntagModelHandler, ArchiveModelHandler];
