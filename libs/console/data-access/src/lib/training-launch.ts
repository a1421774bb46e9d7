import {
  MODEL_NAME,
  TRAINING_DEFAULTS,
  type LaunchTrainingRunRequest,
  type LoraSettings,
  type TrainingHyperparameters,
  type TrainingMethod,
  type TrainingPreset,
} from '@camel/contracts';

/** The launch form's state: what the Training page edits (numbers as typed, NaN when not a number). */
export interface LaunchForm {
  readonly modelName: string;
  readonly description: string;
  readonly datasetId: string;
  /** 0 = none picked. */
  readonly datasetVersion: number;
  readonly baseModel: string;
  readonly method: TrainingMethod;
  readonly loraEnabled: boolean;
  readonly lora: LoraSettings;
  readonly hyperparameters: TrainingHyperparameters;
  /** null = the api picks one. */
  readonly seed: number | null;
  /** The preset the numbers came from (shown; not sent). */
  readonly presetId: string | null;
}

export const DEFAULT_LORA: LoraSettings = { rank: 8, alpha: 16, targets: ['q_proj', 'v_proj'] };

export function emptyLaunchForm(): LaunchForm {
  return {
    modelName: '',
    description: '',
    datasetId: '',
    datasetVersion: 0,
    baseModel: '',
    method: 'dpo',
    loraEnabled: false,
    lora: DEFAULT_LORA,
    hyperparameters: TRAINING_DEFAULTS,
    seed: null,
    presetId: null,
  };
}

/** A preset fills the method, LoRA and every hyperparameter; the names and picks stay. */
export function applyPreset(form: LaunchForm, preset: TrainingPreset): LaunchForm {
  return {
    ...form,
    method: preset.method,
    loraEnabled: preset.lora !== null,
    lora: preset.lora ?? form.lora,
    hyperparameters: { ...TRAINING_DEFAULTS, ...preset.hyperparameters },
    presetId: preset.id,
  };
}

type Check = readonly [field: string, ok: boolean, message: string];

const integerIn = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;

/**
 * What the api would refuse, by the field names its 400 uses (`modelName`, `hyperparameters.epochs`,
 * `lora.rank`…), checked before sending; the api checks again and its `fields` show the same way.
 */
export function launchProblems(form: LaunchForm): ReadonlyMap<string, string> {
  const h = form.hyperparameters;
  const checks: Check[] = [
    ['modelName', MODEL_NAME.test(form.modelName.trim()), 'Lower-case letters, digits, ".", "_" or "-" (up to 64, starting with a letter or digit).'],
    ['datasetId', form.datasetId !== '', 'Pick a dataset.'],
    ['datasetVersion', form.datasetId === '' || form.datasetVersion >= 1, 'Pick a version.'],
    ['baseModel', form.baseModel !== '', 'Pick a base model.'],
    ['hyperparameters.epochs', integerIn(h.epochs, 1, 100), 'A whole number from 1 to 100.'],
    ['hyperparameters.batchSize', integerIn(h.batchSize, 1, 256), 'A whole number from 1 to 256.'],
    ['hyperparameters.microBatch', integerIn(h.microBatch, 0, Number.isInteger(h.batchSize) ? h.batchSize : 256), 'A whole number from 0 (the whole batch) to the batch size.'],
    ['hyperparameters.learningRate', h.learningRate > 0 && h.learningRate <= 1, 'Above 0, at most 1.'],
    ['hyperparameters.weightDecay', h.weightDecay >= 0 && h.weightDecay <= 1, 'From 0 to 1.'],
    ['hyperparameters.warmupSteps', integerIn(h.warmupSteps, 0, 1_000_000), 'A whole number from 0 to 1,000,000.'],
    ['hyperparameters.maxLength', integerIn(h.maxLength, 8, 4096), 'A whole number from 8 to 4096.'],
    ['hyperparameters.checkpointEvery', integerIn(h.checkpointEvery, 1, 1_000_000), 'A whole number from 1 to 1,000,000.'],
    ['seed', form.seed === null || integerIn(form.seed, 0, 0xffffffff), 'A whole number from 0 to 4294967295, or empty.'],
  ];
  if (form.method === 'dpo') {
    checks.push(
      ['hyperparameters.beta', h.beta > 0 && h.beta <= 100, 'Above 0, at most 100.'],
      ['hyperparameters.labelSmoothing', h.lossType !== 'robust' || (h.labelSmoothing >= 0 && h.labelSmoothing < 0.5), 'From 0 up to (not including) 0.5.'],
      ['hyperparameters.rpoAlpha', h.rpoAlpha >= 0 && h.rpoAlpha <= 100, 'From 0 to 100.'],
    );
  }
  if (form.loraEnabled) {
    checks.push(
      ['lora.rank', integerIn(form.lora.rank, 1, 256), 'A whole number from 1 to 256.'],
      ['lora.alpha', form.lora.alpha > 0, 'Above 0.'],
      ['lora.targets', form.lora.targets.length > 0, 'Pick at least one projection.'],
    );
  }
  return new Map(checks.filter(([, ok]) => !ok).map(([field, , message]) => [field, message]));
}

/** The request of a form (its problems aside: `launchProblems` first). DPO-only arguments are sent for DPO only. */
export function launchRequest(form: LaunchForm): LaunchTrainingRunRequest {
  const { beta, lossType, labelSmoothing, rpoAlpha, precomputeReference, ...common } = form.hyperparameters;
  const hyperparameters: Partial<TrainingHyperparameters> =
    form.method === 'dpo' ? { ...common, beta, lossType, labelSmoothing: lossType === 'robust' ? labelSmoothing : 0, rpoAlpha, precomputeReference } : common;
  return {
    modelName: form.modelName.trim(),
    ...(form.description.trim() ? { description: form.description.trim() } : {}),
    datasetId: form.datasetId,
    datasetVersion: form.datasetVersion,
    baseModel: form.baseModel,
    method: form.method,
    ...(form.loraEnabled ? { lora: form.lora } : {}),
    hyperparameters,
    ...(form.seed === null ? {} : { seed: form.seed }),
  };
}

/** The first message of `field` or of a field under it (`lora` → `lora.rank`). */
export function fieldMessage(problems: ReadonlyMap<string, string>, field: string): string | null {
  return problems.get(field) ?? [...problems].find(([key]) => key.startsWith(`${field}.`) || key.startsWith(`${field}[`))?.[1] ?? null;
}

/** "3 min 20 s", "1 h 5 min", "40 s"; "—" when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
}
