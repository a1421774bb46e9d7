import type { DomainEvent } from './event-envelope';
import type { ModelArchitecture, TrainingMethod, TrainingStepMetrics } from './models';

/**
 * Training runs (docs/api.md "Training", docs/training.md): SFT or DPO of a registry model on a
 * dataset version, as a durable job on the `training` queue (BullMQ with REDIS_URL, the in-process
 * queue on the embedded default), computed in a separate training process, checkpointed, resumable,
 * cancellable. A completed run registers its model (ModelRegistered) and then records
 * `TrainingRunCompleted` naming it.
 *
 *   POST /api/projects/:id/training-runs                     LaunchTrainingRunRequest → 201 TrainingRunAccepted
 *   GET  /api/projects/:id/training-runs                     → TrainingRunList (+ x-read-position)
 *   GET  /api/projects/:id/training-runs/:runId              → TrainingRunDetail (+ x-read-position)
 *   POST /api/projects/:id/training-runs/:runId/cancel       → 202 TrainingRunAccepted
 *   GET  /api/training/presets                               → TrainingPresetList
 *
 * Permissions: reads `training:read`; launch and cancel `training:start`. Live: every event of a
 * run reaches the project topic (progress comes as `TrainingProgressRecorded`, a few per second at
 * most).
 */
export const TRAINING_RUN_STREAM_TYPE = 'training-run';
export const trainingRunStreamId = (runId: string): string => `training-run-${runId}`;
export const TRAINING_QUEUE_NAME = 'training';

export const TRAINING_METHODS: readonly TrainingMethod[] = ['sft', 'dpo'];
export const DPO_LOSS_TYPES = ['sigmoid', 'ipo', 'hinge', 'robust'] as const;
export type DpoLossType = (typeof DPO_LOSS_TYPES)[number];
export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export interface LoraSettings {
  /** 1–256. */
  readonly rank: number;
  /** > 0; the update is scaled by alpha / rank. */
  readonly alpha: number;
  /** At least one. */
  readonly targets: readonly LoraTarget[];
}

/** TRL-like arguments; every field has a default (TRAINING_DEFAULTS). */
export interface TrainingHyperparameters {
  /** 1–100. */
  readonly epochs: number;
  /** 1–256 (pairs or examples per optimizer step). */
  readonly batchSize: number;
  /**
   * Gradient accumulation: pairs (or examples) per forward/backward pass, 0–batchSize; 0 = the whole
   * batch in one pass. The update and the metrics are the whole batch's; memory follows the
   * micro-batch (a 135M-parameter model's LoRA step fits one pair on wasm, not eight). Runs launched
   * before it existed have none: the whole batch.
   */
  readonly microBatch: number;
  /** (0, 1]. */
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly warmupSteps: number;
  /** Prompt + completion tokens kept (longer prompts lose their start). 8–4096. */
  readonly maxLength: number;
  /** Save a checkpoint every N optimizer steps (≥ 1). */
  readonly checkpointEvery: number;
  /** DPO only. */
  readonly beta: number;
  readonly lossType: DpoLossType;
  /** `robust` only, [0, 0.5). */
  readonly labelSmoothing: number;
  /** Weight of an SFT term on chosen replies (TRL `rpo_alpha`); 0 = none. */
  readonly rpoAlpha: number;
  /** DPO: compute the reference log-probs once before training instead of every step. */
  readonly precomputeReference: boolean;
}

export const TRAINING_DEFAULTS: TrainingHyperparameters = {
  epochs: 1,
  batchSize: 8,
  microBatch: 0,
  learningRate: 5e-4,
  weightDecay: 0,
  warmupSteps: 0,
  maxLength: 256,
  checkpointEvery: 50,
  beta: 0.1,
  lossType: 'sigmoid',
  labelSmoothing: 0,
  rpoAlpha: 0,
  precomputeReference: true,
};

export interface LaunchTrainingRunRequest {
  /** The model it registers; MODEL_NAME, unique among the project's active models. */
  readonly modelName: string;
  readonly description?: string;
  readonly datasetId: string;
  readonly datasetVersion: number;
  /** A registry model id or name (built-ins included). */
  readonly baseModel: string;
  readonly method: TrainingMethod;
  /** Absent: a full fine-tune. */
  readonly lora?: LoraSettings;
  readonly hyperparameters?: Partial<TrainingHyperparameters>;
  /** Shuffling and initialization (LoRA's A matrices); the same seed gives the same weights. */
  readonly seed?: number;
}

export interface TrainingRunAccepted {
  readonly id: string;
  readonly version: number;
  readonly position: number;
}

export type TrainingRunStatus = 'queued' | 'running' | 'cancelling' | 'completed' | 'failed' | 'cancelled';
export const TRAINING_RUN_FINAL: readonly TrainingRunStatus[] = ['completed', 'failed', 'cancelled'];

/** Why a run failed, for people and for code. */
export type TrainingFailureCode = 'dataset_empty' | 'dataset_missing' | 'base_model_missing' | 'out_of_memory' | 'diverged' | 'worker_lost' | 'internal';

