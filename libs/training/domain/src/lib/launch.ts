import {
  DomainError,
  DPO_LOSS_TYPES,
  LORA_TARGETS,
  MODEL_NAME,
  TRAINING_DEFAULTS,
  TRAINING_METHODS,
  type LaunchTrainingRunRequest,
  type LoraSettings,
  type TrainingHyperparameters,
  type TrainingMethod,
} from '@camel/contracts';

export const TRAINING_DESCRIPTION_MAX = 2000;

/** A launch request with every default filled in and every field checked. */
export interface ValidLaunch {
  readonly modelName: string;
  readonly description: string | null;
  readonly datasetId: string;
  readonly datasetVersion: number;
  readonly baseModel: string;
  readonly method: TrainingMethod;
  readonly lora: LoraSettings | null;
  readonly hyperparameters: TrainingHyperparameters;
  readonly seed: number;
}

const invalid = (field: string, message: string) => DomainError.validation('validation', field, `${field} ${message}`);

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalid(field, `must be an integer from ${min} to ${max}`);
  return value;
}

function number(value: unknown, field: string, ok: (v: number) => boolean, range: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw invalid(field, `must be a number ${range}`);
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, 'is required');
  return value.trim();
}

/** TRAINING_DEFAULTS overlaid with the request's values, each within its contract range. */
export function validHyperparameters(raw: unknown): TrainingHyperparameters {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) throw invalid('hyperparameters', 'must be an object');
  const given = (raw ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(given).find((key) => !(key in TRAINING_DEFAULTS));
  if (unknown) throw DomainError.validation('validation', `hyperparameters.${unknown}`, `property hyperparameters.${unknown} should not exist`);
  const h = { ...TRAINING_DEFAULTS, ...given } as Record<keyof TrainingHyperparameters, unknown>;
  const f = (name: keyof TrainingHyperparameters) => `hyperparameters.${name}`;
  if (!DPO_LOSS_TYPES.includes(h.lossType as never)) throw invalid(f('lossType'), `must be one of ${DPO_LOSS_TYPES.join(', ')}`);
  if (typeof h.precomputeReference !== 'boolean') throw invalid(f('precomputeReference'), 'must be true or false');
  const batchSize = integer(h.batchSize, f('batchSize'), 1, 256);
  return {
    epochs: integer(h.epochs, f('epochs'), 1, 100),
    batchSize,
    microBatch: integer(h.microBatch, f('microBatch'), 0, batchSize),
    learningRate: number(h.learningRate, f('learningRate'), (v) => v > 0 && v <= 1, 'in (0, 1]'),
    weightDecay: number(h.weightDecay, f('weightDecay'), (v) => v >= 0 && v <= 1, 'in [0, 1]'),
    warmupSteps: integer(h.warmupSteps, f('warmupSteps'), 0, 1_000_000),
    maxLength: integer(h.maxLength, f('maxLength'), 8, 4096),
    checkpointEvery: integer(h.checkpointEvery, f('checkpointEvery'), 1, 1_000_000),
    beta: number(h.beta, f('beta'), (v) => v > 0 && v <= 100, 'in (0, 100]'),
    lossType: h.lossType as TrainingHyperparameters['lossType'],
    labelSmoothing: number(h.labelSmoothing, f('labelSmoothing'), (v) => v >= 0 && v < 0.5 && (v === 0 || h.lossType === 'robust'), 'in [0, 0.5), and 0 unless lossType is robust'),
    rpoAlpha: number(h.rpoAlpha, f('rpoAlpha'), (v) => v >= 0 && v <= 100, 'in [0, 100]'),
    precomputeReference: h.precomputeReference,
  };
}

export function validLora(raw: unknown): LoraSettings | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('lora', 'must be an object');
  const given = raw as Record<string, unknown>;
  const unknown = Object.keys(given).find((key) => !['rank', 'alpha', 'targets'].includes(key));
  if (unknown) throw DomainError.validation('validation', `lora.${unknown}`, `property lora.${unknown} should not exist`);
  const rank = integer(given['rank'], 'lora.rank', 1, 256);
  const alpha = number(given['alpha'] ?? 2 * rank, 'lora.alpha', (v) => v > 0, '> 0');
  const targets = given['targets'] ?? ['q_proj', 'v_proj'];
  if (!Array.isArray(targets) || targets.length === 0) throw invalid('lora.targets', 'must name at least one projection');
  const bad = targets.find((t) => !LORA_TARGETS.includes(t as never));
  if (bad !== undefined) throw invalid('lora.targets', `must be among ${LORA_TARGETS.join(', ')} (got ${JSON.stringify(bad)})`);
  return { rank, alpha, targets: [...new Set(targets as LoraSettings['targets'][number][])] };
}

/** Every field of a launch, defaults filled in; the first bad field is named (e.g. `hyperparameters.learningRate`). */
export function validLaunch(raw: LaunchTrainingRunRequest): ValidLaunch {
  const modelName = text(raw.modelName, 'modelName');
  if (!MODEL_NAME.test(modelName)) throw invalid('modelName', 'must be lower-case letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)');
  const description = typeof raw.description === 'string' ? raw.description.trim() || null : null;
  if (raw.description !== undefined && raw.description !== null && typeof raw.description !== 'string') throw invalid('description', 'must be a string');
  if (description && description.length > TRAINING_DESCRIPTION_MAX) throw invalid('description', `must be at most ${TRAINING_DESCRIPTION_MAX} characters`);
  const datasetId = text(raw.datasetId, 'datasetId');
  const datasetVersion = integer(raw.datasetVersion, 'datasetVersion', 1, Number.MAX_SAFE_INTEGER);
  const baseModel = text(raw.baseModel, 'baseModel');
  if (!TRAINING_METHODS.includes(raw.method)) throw invalid('method', `must be one of ${TRAINING_METHODS.join(', ')}`);
  const seed = raw.seed === undefined ? 42 : integer(raw.seed, 'seed', 0, 0xffffffff);
  return { modelName, description, datasetId, datasetVersion, baseModel, method: raw.method, lora: validLora(raw.lora), hyperparameters: validHyperparameters(raw.hyperparameters), seed };
}
