import type { ModelArchitecture, ModelLineage, ModelView } from '@camel/contracts';

/**
 * What training (libs/training) needs from the model registry, and nothing more: find a model a
 * project may use (by id or name, built-ins included) with its folder on disk, reserve a name, and
 * register a model a training run wrote. Implemented by the registry (libs/models/server).
 */
export interface ModelCatalog {
  /** A model the project can use, by id or name; null when there is none (or it is archived). */
  resolve(projectId: string, idOrName: string): Promise<ResolvedModel | null>;
  /** True when an active model of the project already has this name. */
  nameTaken(projectId: string, name: string): Promise<boolean>;
  /** The absolute folder a new model with this id is to be written to (created by the caller). */
  folderFor(modelId: string): string;
  /**
   * Registers a model whose folder is written (ModelRegistered on the model's stream). Idempotent:
   * registering the same modelId for the same training run again returns the same model.
   */
  registerTrained(input: RegisterTrainedModel): Promise<{ readonly modelId: string; readonly position: number }>;
}

export interface ResolvedModel {
  readonly view: ModelView;
  /** Absolute folder (Hugging Face layout, MODEL_FILES). */
  readonly folder: string;
}

export interface RegisterTrainedModel {
  readonly modelId: string;
  readonly projectId: string;
  readonly name: string;
  readonly description: string | null;
  readonly architecture: ModelArchitecture;
  readonly lineage: ModelLineage;
  readonly metrics: Readonly<Record<string, number>>;
}

/** Nest token of the ModelCatalog. */
export const MODEL_CATALOG = Symbol('MODEL_CATALOG');