export interface TrainingProgress {
  readonly step: number;
  readonly totalSteps: number;
  readonly epoch: number;
  readonly tokensPerSecond: number;
  /** Seconds left at the current rate (null before the first steps). */
  readonly etaSeconds: number | null;
  /** The latest step's metrics by TRL name. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The last checkpoint's step (0 = none yet). */
  readonly checkpointStep: number;
}

export interface TrainingRunView {
  readonly id: string;
  readonly projectId: string;
  readonly modelName: string;
  readonly description: string | null;
  readonly datasetId: string;
  readonly datasetVersion: number;
  readonly baseModelId: string;
  readonly method: TrainingMethod;
  readonly lora: LoraSettings | null;
  readonly hyperparameters: TrainingHyperparameters;
  readonly seed: number;
  readonly status: TrainingRunStatus;
  /** Jobs ahead of this one while queued (null otherwise). */
  readonly queuePosition: number | null;
  readonly progress: TrainingProgress | null;
  /** Which backend computed it: 'tensorflow' | 'wasm' | 'cpu'. */
  readonly backend: string | null;
  /** Times the job (re)started; > 1 after a worker was lost and the run resumed. */
  readonly attempts: number;
  readonly modelId: string | null;
  readonly failure: { readonly code: TrainingFailureCode; readonly message: string } | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface TrainingRunList {
  readonly runs: readonly TrainingRunView[];
  readonly position: number;
}

export interface TrainingRunDetail {
  readonly run: TrainingRunView;
  /** Every logged step, oldest first (the charts). */
  readonly history: readonly TrainingStepMetrics[];
  /** Held-out evaluation at the end (the dataset's test split), by TRL name with `eval/` prefix. */
  readonly evaluation: Readonly<Record<string, number>> | null;
}

export interface TrainingPreset {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly method: TrainingMethod;
  readonly lora: LoraSettings | null;
  readonly hyperparameters: TrainingHyperparameters;
}

export interface TrainingPresetList {
  readonly presets: readonly TrainingPreset[];
}

// ---- events (stream training-run-<id>) ----

export type TrainingRunLaunched = DomainEvent<
  'TrainingRunLaunched',
  {
    readonly runId: string;
    readonly projectId: string;
    readonly modelName: string;
    readonly description: string | null;
    readonly datasetId: string;
    readonly datasetVersion: number;
    /** The dataset version's content hash at launch: the job refuses pairs that hash otherwise. */
    readonly datasetContentHash: string;
    readonly baseModelId: string;
    readonly method: TrainingMethod;
    readonly lora: LoraSettings | null;
    readonly hyperparameters: TrainingHyperparameters;
    readonly seed: number;
  }
>;

/** A training process took the job (again, with `resumedFromStep` > 0 after a lost worker). */
export type TrainingRunStarted = DomainEvent<
  'TrainingRunStarted',
  {
    readonly runId: string;
    readonly attempt: number;
    readonly worker: string;
    readonly backend: string;
    readonly totalSteps: number;
    readonly resumedFromStep: number;
    readonly architecture: ModelArchitecture;
  }
>;

/** Steps logged since the last such event (batched: a few events per second at most). */
export type TrainingProgressRecorded = DomainEvent<
  'TrainingProgressRecorded',
  { readonly runId: string; readonly steps: readonly TrainingStepMetrics[]; readonly totalSteps: number; readonly etaSeconds: number | null }
>;

export type TrainingCheckpointSaved = DomainEvent<'TrainingCheckpointSaved', { readonly runId: string; readonly step: number; readonly path: string }>;

export type TrainingCancelRequested = DomainEvent<'TrainingCancelRequested', { readonly runId: string }>;

export type TrainingRunCompleted = DomainEvent<
  'TrainingRunCompleted',
  { readonly runId: string; readonly modelId: string; readonly metrics: Readonly<Record<string, number>>; readonly evaluation: Readonly<Record<string, number>> | null }
>;

export type TrainingRunFailed = DomainEvent<'TrainingRunFailed', { readonly runId: string; readonly code: TrainingFailureCode; readonly message: string; readonly step: number }>;

export type TrainingRunCancelled = DomainEvent<'TrainingRunCancelled', { readonly runId: string; readonly step: number }>;

export type TrainingRunEvent =
  | TrainingRunLaunched
  | TrainingRunStarted
  | TrainingProgressRecorded
  | TrainingCheckpointSaved
  | TrainingCancelRequested
  | TrainingRunCompleted
  | TrainingRunFailed
  | TrainingRunCancelled;
export const TRAINING_RUN_EVENT_TYPES: readonly TrainingRunEvent['type'][] = [
  'TrainingRunLaunched',
  'TrainingRunStarted',
  'TrainingProgressRecorded',
  'TrainingCheckpointSaved',
  'TrainingCancelRequested',
  'TrainingRunCompleted',
  'TrainingRunFailed',
  'TrainingRunCancelled',
];
