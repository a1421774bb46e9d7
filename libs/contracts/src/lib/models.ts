import type { DomainEvent } from './event-envelope';

/**
 * The model registry (docs/api.md "Models", docs/training.md): every model an agent or an OpenAI
 * client can use — built-in models shipped with the product (`models/` in the repository, e.g. the
 * starter model), models a training run produced, and open-weights models imported from a folder in
 * the Hugging Face layout.
 *
 *   GET    /api/projects/:id/models?includeArchived            → ModelList (+ x-read-position); built-ins included
 *   GET    /api/projects/:id/models/:modelId                   → ModelDetail (lineage, metrics, card)
 *   GET    /api/projects/:id/models/compare?ids=a,b,…          → ModelComparison (2–8 models)
 *   POST   /api/projects/:id/models/import                     ImportModelRequest → 201 ModelAccepted
 *   POST   /api/projects/:id/models/:modelId/tags              TagModelRequest → 200 ModelAccepted
 *   DELETE /api/projects/:id/models/:modelId/tags/:tag         → 200 ModelAccepted
 *   POST   /api/projects/:id/models/:modelId/archive           → 200 ModelAccepted
 *
 * OpenAI-compatible serving of registry models (any OpenAI client; docs/api.md "Serving"):
 *
 *   GET  /v1/models                       → { object: 'list', data: [{ id, object: 'model', created, owned_by }] }
 *   POST /v1/chat/completions             OpenAI's request (model = a model id or name; stream true|false)
 *
 * `/v1` authenticates with `Authorization: Bearer <project API key>` (the key's project), or a
 * signed-in user's access token plus the `OpenAI-Project: <project id>` header (the console's
 * playground). Permissions: reads `model:read`; import, tag, archive `model:manage`; `/v1` needs
 * `model:read` in the project.
 *
 * Live: `ModelRegistered` / `ModelTagged` / `ModelUntagged` / `ModelArchived` reach the project topic.
 */
export const MODEL_STREAM_TYPE = 'model';
export const modelStreamId = (modelId: string): string => `model-${modelId}`;

/** Lower-case identifier-like; agents name a model by it (`model: { provider: local, name: … }`). */
export const MODEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const MODEL_TAG = /^[a-z0-9][a-z0-9._-]{0,31}$/;

export type ModelSource = 'builtin' | 'training' | 'import';
export type TrainingMethod = 'sft' | 'dpo';

/**
 * The files of a model folder (`MODELS_DIR/<modelId>/`, built-ins under the repository's `models/`),
 * the Hugging Face layout plus the registry's own files.
 */
export const MODEL_FILES = {
  config: 'config.json',
  weights: 'model.safetensors',
  tokenizer: 'tokenizer.json',
  /** LoRA runs: the adapter alone (PEFT names) beside `adapter_config.json`; `model.safetensors` is the merged model. */
  adapter: 'adapter_model.safetensors',
  adapterConfig: 'adapter_config.json',
  /** The launch's arguments (TrainingArguments-like JSON). */
  trainingArgs: 'training_args.json',
  /** One JSON object per logged step: { step, ...metrics }. */
  metrics: 'metrics.jsonl',
  /** The model card (Markdown): what it is, dataset version, base model, method, metrics, limits. */
  card: 'README.md',
} as const;

/** The architecture, as the registry shows it (from config.json). */
export interface ModelArchitecture {
  readonly family: 'llama';
  readonly parameters: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly vocabSize: number;
  readonly contextLength: number;
}

/** Where a model came from: dataset version → training run → model; base model for fine-tunes. */
export interface ModelLineage {
  readonly baseModelId: string | null;
  readonly trainingRunId: string | null;
  readonly datasetId: string | null;
  readonly datasetVersion: number | null;
  readonly method: TrainingMethod | null;
  /** LoRA fine-tunes: rank, alpha and target projections. */
  readonly lora: { readonly rank: number; readonly alpha: number; readonly targets: readonly string[] } | null;
}

export interface ModelView {
  readonly id: string;
  /** Null for built-ins (every project sees them). */
  readonly projectId: string | null;
  readonly name: string;
  readonly source: ModelSource;
  readonly description: string | null;
  readonly architecture: ModelArchitecture;
  readonly lineage: ModelLineage;
  /** The final (or imported) metrics by TRL name, e.g. `loss`, `rewards/accuracies`; `eval/…` for held-out. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly tags: readonly string[];
  readonly archived: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface ModelList {
  readonly models: readonly ModelView[];
  readonly position: number;
}

export interface ModelUse {
  readonly runId: string;
  readonly workflow: string;
  readonly agent: string;
  readonly startedAt: string;
}

export interface ModelDetail {
  readonly model: ModelView;
  /** The model card's Markdown. */
  readonly card: string;
  /** Workflow runs whose agents used this model, newest first (at most 50). */
  readonly usedBy: readonly ModelUse[];
  /** The metrics history of the training run (empty for built-ins and imports). */
  readonly history: readonly TrainingStepMetrics[];
}

export interface ModelComparison {
  readonly models: readonly ModelView[];
  /** Metric names present in any of them, sorted. */
  readonly metrics: readonly string[];
}

export interface ImportModelRequest {
  readonly name: string;
  readonly description?: string;
  /**
   * A folder on the server in the Hugging Face layout (config.json, model.safetensors,
   * tokenizer.json), inside one of the directories MODEL_IMPORT_DIRS allows.
   */
  readonly path: string;
}

export interface TagModelRequest {
  readonly tag: string;
}

export interface ModelAccepted {
  readonly id: string;
  readonly version: number;
  readonly position: number;
}

/** One logged training step (the run's metrics history; also a model's). */
export interface TrainingStepMetrics {
  readonly step: number;
  readonly epoch: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly learningRate: number;
  readonly tokensPerSecond: number;
  readonly at: string;
}

// ---- events ----

export type ModelRegistered = DomainEvent<
  'ModelRegistered',
  {
    readonly modelId: string;
    readonly projectId: string;
    readonly name: string;
    readonly source: Exclude<ModelSource, 'builtin'>;
    readonly description: string | null;
    /** The folder, relative to MODELS_DIR. */
    readonly path: string;
    /** sha256 (hex) of the weights file, checked when the model is loaded. */
    readonly weightsSha256: string;
    readonly architecture: ModelArchitecture;
    readonly lineage: ModelLineage;
    readonly metrics: Readonly<Record<string, number>>;
  }
>;
export type ModelTagged = DomainEvent<'ModelTagged', { readonly modelId: string; readonly tag: string }>;
export type ModelUntagged = DomainEvent<'ModelUntagged', { readonly modelId: string; readonly tag: string }>;
export type ModelArchived = DomainEvent<'ModelArchived', { readonly modelId: string }>;

export type ModelEvent = ModelRegistered | ModelTagged | ModelUntagged | ModelArchived;
export const MODEL_EVENT_TYPES: readonly ModelEvent['type'][] = ['ModelRegistered', 'ModelTagged', 'ModelUntagged', 'ModelArchived'];
