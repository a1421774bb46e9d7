import { DomainError, MODEL_FILES, MODEL_STREAM_TYPE, modelStreamId, type ModelView } from '@camel/contracts';
import { modelDecider, type ModelCommand } from '@camel/models';
import { ProjectsReadModel } from '@camel/projects/server';
import { APP_CONFIG, CommandExecutor, type AppConfig } from '@camel/server';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelCatalog, RegisterTrainedModel, ResolvedModel } from './model-catalog';
import { scanBuiltins, sha256File, type BuiltinModel } from './model-files';
import { ModelsReadModel } from './models.read-model';

/** A model the registry found, with where its files are and the weights' expected sha256. */
export interface LocatedModel extends ResolvedModel {
  /** What loading must find: the registered sha256; for a built-in, the one computed when the process first listed it. */
  readonly weightsSha256: string;
}

/**
 * The model registry: built-ins (folders of BUILTIN_MODELS_DIR, listed for every project) and the
 * project's registered models (the `models` read model, folders under MODELS_DIR). Implements the
 * ModelCatalog seam training uses.
 */
@Injectable()
export class ModelRegistry implements ModelCatalog {
  private readonly logger = new Logger('ModelRegistry');
  private builtinList: Promise<{ model: BuiltinModel; sha: string }[]> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly models: ModelsReadModel,
    private readonly projects: ProjectsReadModel,
    private readonly executor: CommandExecutor,
  ) {}

  get modelsDir(): string {
    return this.config.models.dir;
  }

  /** Scanned once per process: built-ins ship with the release and do not change while it runs. */
  private builtinsWithSha(): Promise<{ model: BuiltinModel; sha: string }[]> {
    this.builtinList ??= scanBuiltins(this.config.models.builtinDir, (folder, reason) => this.logger.warn(`built-in model ${folder} left out: ${reason}`)).then((models) =>
      Promise.all(models.map(async (model) => ({ model, sha: await sha256File(join(model.folder, MODEL_FILES.weights)) }))),
    );
    return this.builtinList;
  }

  async builtins(): Promise<BuiltinModel[]> {
    return (await this.builtinsWithSha()).map((b) => b.model);
  }

  /** Built-ins first, then the project's models newest first. */
  async list(projectId: string, includeArchived: boolean): Promise<ModelView[]> {
    const [builtins, own] = await Promise.all([this.builtins(), this.models.list(projectId, includeArchived)]);
    return [...builtins.map((b) => b.view), ...own.map((m) => m.view)];
  }

  /**
   * By id (archived included), or by name among active models, or by tag (a tag names one model of
   * the project); built-ins by their folder name. A name wins over a tag spelled the same.
   */
  async find(projectId: string, idOrName: string): Promise<LocatedModel | null> {
    const builtin = (await this.builtinsWithSha()).find((b) => b.model.view.id === idOrName);
    if (builtin) return { view: builtin.model.view, folder: builtin.model.folder, weightsSha256: builtin.sha };
    const own = (await this.models.get(projectId, idOrName)) ?? (await this.models.activeNamed(projectId, idOrName)) ?? (await this.tagged(projectId, idOrName));
    return own ? { view: own.view, folder: this.folderFor(own.path), weightsSha256: own.weightsSha256 } : null;
  }

  private async tagged(projectId: string, tag: string) {
    const holder = await this.models.tagHolder(projectId, tag);
    return holder ? this.models.get(projectId, holder) : null;
  }

  async resolve(projectId: string, idOrName: string): Promise<LocatedModel | null> {
    const found = await this.find(projectId, idOrName);
    return found && !found.view.archived ? found : null;
  }

  /** The built-in or active model of the project that has this name. */
  async nameTakenBy(projectId: string, name: string): Promise<string | null> {
    const builtin = (await this.builtins()).find((b) => b.view.name === name);
    if (builtin) return builtin.view.id;
    return (await this.models.activeNamed(projectId, name))?.view.id ?? null;
  }

  async nameTaken(projectId: string, name: string): Promise<boolean> {
    return (await this.nameTakenBy(projectId, name)) !== null;
  }

  folderFor(modelId: string): string {
    return join(this.config.models.dir, modelId);
  }

  /** Appends RegisterModel for a folder written under MODELS_DIR/<modelId>. */
  async register(command: Omit<Extract<ModelCommand, { type: 'RegisterModel' }>, 'type' | 'path' | 'weightsSha256' | 'projectStatus' | 'nameTakenBy'>, options: { awaitProjections?: boolean } = {}) {
    const folder = this.folderFor(command.modelId);
    if (!existsSync(join(folder, MODEL_FILES.weights))) {
      throw DomainError.validation('model.folder.missing', 'modelId', `model ${command.modelId}: ${join(folder, MODEL_FILES.weights)} does not exist (write the folder before registering it)`);
    }
    const outcome = await this.executor.execute(modelDecider, {
      streamId: modelStreamId(command.modelId),
      streamType: MODEL_STREAM_TYPE,
      projectId: command.projectId,
      awaitProjections: options.awaitProjections,
      command: {
        ...command,
        type: 'RegisterModel',
        path: command.modelId,
        weightsSha256: await sha256File(join(folder, MODEL_FILES.weights)),
        projectStatus: await this.projects.standing(command.projectId),
        nameTakenBy: await this.nameTakenBy(command.projectId, command.name),
      },
    });
    return { id: command.modelId, version: outcome.version, position: outcome.position };
  }

  /**
   * Training's registration (ModelCatalog). Does not wait for the projections (a worker runs none);
   * `position` is that of ModelRegistered, 0 when the run had registered it already.
   */
  async registerTrained(input: RegisterTrainedModel): Promise<{ readonly modelId: string; readonly position: number }> {
    const accepted = await this.register({ ...input, source: 'training' }, { awaitProjections: false });
    return { modelId: input.modelId, position: accepted.position };
  }
}
